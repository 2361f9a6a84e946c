package e2e

import (
	"testing"
)

const (
	voiceProfile = `{"profileName": "Agents", "roles": ["Agent"], "features": {"voice": {"autoAnswer": true}}}`
	chatProfile  = `{"profileName": "Agents", "roles": ["Agent"], "features": {"voice": {"autoAnswer": true}, "chat": {"multiplicity": 2}}}`
	chatProfile2 = `{"profileName": "Agents", "description": "now described", "roles": ["Agent"],
		"features": {"voice": {"autoAnswer": true}, "chat": {"multiplicity": 2}}}`
)

// TestProfileFailureAndRetry: a profile's status reports its users'
// failures ("N of M users failed"), a repeated profile PUT retries them,
// and a user deleted before its failed feature was ever provisioned is
// deleted without asking the provisioner to undo it.
func TestProfileFailureAndRetry(t *testing.T) {
	h := newHook(t, 422)
	s := newServer(t, map[string]string{"ROSTER_PROVISIONERS": "chat=webhook:" + h.srv.URL})
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), voiceProfile).obj()["profileId"].(string)
	var users []string
	for _, login := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		users = append(users, s.must(202, "POST", path("/users"),
			userBody(login, "Ab", "Cd", `, "profileId": "`+prof+`"`)).obj()["userId"].(string))
	}
	s.drain()

	s.must(202, "PUT", path("/profiles/"+prof), chatProfile)
	s.drain()
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "FAILED", "message": "3 of 3 users failed", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "FAILED", "message": "3 of 3 users failed"}}}`)
	if n := h.count(); n != 3 {
		t.Fatalf("webhook calls = %d, want 3", n)
	}

	// A later change (here only the description) retries the failed users
	// and the status keeps reporting chat until they settle.
	h.setAnswers(200)
	s.must(202, "PUT", path("/profiles/"+prof), chatProfile2)
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)
	if n := h.count(); n != 6 {
		t.Fatalf("webhook calls = %d, want 6 (3 failed, 3 retried)", n)
	}
	for _, u := range users {
		if st := s.status("user", u); st["status"] != "COMPLETED" {
			t.Errorf("user %s status = %v, want COMPLETED", u, st)
		}
	}

	// Deleting a user whose chat never got provisioned calls nothing.
	h.setAnswers(422)
	late := s.must(202, "POST", path("/users"), userBody("late@example.com", "La", "Te", `, "profileId": "`+prof+`"`)).obj()["userId"].(string)
	s.drain()
	if st := s.status("profile", prof); st["status"] != "FAILED" || st["message"] != "1 of 4 users failed" {
		t.Errorf("profile status with a user created on it failing = %v, want FAILED 1 of 4", st)
	}
	calls := h.count()
	s.must(204, "DELETE", path("/users/"+late), nil)
	s.drain()
	s.wantStatus("user", late, `{"action": "DELETE", "status": "DELETED", "message": "Completed successfully", "userId": "`+late+`",
		"role": {"action": "DELETE", "status": "DELETED", "message": "Removed successfully"},
		"features": {
			"chat": {"action": "DELETE", "status": "DELETED", "message": "Feature deleted successfully"},
			"voice": {"action": "DELETE", "status": "DELETED", "message": "Feature deleted successfully"}}}`)
	if h.count() != calls {
		t.Errorf("deleting a never-provisioned chat called the webhook %d times", h.count()-calls)
	}
	if st := s.status("profile", prof); st["status"] != "COMPLETED" {
		t.Errorf("profile status after the failing user left = %v, want COMPLETED", st)
	}
}

// TestProfileKeepsSupervisors: a profile cannot drop Supervisor while users
// on it own groups and take their roles from it.
func TestProfileKeepsSupervisors(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), `{"profileName": "Sup", "roles": ["Supervisor"]}`).obj()["profileId"].(string)
	s.must(202, "POST", path("/users"), userBody("sup@example.com", "Su", "Per",
		`, "profileId": "`+prof+`", "ownedGroups": ["`+seedGroup+`"]`))
	if r := s.do("PUT", path("/profiles/"+prof), `{"profileName": "Sup", "roles": ["Agent"]}`); r.Status != 409 {
		t.Fatalf("dropping Supervisor from group owners' profile = %d, want 409: %s", r.Status, r.Raw)
	}
	s.must(202, "PUT", path("/profiles/"+prof), `{"profileName": "Sup", "roles": ["Supervisor", "Reporting"]}`)
}
