package e2e

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentIfMatch: 20 concurrent PUTs with the same If-Match give
// exactly one 202; the others are 412 and change nothing.
func TestConcurrentIfMatch(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	u := s.must(202, "POST", path("/users"), userBody("race@example.com", "Ra", "Ce", ""))
	p := s.must(202, "POST", path("/profiles"), `{"profileName": "Race"}`)
	for _, target := range []struct {
		path, etag string
		body       func(i int) string
	}{
		{path("/users/" + u.obj()["userId"].(string)), u.Header.Get("ETag"),
			func(i int) string { return userBody("race@example.com", fmt.Sprintf("Writer%d", i), "Ce", "") }},
		{path("/profiles/" + p.obj()["profileId"].(string)), p.Header.Get("ETag"),
			func(i int) string { return fmt.Sprintf(`{"profileName": "Race", "description": "writer %d"}`, i) }},
	} {
		var wg sync.WaitGroup
		codes := make([]int, 20)
		start := make(chan struct{})
		for i := range codes {
			wg.Go(func() {
				<-start
				codes[i] = s.do("PUT", target.path, target.body(i), "If-Match", target.etag).Status
			})
		}
		close(start)
		wg.Wait()
		counts := map[int]int{}
		winner := -1
		for i, c := range codes {
			counts[c]++
			if c == 202 {
				winner = i
			}
		}
		if counts[202] != 1 || counts[412] != 19 {
			t.Fatalf("PUT %s: statuses %v, want one 202 and nineteen 412", target.path, counts)
		}
		got := s.must(200, "GET", target.path, nil).obj()
		if got["firstName"] != fmt.Sprintf("Writer%d", winner) && got["description"] != fmt.Sprintf("writer %d", winner) {
			t.Errorf("stored %v, want the winner's (writer %d)", got, winner)
		}
	}
}
