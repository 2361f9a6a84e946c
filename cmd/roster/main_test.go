package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeAndShutdown runs `roster serve` in-process on port 0 with JSON
// logs, checks health, and shuts it down by cancelling its context.
func TestServeAndShutdown(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSTER_ADDR": "127.0.0.1:0", "ROSTER_DATA_DIR": dir + "/data", "ROSTER_LOG_FORMAT": "json",
		"ROSTER_DEBUG_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, stdout, stderr) }()
	var url string
	for i := 0; url == "" && i < 500; i++ {
		if line, ok := strings.CutPrefix(stdout.String(), "roster listening on "); ok {
			url = strings.TrimSpace(line)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("serve did not start; stderr: %s", stderr.String())
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
			t.Errorf("GET %s = %d %s", p, resp.StatusCode, body)
		}
	}
	checkOperatorToken(t, url, dir+"/data/operator-token")
	checkDebugListener(t, url, stderr.String())
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v after shutdown", err)
	}
	logs := stderr.String()
	if n := strings.Count(logs, "operator token created"); n != 1 {
		t.Errorf("the operator token's creation is logged %d times, want once:\n%s", n, logs)
	}
	for _, want := range []string{`"msg":"roster listening"`, `"msg":"roster shutting down"`, `"path":"/healthz"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("JSON logs lack %s:\n%s", want, logs)
		}
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, func(string) string { return "" }, &out, &errOut); err == nil {
		t.Error("run with no command: want an error")
	}
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &errOut); err == nil ||
		!strings.Contains(errOut.String(), "usage: roster") {
		t.Errorf("unknown command: err %v, stderr %q", err, errOut.String())
	}
	if err := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"ROSTER_LOG_FORMAT": "xml"}[k]
	}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "ROSTER_LOG_FORMAT") {
		t.Errorf("bad configuration: err %v", err)
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"bench", "-h"}, func(string) string { return "" }, &out, &errOut); err != nil ||
		!strings.Contains(errOut.String(), "baseline argon2id create") {
		t.Errorf("bench -h: err %v (asking for the usage is no error), stderr %q", err, errOut.String())
	}
}

// TestMigrateCommand: status, down to zero, up again; serve refuses a
// schema newer than it knows.
func TestMigrateCommand(t *testing.T) {
	env := map[string]string{"ROSTER_DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	for _, step := range []struct{ cmd, want string }{
		{"status", "schema version 0 (this roster knows up to 7)"},
		{"up", "schema version 7 (this roster knows up to 7)"},
		{"down", "schema version 6 (this roster knows up to 7)"},
		{"down", "schema version 5 (this roster knows up to 7)"},
		{"up", "schema version 7 (this roster knows up to 7)"},
	} {
		var out bytes.Buffer
		if err := run(ctx, []string{"migrate", step.cmd}, getenv, &out, io.Discard); err != nil || strings.TrimSpace(out.String()) != step.want {
			t.Fatalf("migrate %s = %q, %v; want %q", step.cmd, out.String(), err, step.want)
		}
	}
	if err := run(ctx, []string{"migrate", "sideways"}, getenv, io.Discard, io.Discard); err == nil {
		t.Error("migrate sideways: want a usage error")
	}
}

// checkOperatorToken checks the generated operator credential: a file of
// mode 0600 whose token is required by the API and works.
func checkOperatorToken(t *testing.T, url, file string) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatalf("no operator token file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", file, fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(file)
	tok := strings.TrimSpace(string(raw))
	if len(tok) < 43 {
		t.Fatalf("operator token %d characters long, want at least 43 (256 bits)", len(tok))
	}
	body := `{"accountId": "OPERAT", "name": "Operator test"}`
	for _, c := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer " + tok + "x", 401}, {"Bearer " + tok, 201}} {
		req, _ := http.NewRequest("POST", url+"/v1beta/accounts", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("POST /v1beta/accounts with %q = %d, want %d", c.auth, resp.StatusCode, c.want)
		}
	}
}

// checkDebugListener: pprof answers on ROSTER_DEBUG_ADDR, never on the API.
func checkDebugListener(t *testing.T, api, logs string) {
	t.Helper()
	m := regexp.MustCompile(`"msg":"pprof listening","addr":"([^"]+)"`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no pprof listener in the logs:\n%s", logs)
	}
	for _, c := range []struct {
		url  string
		want int
	}{{"http://" + m[1] + "/debug/pprof/cmdline", 200}, {api + "/debug/pprof/cmdline", 404}} {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s = %d, want %d", c.url, resp.StatusCode, c.want)
		}
	}
}
