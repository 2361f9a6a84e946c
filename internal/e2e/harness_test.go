package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/apitest"
	"github.com/roster-cc/roster/internal/app"
	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// server is a roster wired as `roster serve` wires it, behind httptest.
// Provisioning does not run by itself: tests step it with drain, or start
// the reconciler with run, so every intermediate status can be observed.
type server struct {
	t    *testing.T
	URL  string
	app  *app.App
	val  *apitest.Validator
	logs *syncBuffer
	// token is sent with every request that names no Authorization of
	// its own: the operator's.
	token string
	// between, when set, runs once between the two runs of the next write
	// (rerunStore): another change committed there, as on PostgreSQL, whose
	// retry after a deadlock starts a new transaction.
	between *atomic.Pointer[func()]
}

// operatorToken is the operator credential of the test servers.
const operatorToken = "rst_e2e-operator-token-of-at-least-32-characters"

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// e2ePostgres, when set (with dbtest.EnvURL), runs the end-to-end tests on
// PostgreSQL instead of SQLite, each test in a schema of its own.
const e2ePostgres = "ROSTER_TEST_E2E_POSTGRES"

// newServer starts a server on a fresh data directory (or PostgreSQL
// schema); env overrides the configuration (ROSTER_* names).
func newServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	return newServerWith(t, env, nil)
}

type appOptions = app.Options

// newServerWith is newServer with app options adjusted by opt.
func newServerWith(t *testing.T, env map[string]string, opt func(*appOptions)) *server {
	t.Helper()
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return map[string]string{"ROSTER_BOOTSTRAP_TOKEN": operatorToken, "ROSTER_RATE_ACCOUNT": "0", "ROSTER_RATE_CREDENTIAL": "0"}[k]
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	if os.Getenv(e2ePostgres) != "" {
		cfg.DatabaseURL = dbtest.PostgresURL(t)
	}
	logs := &syncBuffer{}
	opts := app.Options{HashCost: password.Params{Memory: 1024, Time: 1, Threads: 1},
		Lockout: service.Lockout{Threshold: 5, Base: 100 * time.Millisecond, Max: time.Second},
	}
	between := new(atomic.Pointer[func()])
	opts.WrapStore = func(s roster.Store) roster.Store { return rerunStore{s, between} }
	if opt != nil {
		opt(&opts)
	}
	a, err := app.New(context.Background(), cfg, logs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(a.API.Handler())
	t.Cleanup(func() {
		hs.Close()
		a.Close()
	})
	return &server{t: t, URL: hs.URL, app: a, val: apitest.NewValidator(t), logs: logs, token: cfg.BootstrapToken, between: between}
}

// drain runs provisioning rounds until there is no due work left.
func (s *server) drain() {
	s.t.Helper()
	for i := 0; ; i++ {
		worked, err := s.app.Reconciler.RunOnce(context.Background())
		if err != nil {
			s.t.Fatalf("provisioning round: %v", err)
		}
		if !worked {
			return
		}
		if i > 100000 {
			s.t.Fatal("provisioning never ran out of work")
		}
	}
}

// run starts the reconciler as serve does; the returned func stops it and
// waits for it.
func (s *server) run() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.app.Reconciler.Run(ctx)
	}()
	return func() { cancel(); <-done }
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   any // decoded JSON, nil for no body
	Raw    []byte
}

// obj returns the body as an object.
func (r response) obj() map[string]any {
	m, _ := r.Body.(map[string]any)
	return m
}

// do sends a request with a JSON body (nil for none, []byte or string sent
// as is) and validates the answer against the OpenAPI document.
func (s *server) do(method, path string, body any, headers ...string) response {
	s.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			s.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		s.t.Fatal(err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
		if headers[i+1] == "" {
			req.Header.Del(headers[i]) // "Authorization", "": no credential
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	vreq, _ := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	vreq.Header = req.Header.Clone()
	s.val.Check(s.t, vreq, raw, resp.StatusCode, resp.Header, got)
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: got}
	if len(bytes.TrimSpace(got)) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(got, &out.Body); err != nil {
			s.t.Fatalf("%s %s: answer is not JSON: %v: %s", method, path, err, got)
		}
	}
	return out
}

// must sends a request and fails the test unless the status is want.
func (s *server) must(want int, method, path string, body any, headers ...string) response {
	s.t.Helper()
	r := s.do(method, path, body, headers...)
	if r.Status != want {
		s.t.Fatalf("%s %s = %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsonOf parses a JSON literal for comparisons.
func jsonOf(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return v
}

// eventually polls cond until it holds; it fails the test after a generous
// deadline (a failure, never a timing assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// seedAccount creates the seed's account ABCDEF with node EXMPLE, the group,
// queue and attributes that the seed's examples refer to.
func seedAccount(s *server) {
	s.t.Helper()
	s.must(201, "POST", "/v1beta/accounts", map[string]any{"accountId": "ABCDEF", "name": "Example Contact Center"})
	s.must(201, "POST", "/v1beta/accounts/ABCDEF/organizationNodes", map[string]any{"organizationNodeId": "EXMPLE", "name": "Example"})
	s.must(201, "POST", "/v1beta/accounts/ABCDEF/groups", map[string]any{"groupId": seedGroup, "name": "Sales agents"})
	s.must(201, "PUT", "/v1beta/accounts/ABCDEF/queues/"+seedQueue, map[string]any{"name": "Sales"})
	s.must(201, "PUT", "/v1beta/accounts/ABCDEF/attributes/Language.English", nil)
	s.must(201, "PUT", "/v1beta/accounts/ABCDEF/attributes/Language.French", nil)
}

const (
	seedGroup = "c8c2909d-75e9-484a-94c0-b7e8d29771fe"
	seedQueue = "620bbb28-7112-433a-af59-17ee0f15a247"
	base      = "/v1beta/accounts/ABCDEF"
)

func path(p string) string { return base + p }

func pathf(format string, args ...any) string { return base + fmt.Sprintf(format, args...) }

// createUsers creates n users, eight requests at a time, with the bodies
// body(0)…body(n-1), and returns their ids in that order. A failed create
// fails the test once all requests are done.
func createUsers(s *server, n int, body func(i int) string) []string {
	s.t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := s.do("POST", path("/users"), body(i))
			if r.Status != 202 {
				s.t.Errorf("create user %d = %d: %s", i, r.Status, r.Raw)
				return
			}
			ids[i] = r.obj()["userId"].(string)
		})
	}
	wg.Wait()
	if s.t.Failed() {
		s.t.FailNow()
	}
	return ids
}

// rerunStore runs every write twice, the first time rolled back, as a
// database that runs a transaction again does (PostgreSQL after a
// deadlock, SQLite's group commit after a lost transaction): a use-case
// that kept state from its first run shows it in the second, in every
// test of this package.
type rerunStore struct {
	roster.Store
	between *atomic.Pointer[func()]
}

var errRunAgain = errors.New("rolled back, to run again")

func (s rerunStore) Write(ctx context.Context, fn func(roster.Tx) error) error {
	err := s.Store.Write(ctx, func(tx roster.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRunAgain
	})
	if !errors.Is(err, errRunAgain) {
		return err
	}
	if between := s.between.Swap(nil); between != nil {
		(*between)()
	}
	return s.Store.Write(ctx, fn)
}
