package main

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const propUsers = 2000

// TestCrashDuringPropagation is the scenario: 2,000 users on a
// profile, a profile change, kill -9 while it is being provisioned,
// restart: every user COMPLETED with the change, every extension unchanged.
func TestCrashDuringPropagation(t *testing.T) {
	bin := buildRoster(t)
	rec := &recorder{calls: map[string][]string{}}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	dir := t.TempDir()
	env := []string{"ROSTER_PROVISIONERS=*=webhook:" + hook.URL, "ROSTER_LEASE=2s"}
	p := startRoster(t, bin, dir, env...)
	p.must(t, 201, "POST", "/v1beta/accounts", `{"accountId": "CRASHA", "name": "Crash"}`)
	prof := p.must(t, 202, "POST", base+"/profiles", `{"profileName": "Agents", "roles": ["Agent"],
		"features": {"voice": {"autoAnswer": true}}}`)["profileId"].(string)
	createUsers(t, p, prof)
	before := extensionsOf(t, p)
	if len(before) != propUsers {
		t.Fatalf("%d users listed, want %d", len(before), propUsers)
	}

	p.must(t, 202, "PUT", base+"/profiles/"+prof, `{"profileName": "Agents", "roles": ["Agent"],
		"features": {"voice": {"autoAnswer": true}, "chat": {"multiplicity": 2}}}`)
	deadline := time.Now().Add(time.Minute)
	for rec.count("chat") == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.kill()
	if n := rec.count("chat"); n == 0 || n >= propUsers {
		t.Fatalf("killed after %d of %d chat provisionings; want the kill in the middle", n, propUsers)
	}
	t.Logf("killed after %d of %d chat provisionings", rec.count("chat"), propUsers)

	p = startRoster(t, bin, dir, env...)
	ids := map[string]bool{}
	for id := range before {
		ids[id] = true
	}
	waitStatuses(t, p, ids)
	after := extensionsOf(t, p)
	for id, ext := range before {
		if after[id] != ext {
			t.Errorf("user %s: extension %s became %s", id, ext, after[id])
		}
	}
	if st := p.must(t, 200, "GET", base+"/profiles/"+prof+"/status", ""); st["status"] != "COMPLETED" {
		t.Errorf("profile status = %v, want COMPLETED", st)
	}
	rec.check(t, ids)
	if n := rec.distinct("chat"); n != propUsers {
		t.Errorf("chat provisioned for %d users, want %d", n, propUsers)
	}
}

func createUsers(t *testing.T, p *proc, prof string) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range propUsers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			body := fmt.Sprintf(`{"organizationNodeId": "CRASHA", "loginId": "agent%d", "firstName": "Ag", "lastName": "Ent", "profileId": %q}`, i, prof)
			if code, m, err := p.call("POST", base+"/users", body); err != nil || code != 202 {
				t.Errorf("create user %d: %d %v %v", i, code, m, err)
			}
		})
	}
	wg.Wait()
}

// extensionsOf lists every user with its voice extension.
func extensionsOf(t *testing.T, p *proc) map[string]string {
	t.Helper()
	out := map[string]string{}
	for page := 1; ; page++ {
		m := p.must(t, 200, "GET", fmt.Sprintf(base+"/users?pageSize=100&pageNumber=%d", page), "")
		users, _ := m["users"].([]any)
		if len(users) == 0 {
			return out
		}
		for _, u := range users {
			u := u.(map[string]any)
			out[u["userId"].(string)] = u["features"].(map[string]any)["voice"].(map[string]any)["userExtension"].(string)
		}
	}
}
