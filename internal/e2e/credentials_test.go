package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/app"
	"github.com/roster-cc/roster/internal/httpapi"
)

// TestOAuthToken: the client credentials grant with HTTP Basic or form
// credentials, and RFC 6749's errors.
func TestOAuthToken(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	form := func(v url.Values, basic ...string) response {
		h := []string{"Content-Type", "application/x-www-form-urlencoded", "Authorization", ""}
		if len(basic) == 2 {
			req := httptest.NewRequest("POST", "/", nil)
			req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
			h = append(h, "Authorization", req.Header.Get("Authorization"))
		}
		return s.do("POST", "/oauth/token", v.Encode(), h...)
	}
	r := form(url.Values{"grant_type": {"client_credentials"}}, te.clientID, te.clientSecret)
	if r.Status != 200 || r.obj()["token_type"] != "Bearer" || r.obj()["scope"] != "admin" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Basic client credentials = %d %s %v", r.Status, r.Raw, r.Header)
	}
	tok := r.obj()["access_token"].(string)
	if len(tok) < 43 {
		t.Errorf("access token %q is shorter than 256 bits", tok)
	}
	s.must(200, "GET", te.path("/users"), nil, "Authorization", "Bearer "+tok)
	for _, c := range []struct {
		name   string
		v      url.Values
		basic  []string
		status int
		code   string
	}{
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}}, []string{te.clientID, te.clientSecret + "x"}, 401, "invalid_client"},
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {"x"}}, nil, 401, "invalid_client"},
		{"no grant", url.Values{"client_id": {te.clientID}}, nil, 400, "invalid_request"},
		{"password grant", url.Values{"grant_type": {"password"}}, nil, 400, "unsupported_grant_type"},
		{"Basic and form both", url.Values{"grant_type": {"client_credentials"}, "client_id": {te.clientID}}, []string{te.clientID, te.clientSecret}, 400, "invalid_request"},
		{"NUL in the form", url.Values{"grant_type": {"client_credentials"}, "client_id": {"a\x00b"}, "client_secret": {"x"}}, nil, 400, "invalid_request"},
	} {
		r := form(c.v, c.basic...)
		if r.Status != c.status || r.obj()["error"] != c.code {
			t.Errorf("%s = %d %s, want %d with error %s", c.name, r.Status, r.Raw, c.status, c.code)
		}
	}
	// A read client cannot get an admin token (raising its rights by scope).
	rc := s.must(201, "POST", te.path("/clients"), map[string]any{"name": "r", "scopes": []string{"read"}}).obj()
	r = form(url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}, rc["clientId"].(string), rc["clientSecret"].(string))
	if r.Status != 400 || r.obj()["error"] != "invalid_scope" {
		t.Errorf("read client asking for admin = %d %s, want 400 invalid_scope", r.Status, r.Raw)
	}
	if r := s.do("GET", te.path("/clients/%s", te.clientID), nil); strings.Contains(string(r.Raw), "ecret") {
		t.Errorf("a client's GET shows its secret: %s", r.Raw)
	}
}

// TestNoRaisingOwnRights: a Supervisor cannot give itself more through its
// user, its profile, a group or a client; a read client cannot write.
func TestNoRaisingOwnRights(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	sup := te.as("supervisor")
	self := tenantUser(te)
	self["roles"] = []string{"Administrator"}
	s.must(403, "PUT", te.path("/users/%s", te.supervisorID), self, sup...)
	s.must(403, "PUT", te.path("/profiles/%s", te.prof), map[string]any{"profileName": "Agents", "roles": []string{"Administrator"}}, sup...)
	s.must(403, "PUT", te.path("/groups/%s", te.group), map[string]any{"name": "Mine"}, sup...)
	s.must(403, "POST", te.path("/clients"), map[string]any{"name": "mine"}, sup...)
	s.must(403, "POST", te.path("/users"), tenantUser(te), te.as("readClient")...)
	s.must(403, "POST", te.path("/clients"), map[string]any{"name": "mine", "scopes": []string{"admin"}}, te.as("readClient")...)
	s.must(403, "POST", "/v1beta/accounts", map[string]any{"name": "Mine"}, te.as("adminClient")...)
	// The supervisor's rights are unchanged.
	s.must(403, "GET", te.path("/users"), nil, sup...)
}

// TestSupervisorSeesOnlyItsGroups: a Supervisor reads the members of the
// groups it owns, and for anyone else gets the 404 of a missing user.
func TestSupervisorSeesOnlyItsGroups(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	sup := te.as("supervisor")
	s.must(200, "GET", te.path("/users/%s", te.agentID), nil, sup...)
	s.must(200, "GET", te.path("/users/%s/status", te.agentID), nil, sup...)
	members := s.must(200, "GET", te.path("/groups/%s/members", te.group), nil, sup...).obj()["users"].([]any)
	if len(members) != 1 || members[0].(map[string]any)["userId"] != te.agentID {
		t.Errorf("members of the supervisor's group = %v, want the agent only", members)
	}
	missing := s.must(404, "GET", te.path("/users/3f1b1c52-0000-4000-8000-000000000001"), nil, sup...)
	for _, id := range []string{te.outsiderID, te.adminID} {
		r := s.must(404, "GET", te.path("/users/%s", id), nil, sup...)
		if strings.ReplaceAll(string(r.Raw), id, "3f1b1c52-0000-4000-8000-000000000001") != string(missing.Raw) {
			t.Errorf("a user outside the supervisor's groups: %s, want the body of a missing user %s", r.Raw, missing.Raw)
		}
		s.must(404, "GET", te.path("/users/%s/status", id), nil, sup...)
	}
	other := s.must(201, "POST", te.path("/groups"), map[string]any{"name": "Other"}).obj()["groupId"].(string)
	s.must(404, "GET", te.path("/groups/%s/members", other), nil, sup...)
	// The agent reads itself through /me only.
	me := s.must(200, "GET", te.path("/me"), nil, te.as("agent")...).obj()
	if me["userId"] != te.agentID || me["roles"].([]any)[0] != "Agent" {
		t.Errorf("/me of the agent = %v", me)
	}
	s.must(403, "GET", te.path("/users/%s", te.agentID), nil, te.as("agent")...)
}

// TestRevocation: logging out, deleting a client or a user, a new password
// and a lost role all count at the next request, on every replica.
func TestRevocation(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	other := s.replica()
	check := func(what, token string, want int) {
		t.Helper()
		for _, srv := range []*server{s, other} {
			if r := srv.do("GET", te.path("/me"), nil, "Authorization", "Bearer "+token); r.Status != want {
				t.Errorf("%s: GET /me on %s = %d, want %d", what, srv.URL, r.Status, want)
			}
		}
	}
	tok := s.login("ABCDEF", "agent@ABCDEF", testPassword)
	check("logged in", tok, 200)
	s.must(204, "DELETE", te.path("/token"), nil, "Authorization", "Bearer "+tok)
	check("after logout", tok, 401)

	ct := s.clientToken(te.clientID, te.clientSecret, "")
	other.must(200, "GET", te.path("/users"), nil, "Authorization", "Bearer "+ct)
	s.must(204, "DELETE", te.path("/clients/%s", te.clientID), nil)
	other.must(401, "GET", te.path("/users"), nil, "Authorization", "Bearer "+ct)
	if r := s.tokenRequest(te.clientID, te.clientSecret, ""); r.Status != 401 {
		t.Errorf("a deleted client gets a token: %d", r.Status)
	}

	tok = s.login("ABCDEF", "outsider@ABCDEF", testPassword)
	body := tenantUser(te)
	body["loginId"], body["profileId"], body["password"] = "outsider@ABCDEF", te.prof, "New!Passw0rd"
	s.must(202, "PUT", te.path("/users/%s", te.outsiderID), body)
	check("after a new password", tok, 401)
	tok = s.login("ABCDEF", "outsider@ABCDEF", "New!Passw0rd")
	s.must(204, "DELETE", te.path("/users/%s", te.outsiderID), nil)
	check("after the user's deletion", tok, 401)

	// An administrator whose role is taken away can no longer write.
	tok = te.tokens["adminUser"]
	other.must(201, "POST", te.path("/groups"), map[string]any{"name": "Before"}, "Authorization", "Bearer "+tok)
	admin := tenantUser(te)
	admin["loginId"], admin["roles"] = "admin@ABCDEF", []string{"Agent"}
	s.must(202, "PUT", te.path("/users/%s", te.adminID), admin)
	other.must(403, "POST", te.path("/groups"), map[string]any{"name": "After"}, "Authorization", "Bearer "+tok)
}

// replica starts a second roster on the same database, as another
// replica would be.
func (s *server) replica() *server {
	s.t.Helper()
	a, err := app.New(context.Background(), s.app.Config, s.logs, s.app.Options)
	if err != nil {
		s.t.Fatal(err)
	}
	hs := httptest.NewServer(a.API.Handler())
	s.t.Cleanup(func() {
		hs.Close()
		a.Close()
	})
	return &server{t: s.t, URL: hs.URL, app: a, val: s.val, logs: s.logs, token: s.token}
}

// TestLimits: bodies over 1 MiB are 413; past the rate limits requests get
// 429 with Retry-After, per credential and per account, and one account's
// load does not use up another's.
func TestLimits(t *testing.T) {
	s := newServer(t, nil) // no limits while the tenants are set up
	a, b := newTenant(s, "AAAAAA"), newTenant(s, "BBBBBB")
	s.app.API.SetLimits(httpapi.Limits{PerAccount: 5, PerCredential: 3})
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	r := s.do("POST", a.path("/groups"), big, a.as("adminClient")...)
	if r.Status != 413 {
		t.Errorf("a body over 1 MiB = %d, want 413", r.Status)
	}
	chunked, _ := http.NewRequest("POST", s.URL+a.path("/groups"), strings.NewReader(big))
	chunked.ContentLength = -1
	chunked.Header.Set("Content-Type", "application/json")
	chunked.Header.Set("Authorization", "Bearer "+a.tokens["adminClient"])
	if resp, err := http.DefaultClient.Do(chunked); err != nil || resp.StatusCode != 413 {
		t.Errorf("a chunked body over 1 MiB = %v %v, want 413", resp.StatusCode, err)
	}
	// Bad tokens count against the address: a new junk token does not get
	// a new budget.
	junk := 0
	for i := range 12 {
		if r := s.do("GET", a.path("/roles"), nil, "Authorization", fmt.Sprintf("Bearer junk%d", i)); r.Status == 429 {
			junk++
		}
	}
	if junk == 0 {
		t.Error("bad tokens were never limited")
	}
	// Per credential: a burst of 6 (twice the rate), then 429.
	limited := 0
	for range 12 {
		if r := s.do("GET", a.path("/roles"), nil, a.as("agent")...); r.Status == 429 {
			limited++
			if r.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Error("a credential over its rate was never limited")
	}
	// Per account: A's other credentials are limited too; B is not.
	limitedA := 0
	for _, caller := range []string{"adminClient", "readClient", "adminUser", "supervisor"} {
		for range 4 {
			if s.do("GET", a.path("/roles"), nil, a.as(caller)...).Status == 429 {
				limitedA++
			}
		}
	}
	if limitedA == 0 {
		t.Error("account A over its rate was never limited")
	}
	if r := s.do("GET", b.path("/roles"), nil, b.as("adminClient")...); r.Status != 200 {
		t.Errorf("account B while A is limited = %d, want 200", r.Status)
	}
}

// TestOperatorTokenRotation: a configured operator token replaces every
// earlier one, on the next start.
func TestOperatorTokenRotation(t *testing.T) {
	s := newServer(t, nil)
	s.must(201, "POST", "/v1beta/accounts", map[string]any{"accountId": "ROTATE", "name": "Rotation"})
	cfg := s.app.Config
	cfg.BootstrapToken = "rst_the-next-operator-token-of-at-least-43-characters"
	stale := filepath.Join(cfg.DataDir, app.OperatorTokenFile)
	if err := os.WriteFile(stale, []byte(operatorToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, s.logs, s.app.Options)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(a.API.Handler())
	defer hs.Close()
	next := &server{t: t, URL: hs.URL, app: a, val: s.val, logs: s.logs, token: cfg.BootstrapToken}
	next.must(200, "GET", "/v1beta/accounts/ROTATE", nil)
	next.must(401, "GET", "/v1beta/accounts/ROTATE", nil, "Authorization", "Bearer "+operatorToken)
	s.must(401, "GET", "/v1beta/accounts/ROTATE", nil)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale operator token file is still there: %v", err)
	}
}

// TestTextNoDatabaseStores: NUL and bytes that are not UTF-8 are refused in
// bodies, paths, queries and forms (PostgreSQL cannot store them), never 500.
func TestTextNoDatabaseStores(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", te.path("/token"), `{"loginId": "a\u0000b", "password": "x"}`, 400},
		{"POST", te.path("/clients"), `{"name": "a\u0000b"}`, 400},
		{"POST", te.path("/groups"), `{"name": "a\u0000b"}`, 400},
		{"GET", te.path("%s", "/auditRecords?actorId=a%00b"), nil, 400},
		{"GET", te.path("%s", "/users?lastName=a%00b"), nil, 400},
		{"GET", te.path("%s", "/users?lastName=%ff"), nil, 400},
		{"GET", te.path("%s", "/clients/a%00b"), nil, 404},
		{"GET", te.path("%s", "/users/a%00b"), nil, 404},
		{"GET", te.path("%s", "/queues/%ff"), nil, 404},
	} {
		if r := s.do(c.method, c.path, c.body); r.Status != c.want {
			t.Errorf("%s %s = %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Raw)
		}
	}
}
