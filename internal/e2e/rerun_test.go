package e2e

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVoiceExtensionsAreUnique: users created at once each get their own
// extension, even though every write of these tests runs twice
// (rerunStore): an extension allocated by a run that was rolled back is
// not kept.
func TestVoiceExtensionsAreUnique(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	ids := createUsers(s, 12, func(i int) string { return sprintf(voiceUser, sprintf("voice%d@example.com", i)) })
	seen := map[string]string{}
	for _, id := range ids {
		ext := voiceIdentity(t, s.must(200, "GET", path("/users/"+id), nil).obj())["userExtension"].(string)
		if other, ok := seen[ext]; ok {
			t.Errorf("users %s and %s both have extension %s", other, id, ext)
		}
		seen[ext] = id
	}
}

// TestRunAgainAfterAProfileChange: a user created with a feature equal to
// its profile's, while the profile changes between the two runs of its
// write (as between a deadlock's rollback and the retry on PostgreSQL),
// keeps the feature as its own: the first run, which found it inherited,
// must not have dropped it from the request.
func TestRunAgainAfterAProfileChange(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), map[string]any{"profileName": "Chat", "description": "Chat",
		"features": map[string]any{"chat": map[string]any{"autoAnswer": true}}}).obj()["profileId"].(string)
	changed := false
	between := func() {
		changed = true
		s.must(202, "PUT", path("/profiles/"+prof), map[string]any{"profileName": "Chat", "description": "Chat",
			"features": map[string]any{"chat": map[string]any{"autoAnswer": false}}})
	}
	s.between.Store(&between)
	id := s.must(202, "POST", path("/users"), sprintf(`{"organizationNodeId": "EXMPLE", "loginId": "chat@example.com",
		"firstName": "Al", "lastName": "Bo", "profileId": %q, "features": {"chat": {"autoAnswer": true}}}`, prof)).obj()["userId"].(string)
	if !changed {
		t.Fatal("the profile did not change between the two runs")
	}
	got := s.must(200, "GET", path("/users/"+id), nil).obj()["features"].(map[string]any)["chat"]
	if diff := cmp.Diff(map[string]any{"autoAnswer": true}, got); diff != "" {
		t.Errorf("the user's chat (-sent +got):\n%s", diff)
	}
}

// TestBootstrapRunAgain: two bootstraps of one operator token, the second
// committed between the two runs of the first: exactly one says it stored
// the token (the start-up writes its token file on that answer).
func TestBootstrapRunAgain(t *testing.T) {
	s := newServer(t, nil)
	const token = "rst_e2e-second-operator-token-of-32-characters"
	var inner bool
	between := func() {
		var err error
		if inner, err = s.app.Service.BootstrapOperator(context.Background(), token, false); err != nil {
			t.Error(err)
		}
	}
	s.between.Store(&between)
	outer, err := s.app.Service.BootstrapOperator(context.Background(), token, false)
	if err != nil || outer == inner {
		t.Errorf("bootstraps of one token answered stored %v (outer) and %v (inner), %v; want exactly one", outer, inner, err)
	}
}
