package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildRoster builds the real binary once per test run.
func buildRoster(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "roster")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// proc is a running roster binary.
type proc struct {
	cmd *exec.Cmd
	url string
}

func startRoster(t *testing.T, bin, dataDir string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), append([]string{"ROSTER_ADDR=127.0.0.1:0", "ROSTER_DATA_DIR=" + dataDir,
		"ROSTER_BOOTSTRAP_TOKEN=" + operatorToken, "ROSTER_RATE_ACCOUNT=0", "ROSTER_RATE_CREDENTIAL=0"}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("roster did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	url := strings.TrimSpace(strings.TrimPrefix(line, "roster listening on "))
	p := &proc{cmd: cmd, url: url}
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

// operatorToken is the operator credential the tests start roster with.
const operatorToken = "rst_test-operator-token-of-at-least-32-characters"

func (p *proc) call(method, path, body string) (int, map[string]any, error) {
	req, _ := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, nil
}

func (p *proc) must(t *testing.T, want int, method, path, body string) map[string]any {
	t.Helper()
	code, m, err := p.call(method, path, body)
	if err != nil || code != want {
		t.Fatalf("%s %s = %d %v (%v), want %d", method, path, code, m, err, want)
	}
	return m
}

// recorder is a webhook provisioner endpoint that records every call.
type recorder struct {
	mu    sync.Mutex
	calls map[string][]string // "user/aspect/version" -> desired payloads seen
}

// count returns how many calls were made for an aspect.
func (rec *recorder) count(aspect string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for key, payloads := range rec.calls {
		if strings.Split(key, "/")[1] == aspect {
			n += len(payloads)
		}
	}
	return n
}

// distinct returns how many users an aspect was provisioned for.
func (rec *recorder) distinct(aspect string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	users := map[string]bool{}
	for key := range rec.calls {
		if parts := strings.Split(key, "/"); parts[1] == aspect {
			users[parts[0]] = true
		}
	}
	return len(users)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var job struct {
		UserID, Aspect, Action string
		Version                int64
		Desired                json.RawMessage
	}
	json.NewDecoder(r.Body).Decode(&job)
	time.Sleep(time.Millisecond) // a platform takes a moment
	rec.mu.Lock()
	key := fmt.Sprintf("%s/%s/%d", job.UserID, job.Aspect, job.Version)
	rec.calls[key] = append(rec.calls[key], job.Action+" "+string(job.Desired))
	rec.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

const base = "/v1beta/accounts/CRASHA"

// TestCrashSafety kills the real binary with SIGKILL at random moments
// while it accepts users and provisions a profile change, restarts it on
// the same data, and checks that every accepted change was provisioned,
// nothing is stuck IN_PROGRESS, no aspect version was provisioned with two
// different payloads, and no user's extension changed.
func TestCrashSafety(t *testing.T) {
	bin := buildRoster(t)
	rec := &recorder{calls: map[string][]string{}}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	dir := t.TempDir()
	env := []string{"ROSTER_PROVISIONERS=*=webhook:" + hook.URL, "ROSTER_LEASE=1s", "ROSTER_RETRY_BASE=10ms", "ROSTER_RETRY_MAX=100ms"}

	p := startRoster(t, bin, dir, env...)
	p.must(t, 201, "POST", "/v1beta/accounts", `{"accountId": "CRASHA", "name": "Crash"}`)
	prof := p.must(t, 202, "POST", base+"/profiles", `{"profileName": "Agents", "roles": ["Agent"],
		"features": {"voice": {"autoAnswer": true}}}`)["profileId"].(string)

	accepted := map[string]bool{}
	for round := 0; round < 4; round++ {
		writeUntil(p, round, prof, time.Duration(50+rand.IntN(250))*time.Millisecond, accepted)
		if round == 1 {
			p.must(t, 202, "PUT", base+"/profiles/"+prof, `{"profileName": "Agents", "roles": ["Agent"],
				"features": {"voice": {"autoAnswer": true}, "chat": {"multiplicity": 2}}}`)
		}
		p.kill()
		p = startRoster(t, bin, dir, env...)
	}
	if len(accepted) < 20 {
		t.Fatalf("only %d users were accepted; the test did not exercise anything", len(accepted))
	}
	extensions := map[string]string{}
	for id := range accepted {
		u := p.must(t, 200, "GET", base+"/users/"+id, "")
		extensions[id] = u["features"].(map[string]any)["voice"].(map[string]any)["userExtension"].(string)
	}
	// One more crash in the middle of provisioning, then let it finish.
	time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
	p.kill()
	p = startRoster(t, bin, dir, env...)
	waitProvisioned(t, p, accepted, extensions)
	if st := p.must(t, 200, "GET", base+"/profiles/"+prof+"/status", ""); st["status"] != "COMPLETED" {
		t.Errorf("profile status = %v, want COMPLETED", st)
	}
	rec.check(t, accepted)
}

// writeUntil creates users on the profile for d, recording the accepted ones.
func writeUntil(p *proc, round int, prof string, d time.Duration, accepted map[string]bool) {
	stop := time.Now().Add(d)
	for i := 0; time.Now().Before(stop); i++ {
		body := fmt.Sprintf(`{"organizationNodeId": "CRASHA", "loginId": "u%d-%d", "firstName": "Us", "lastName": "Er", "profileId": %q}`, round, i, prof)
		code, m, err := p.call("POST", base+"/users", body)
		if err == nil && code == 202 {
			accepted[m["userId"].(string)] = true
		}
	}
}

// waitProvisioned waits for every accepted user to be COMPLETED with chat
// and its extension unchanged.
func waitProvisioned(t *testing.T, p *proc, accepted map[string]bool, extensions map[string]string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for id := range accepted {
		for {
			st := p.must(t, 200, "GET", base+"/users/"+id+"/status", "")
			if st["status"] == "COMPLETED" {
				break
			}
			if st["status"] == "FAILED" || time.Now().After(deadline) {
				t.Fatalf("user %s status = %v, want COMPLETED", id, st)
			}
			time.Sleep(20 * time.Millisecond)
		}
		features := p.must(t, 200, "GET", base+"/users/"+id, "")["features"].(map[string]any)
		if ext := features["voice"].(map[string]any)["userExtension"]; ext != extensions[id] {
			t.Errorf("user %s extension changed from %s to %v across the crash", id, extensions[id], ext)
		}
		if features["chat"] == nil {
			t.Errorf("user %s has no chat after the profile change", id)
		}
	}
}

// check verifies that every accepted user was provisioned and that no
// aspect version was provisioned with two different payloads.
func (rec *recorder) check(t *testing.T, accepted map[string]bool) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	seen := map[string]bool{}
	for key, payloads := range rec.calls {
		seen[strings.Split(key, "/")[0]] = true
		for _, pl := range payloads[1:] {
			if !bytes.Equal([]byte(pl), []byte(payloads[0])) {
				t.Errorf("%s was provisioned with different payloads: %q", key, payloads)
			}
		}
	}
	for id := range accepted {
		if !seen[id] {
			t.Errorf("accepted user %s was never provisioned", id)
		}
	}
}
