package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The seed's request bodies (seed 000), verbatim.
const (
	seedProfile = `{
"profileName": "Advanced",
"description": "A profile with all the features",
"uxProfileId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a",
"roles": ["Agent"],
"memberOfGroups": ["c8c2909d-75e9-484a-94c0-b7e8d29771fe"],
"features": {
"matching": {"attributes": ["Language.English", "Language.French"],
  "queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
"voice": {"autoAnswer": false, "afterContactWork": false}
}
}`
	seedProfileWithChat = `{
"profileName": "Advanced",
"description": "A profile with all the features",
"uxProfileId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a",
"roles": ["Agent"],
"memberOfGroups": ["c8c2909d-75e9-484a-94c0-b7e8d29771fe"],
"features": {
"matching": {"attributes": ["Language.English", "Language.French"],
  "queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
"chat": {"autoAnswer": false, "multiplicity": 5, "afterContactWork": false},
"voice": {"autoAnswer": false, "afterContactWork": false}
}
}`
	seedUser = `{
"organizationNodeId": "EXMPLE",
"loginId": "alex.stevens@example.com",
"password": "ucP69e3sCw9%",
"lastName": "Stevens",
"firstName": "Alex",
"roles": ["Agent", "Business Analyst"],
"features": {"voice": {"autoAnswer": false, "afterContactWork": false}}
}`
	seedApplyProfile = `{
"organizationNodeId": "EXMPLE",
"loginId": "alex.stevens@example.com",
"lastName": "Stevens",
"firstName": "Alex",
"profileId": "%PROFILE%"
}`
	seedUpdateUser = `{
"organizationNodeId": "EXMPLE",
"loginId": "alex.stevens@example.com",
"lastName": "Stevens",
"firstName": "Alex",
"features": {"voice": {"autoAnswer": false, "afterContactWork": false}}
}`
)

// status fetches the status of a user or profile through :listStatuses, as
// the seed polls it, and through /status, and checks they agree.
func (s *server) status(kind, id string) map[string]any {
	s.t.Helper()
	list := s.must(200, "POST", pathf("/%ss:listStatuses", kind), map[string]any{kind + "Ids": []string{id}})
	arr, _ := list.Body.([]any)
	if len(arr) != 1 {
		s.t.Fatalf("%ss:listStatuses(%s) = %s, want one status", kind, id, list.Raw)
	}
	one := s.must(200, "GET", pathf("/%ss/%s/status", kind, id), nil)
	if diff := cmp.Diff(arr[0], one.Body); diff != "" {
		s.t.Errorf("listStatuses and /status disagree (-list +one):\n%s", diff)
	}
	return arr[0].(map[string]any)
}

// liveStatus reads a status while provisioning runs (it may change
// between two reads, so only one is made).
func (s *server) liveStatus(kind, id string) map[string]any {
	s.t.Helper()
	return s.must(200, "GET", pathf("/%ss/%s/status", kind, id), nil).obj()
}

func (s *server) wantStatus(kind, id, want string) {
	s.t.Helper()
	got := s.status(kind, id)
	if diff := cmp.Diff(jsonOf(s.t, want), any(got)); diff != "" {
		s.t.Fatalf("%s %s status (-want +got):\n%s", kind, id, diff)
	}
}

// TestSeedReplay replays every example of seed 000 in order and compares
// the answers and the status sequences with the seed's.
func TestSeedReplay(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)

	// Creating a Profile.
	r := s.must(202, "POST", path("/profiles"), seedProfile)
	prof := r.obj()["profileId"].(string)
	want := jsonOf(t, strings.Replace(seedProfile, `"profileName"`, `"profileId": "`+prof+`", "profileName"`, 1))
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Fatalf("create profile answer (-seed +got):\n%s", diff)
	}
	if r.Header.Get("ETag") == "" || r.Header.Get("Location") != path("/profiles/"+prof) {
		t.Errorf("create profile headers: ETag %q, Location %q", r.Header.Get("ETag"), r.Header.Get("Location"))
	}
	inProgress := `{"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress", "profileId": "` + prof + `",
		"role": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"},
		"features": {
			"matching": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"},
			"voice": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`
	s.wantStatus("profile", prof, inProgress)
	s.drain()
	s.wantStatus("profile", prof, `{"action": "ADD", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"role": {"action": "ADD", "status": "COMPLETED", "message": "Added successfully"},
		"features": {
			"matching": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"},
			"voice": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)

	// Adding a new Feature.
	r = s.must(202, "PUT", path("/profiles/"+prof), seedProfileWithChat)
	want = jsonOf(t, strings.Replace(seedProfileWithChat, `"profileName"`, `"profileId": "`+prof+`", "profileName"`, 1))
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Fatalf("add chat answer (-seed +got):\n%s", diff)
	}
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)

	// Removing an existing Feature.
	r = s.must(202, "PUT", path("/profiles/"+prof), seedProfile)
	if _, has := r.obj()["features"].(map[string]any)["chat"]; has {
		t.Fatalf("remove chat answer still has chat: %s", r.Raw)
	}
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "profileId": "`+prof+`",
		"features": {"chat": {"action": "DELETE", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"features": {"chat": {"action": "DELETE", "status": "COMPLETED", "message": "Feature deleted successfully"}}}`)

	user := replayUser(t, s, prof)

	// Deleting a User.
	s.must(204, "DELETE", path("/users/"+user), nil)
	s.must(404, "GET", path("/users/"+user), nil)
	s.wantStatus("user", user, `{"action": "DELETE", "status": "DELETE_IN_PROGRESS", "message": "Operation is in progress", "userId": "`+user+`",
		"features": {"voice": {"action": "DELETE", "status": "DELETE_IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("user", user, `{"action": "DELETE", "status": "DELETED", "message": "Completed successfully", "userId": "`+user+`",
		"features": {"voice": {"action": "DELETE", "status": "DELETED", "message": "Feature deleted successfully"}}}`)

	// Deleting a Profile.
	s.must(204, "DELETE", path("/profiles/"+prof), nil)
	s.must(404, "GET", path("/profiles/"+prof), nil)
	s.wantStatus("profile", prof, `{"action": "DELETE", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"role": {"action": "DELETE", "status": "COMPLETED", "message": "Removed successfully"},
		"features": {
			"matching": {"action": "DELETE", "status": "COMPLETED", "message": "Feature deleted successfully"},
			"voice": {"action": "DELETE", "status": "COMPLETED", "message": "Feature deleted successfully"}}}`)
}
