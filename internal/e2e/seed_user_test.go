package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	userIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
)

// voiceIdentity checks the server-generated voice fields of a user answer
// and returns them.
func voiceIdentity(t *testing.T, user map[string]any) map[string]any {
	t.Helper()
	voice, _ := user["features"].(map[string]any)["voice"].(map[string]any)
	ext, _ := voice["userExtension"].(string)
	elin, _ := voice["emergencyLocationIdentificationNumber"].(string)
	providers, _ := voice["providers"].([]any)
	if !digitsRE.MatchString(ext) || len(elin) != 10 || !digitsRE.MatchString(elin) || len(providers) != 1 {
		t.Fatalf("voice identity missing or malformed: %v", voice)
	}
	p := providers[0].(map[string]any)
	if !uuidRE.MatchString(p["providerAgentId"].(string)) || !uuidRE.MatchString(p["channelProviderId"].(string)) {
		t.Fatalf("voice providers malformed: %v", p)
	}
	return map[string]any{"userExtension": ext, "emergencyLocationIdentificationNumber": elin, "providers": providers}
}

// withVoiceIdentity returns the seed answer with the generated values of got.
func withVoiceIdentity(t *testing.T, seed string, id map[string]any) any {
	want := jsonOf(t, seed).(map[string]any)
	voice := want["features"].(map[string]any)["voice"].(map[string]any)
	for k, v := range id {
		voice[k] = v
	}
	return want
}

func replayUser(t *testing.T, s *server, prof string) string {
	t.Helper()
	// Creating a User: the answer is the request without the password, with
	// the userId and the server-generated voice fields.
	r := s.must(202, "POST", path("/users"), seedUser)
	user := r.obj()["userId"].(string)
	if !userIDRE.MatchString(user) {
		t.Fatalf("userId %q is not a time-ordered (version 7) UUID", user)
	}
	id := voiceIdentity(t, r.obj())
	want := withVoiceIdentity(t, strings.Replace(seedUser, `"password": "ucP69e3sCw9%",`, `"userId": "`+user+`",`, 1), id)
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Fatalf("create user answer (-seed +got):\n%s", diff)
	}
	if strings.Contains(string(r.Raw), "ucP69e3sCw9") || strings.Contains(s.logs.String(), "ucP69e3sCw9") {
		t.Fatal("the password appears in an answer or a log line")
	}
	s.wantStatus("user", user, `{"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress", "userId": "`+user+`",
		"role": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"},
		"features": {"voice": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("user", user, `{"action": "ADD", "status": "COMPLETED", "message": "Completed successfully", "userId": "`+user+`",
		"role": {"action": "ADD", "status": "COMPLETED", "message": "Added successfully"},
		"features": {"voice": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)

	// Applying a Profile to a User: the answer is the effective view, as in
	// the seed, and the voice identity is kept.
	r = s.must(202, "PUT", path("/users/"+user), strings.Replace(seedApplyProfile, "%PROFILE%", prof, 1))
	want = withVoiceIdentity(t, `{
		"userId": "`+user+`", "organizationNodeId": "EXMPLE", "loginId": "alex.stevens@example.com",
		"lastName": "Stevens", "firstName": "Alex", "profileId": "`+prof+`",
		"uxProfileId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a", "roles": ["Agent"],
		"memberOfGroups": ["c8c2909d-75e9-484a-94c0-b7e8d29771fe"],
		"features": {
			"matching": {"attributes": ["Language.English", "Language.French"],
				"queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
			"voice": {"autoAnswer": false, "afterContactWork": false}},
		"inherited": ["uxProfileId", "roles", "memberOfGroups", "features.matching", "features.voice"]}`, id)
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Fatalf("apply profile answer (-want +got):\n%s", diff)
	}
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "userId": "`+user+`",
		"role": {"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress"},
		"features": {"matching": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "userId": "`+user+`",
		"role": {"action": "UPDATE", "status": "COMPLETED", "message": "Updated successfully"},
		"features": {"matching": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)

	// Updating a User: a complete replacement; leaving the profile removes
	// what it gave, the user's own voice stays with the same identity.
	r = s.must(202, "PUT", path("/users/"+user), seedUpdateUser)
	want = withVoiceIdentity(t, strings.Replace(seedUpdateUser, `"organizationNodeId"`, `"userId": "`+user+`", "organizationNodeId"`, 1), id)
	if diff := cmp.Diff(want, r.Body); diff != "" {
		t.Fatalf("update user answer (-seed +got):\n%s", diff)
	}
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "userId": "`+user+`",
		"role": {"action": "DELETE", "status": "IN_PROGRESS", "message": "Operation is in progress"},
		"features": {"matching": {"action": "DELETE", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "userId": "`+user+`",
		"role": {"action": "DELETE", "status": "COMPLETED", "message": "Removed successfully"},
		"features": {"matching": {"action": "DELETE", "status": "COMPLETED", "message": "Feature deleted successfully"}}}`)
	return user
}
