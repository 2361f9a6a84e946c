package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestWritesDuringPropagation: profile PUTs and user PUTs keep coming while
// the reconciler carries the profile's changes to 600 users. Every write is
// accepted (no 409 from a deadlock, no 5xx), and everything settles on the
// last profile.
func TestWritesDuringPropagation(t *testing.T) {
	s := newServer(t, map[string]string{"ROSTER_LEASE": "5s"})
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), voiceProfile).obj()["profileId"].(string)
	ids := createUsers(s, 600, func(i int) string {
		return userBody(fmt.Sprintf("busy%d@example.com", i), "Bu", "Sy", `, "profileId": "`+prof+`"`)
	})
	var wg sync.WaitGroup
	stop := s.run()
	defer stop()
	deadline := time.Now().Add(3 * time.Second)
	last := voiceProfile
	wg.Go(func() {
		for i := 0; time.Now().Before(deadline); i++ {
			last = []string{chatProfile, voiceProfile}[i%2]
			s.must(202, "PUT", path("/profiles/"+prof), last)
		}
	})
	wg.Go(func() {
		for i := 0; time.Now().Before(deadline); i++ {
			id := ids[i%len(ids)]
			s.must(202, "PUT", path("/users/"+id), userBody(fmt.Sprintf("busy%d@example.com", i%len(ids)), fmt.Sprintf("Name%d", i%7), "Sy",
				`, "profileId": "`+prof+`"`))
		}
	})
	wg.Wait()
	eventually(t, "the profile's changes settle", func() bool { return s.liveStatus("profile", prof)["status"] == "COMPLETED" })
	wantChat := last == chatProfile
	for i, id := range ids {
		eventually(t, "user COMPLETED", func() bool { return s.liveStatus("user", id)["status"] == "COMPLETED" })
		_, hasChat := s.must(200, "GET", path("/users/"+id), nil).obj()["features"].(map[string]any)["chat"]
		if hasChat != wantChat {
			t.Fatalf("user %d has chat %v, want %v (the last profile)", i, hasChat, wantChat)
		}
	}
}
