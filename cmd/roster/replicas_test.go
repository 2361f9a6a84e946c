package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/dbtest"
)

const replicaUsers = 10000

// delivery is one webhook call as a receiver sees it.
type delivery struct{ worker, payload string }

// workerLog records webhook deliveries by idempotency key, with the
// replica that made each.
type workerLog struct {
	mu    sync.Mutex
	calls map[string][]delivery
}

func (l *workerLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var job struct {
		Action  string
		Desired json.RawMessage
	}
	json.NewDecoder(r.Body).Decode(&job)
	l.mu.Lock()
	key := r.Header.Get("Idempotency-Key")
	l.calls[key] = append(l.calls[key], delivery{r.Header.Get("Roster-Worker"), job.Action + " " + string(job.Desired)})
	l.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (l *workerLog) count(aspect string) (n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, ds := range l.calls {
		if strings.Contains(key, "/"+aspect+"/") {
			n += len(ds)
		}
	}
	return n
}

// TestReplicas: three replicas of the binary on one PostgreSQL database
// share a profile change over 10,000 users; one is killed with SIGKILL
// mid-way and the others finish its work. Every (user, aspect, version) is
// provisioned; none twice, except work the killed replica had claimed
// (at-least-once delivery, with the same payload and Idempotency-Key).
func TestReplicas(t *testing.T) {
	bin := buildRoster(t)
	log := &workerLog{calls: map[string][]delivery{}}
	hook := httptest.NewServer(log)
	defer hook.Close()
	env := []string{"ROSTER_DATABASE_URL=" + dbtest.PostgresURL(t), "ROSTER_PROVISIONERS=*=webhook:" + hook.URL,
		"ROSTER_LEASE=2s", "ROSTER_LOG_LEVEL=warn"}
	var reps []*proc
	for range 3 {
		reps = append(reps, startRoster(t, bin, t.TempDir(), env...))
	}
	reps[0].must(t, 201, "POST", "/v1beta/accounts", `{"accountId": "CRASHA", "name": "Replicas"}`)
	prof := reps[1].must(t, 202, "POST", base+"/profiles", `{"profileName": "Agents", "roles": ["Agent"]}`)["profileId"].(string)
	// Any replica serves any request, and sees the others' writes at once.
	if got := reps[2].must(t, 200, "GET", base+"/profiles/"+prof, ""); got["profileName"] != "Agents" {
		t.Fatalf("replica 2 reads %v", got)
	}
	ids := createOnReplicas(t, reps, prof)

	reps[0].must(t, 202, "PUT", base+"/profiles/"+prof, `{"profileName": "Agents", "roles": ["Agent"], "features": {"chat": {"multiplicity": 2}}}`)
	for log.count("chat") < replicaUsers/5 {
		time.Sleep(5 * time.Millisecond)
	}
	killed := workerOf(reps[1])
	reps[1].kill()
	t.Logf("killed replica 1 after %d of %d chat provisionings", log.count("chat"), replicaUsers)

	waitStatuses(t, reps[2], ids)
	if st := reps[0].must(t, 200, "GET", base+"/profiles/"+prof+"/status", ""); st["status"] != "COMPLETED" {
		t.Errorf("profile status = %v, want COMPLETED", st)
	}
	checkDeliveries(t, log, ids, killed)
}

// createOnReplicas creates the users through the replicas in turn.
func createOnReplicas(t *testing.T, reps []*proc, prof string) map[string]bool {
	t.Helper()
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 12)
	for i := range replicaUsers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			body := fmt.Sprintf(`{"organizationNodeId": "CRASHA", "loginId": "r%d", "firstName": "Ag", "lastName": "Ent", "profileId": %q}`, i, prof)
			code, m, err := reps[i%len(reps)].call("POST", base+"/users", body)
			if err != nil || code != 202 {
				t.Errorf("create %d: %d %v %v", i, code, m, err)
				return
			}
			mu.Lock()
			ids[m["userId"].(string)] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

// workerOf is the part of a replica's worker name that names its process.
func workerOf(p *proc) string { return fmt.Sprintf("/%d/", p.cmd.Process.Pid) }

func waitStatuses(t *testing.T, p *proc, ids map[string]bool) {
	t.Helper()
	var list []string
	for id := range ids {
		list = append(list, id)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for i := 0; i < len(list); {
		batch := list[i:min(i+50, len(list))]
		req := `{"userIds": ["` + strings.Join(batch, `", "`) + `"]}`
		sts, err := p.statuses(req)
		if err != nil {
			t.Fatalf("listStatuses: %v", err)
		}
		done := len(sts) == len(batch)
		for _, st := range sts {
			if st["status"] == "FAILED" {
				t.Fatalf("user FAILED: %v", st)
			}
			done = done && st["status"] == "COMPLETED" && st["features"] != nil
		}
		if done {
			i += len(batch)
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("users not COMPLETED: %v", sts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkDeliveries: every user got chat; a key delivered twice had its
// first delivery from the killed replica; payloads of a key never differ.
func checkDeliveries(t *testing.T, log *workerLog, ids map[string]bool, killed string) {
	t.Helper()
	log.mu.Lock()
	defer log.mu.Unlock()
	chat, twice := map[string]bool{}, 0
	for key, ds := range log.calls {
		parts := strings.Split(key, "/")
		if parts[2] == "chat" {
			chat[parts[1]] = true
		}
		for _, d := range ds[1:] {
			if d.payload != ds[0].payload {
				t.Errorf("%s delivered with different payloads: %v", key, ds)
			}
		}
		if len(ds) > 1 {
			twice++
			if !strings.Contains(ds[0].worker, killed) {
				t.Errorf("%s delivered %d times, first by %s, which was not killed (%s)", key, len(ds), ds[0].worker, killed)
			}
		}
	}
	for id := range ids {
		if !chat[id] {
			t.Errorf("user %s never got chat", id)
		}
	}
	t.Logf("%d keys delivered, %d of them twice (claimed by the killed replica)", len(log.calls), twice)
}

// statuses posts a users:listStatuses request and decodes the array.
func (p *proc) statuses(body string) ([]map[string]any, error) {
	req, _ := http.NewRequest("POST", p.url+base+"/users:listStatuses", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out []map[string]any
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
