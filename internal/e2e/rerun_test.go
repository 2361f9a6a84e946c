package e2e

import (
	"testing"
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
