package apitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/roster-cc/roster/internal/httpapi"
)

// recordingTB records the errors a Validator reports instead of failing.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

var samples = map[string]string{
	"{accountId}": "ABCDEF",
	"{nodeId}":    "EXMPLE",
	"{groupId}":   "c8c2909d-75e9-484a-94c0-b7e8d29771fe",
	"{queueId}":   "620bbb28-7112-433a-af59-17ee0f15a247",
	"{name}":      "Language.English",
	"{profileId}": "TELHGZ",
	"{userId}":    "0585aad8-decd-402c-b13f-bc05bd989fca",
	"{id}":        "0585aad8decd402cb13fbc05bd989fca",
	"{clientId}":  "615092cbf4bc5939ae382d2ec2910c47",
}

// TestValidatorRoutesEveryRoute proves the router finds the operation of
// every route, the ones with a ":" in their last segment included.
func TestValidatorRoutesEveryRoute(t *testing.T) {
	v := NewValidator(t)
	for _, rt := range (&httpapi.API{}).Routes() {
		path := rt.Path
		for param, value := range samples {
			path = strings.ReplaceAll(path, param, value)
		}
		if strings.Contains(path, "{") {
			t.Fatalf("no sample value for a parameter of %s", rt.Path)
		}
		req := httptest.NewRequest(rt.Method, "http://127.0.0.1:8080"+path, nil)
		route, _, err := v.router.FindRoute(req)
		if err != nil {
			t.Errorf("FindRoute(%s %s): %v", rt.Method, path, err)
			continue
		}
		if route.Path != rt.Path || route.Method != rt.Method {
			t.Errorf("FindRoute(%s %s) = %s %s, want %s %s", rt.Method, path, route.Method, route.Path, rt.Method, rt.Path)
		}
	}
}

const (
	jsonCT    = "application/json"
	problemCT = "application/problem+json"
	acct      = "/v1beta/accounts/ABCDEF"
	user      = `{"userId":"0585aad8-decd-402c-b13f-bc05bd989fca","organizationNodeId":"ABCDEF","loginId":"alex@example.com","lastName":"Stevens","firstName":"Alex"`
	notFound  = `{"type":"https://roster.dev/problems/not_found","title":"Not Found","status":404,"detail":"User not found.","instance":"/v1beta/accounts/ABCDEF/users/x"}`
)

func TestValidatorCheck(t *testing.T) {
	v := NewValidator(t)
	etag := http.Header{"Content-Type": {jsonCT}, "Etag": {`"1"`}}
	tests := []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		wantErr      string // "" when the exchange is valid
	}{
		{"account", "GET", acct, 200, http.Header{"Content-Type": {jsonCT}}, `{"accountId":"ABCDEF","name":"Acme"}`, ""},
		{"charset parameter", "GET", acct, 200, http.Header{"Content-Type": {jsonCT + "; charset=utf-8"}}, `{"accountId":"ABCDEF","name":"Acme"}`, ""},
		{"undocumented field", "GET", acct, 200, http.Header{"Content-Type": {jsonCT}}, `{"accountId":"ABCDEF","name":"Acme","plan":"gold"}`, `"plan"`},
		{"missing field", "GET", acct, 200, http.Header{"Content-Type": {jsonCT}}, `{"accountId":"ABCDEF"}`, `"name"`},
		{"undocumented status", "GET", acct, 418, http.Header{"Content-Type": {jsonCT}}, `{}`, "status is not supported"},
		{"412 without If-Match", "GET", acct, 412, http.Header{"Content-Type": {problemCT}}, notFound, "status is not supported"},
		{"wrong content type", "GET", acct, 200, http.Header{"Content-Type": {"text/plain"}}, `{"accountId":"ABCDEF","name":"Acme"}`, "text/plain"},
		{"no body", "GET", acct, 200, http.Header{"Content-Type": {jsonCT}}, ``, "decode"},
		{"problem", "GET", acct + "/users/x", 404, http.Header{"Content-Type": {problemCT}}, notFound, ""},
		{"problem as json", "GET", acct + "/users/x", 404, http.Header{"Content-Type": {jsonCT}}, notFound, jsonCT},
		{"problem without title", "GET", acct + "/users/x", 404, http.Header{"Content-Type": {problemCT}}, strings.Replace(notFound, `"title":"Not Found",`, "", 1), `"title"`},
		{"problem with violations", "POST", acct + "/users", 400, http.Header{"Content-Type": {problemCT}},
			strings.Replace(notFound, `}`, `,"violations":[{"field":"lastName","message":"is required","code":"required"}]}`, 1), ""},
		{"violation without code", "POST", acct + "/users", 400, http.Header{"Content-Type": {problemCT}},
			strings.Replace(notFound, `}`, `,"violations":[{"field":"lastName","message":"is required"}]}`, 1), `"code"`},
		{"user", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, etag,
			user + `,"roles":["Agent"],"features":{"voice":{"autoAnswer":false,"userExtension":"10021"}},"inherited":["roles"]}`, ""},
		{"own view opts out", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca?view=own", 200, etag,
			user + `,"profileId":"TELHGZ","features":{"email":null}}`, ""},
		{"user with password", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, etag,
			user + `,"password":"ucP69e3sCw9%"}`, `"password"`},
		{"unknown feature", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, etag,
			user + `,"features":{"fax":{}}}`, `"fax"`},
		{"unknown role", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, etag,
			user + `,"roles":["Janitor"]}`, "Janitor"},
		{"user without ETag", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, http.Header{"Content-Type": {jsonCT}},
			user + `}`, "ETag"},
		{"created user", "POST", acct + "/users", 202,
			http.Header{"Content-Type": {jsonCT}, "Etag": {`"1"`}, "Location": {acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca"}}, user + `}`, ""},
		{"created user without Location", "POST", acct + "/users", 202, etag, user + `}`, "Location"},
		{"search", "POST", acct + "/users:search", 200, http.Header{"Content-Type": {jsonCT}},
			`{"pagination":{"pageNumber":1,"pageSize":10,"total":1},"users":[` + user + `}],"links":{}}`, ""},
		{"list with null items", "GET", acct + "/users", 200, http.Header{"Content-Type": {jsonCT}},
			`{"pagination":{"pageNumber":1,"pageSize":10,"total":0},"users":null,"links":{}}`, "users"},
		{"statuses", "POST", acct + "/users:listStatuses", 200, http.Header{"Content-Type": {jsonCT}},
			`[{"action":"ADD","status":"FAILED","message":"Operation failed","userId":"0585aad8-decd-402c-b13f-bc05bd989fca","role":{"action":"ADD","status":"FAILED","message":"The requested roles could not be added"},"features":{"voice":{"action":"ADD","status":"COMPLETED","message":"Feature added successfully"}}}]`, ""},
		{"status in seed spelling", "GET", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca/status", 200, http.Header{"Content-Type": {jsonCT}},
			`{"action":"ADD","status":"Failed","message":"Operation failed","userId":"0585aad8-decd-402c-b13f-bc05bd989fca"}`, "Failed"},
		{"deleted", "DELETE", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 204, http.Header{}, ``, ""},
		{"deleted with a body", "DELETE", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 204, http.Header{"Content-Type": {jsonCT}}, `{}`, "no content"},
		{"health", "GET", "/healthz", 200, http.Header{"Content-Type": {jsonCT}}, `{"status":"ok"}`, ""},
		{"not ready", "GET", "/readyz", 503, http.Header{"Content-Type": {problemCT}, "Retry-After": {"1"}}, strings.Replace(notFound, "404", "503", 1), ""},
		{"docs", "GET", "/docs", 200, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, `<!DOCTYPE html><title>x</title>`, ""},
		{"undocumented path", "GET", "/metrics", 200, http.Header{"Content-Type": {"text/plain"}}, `up 1`, "matches no operation"},
		{"undocumented method", "PATCH", acct + "/users/0585aad8-decd-402c-b13f-bc05bd989fca", 200, etag, user + `}`, "matches no operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			req := httptest.NewRequest(tt.method, tt.path, nil)
			v.Check(rec, req, nil, tt.status, tt.header, []byte(tt.body))
			switch {
			case tt.wantErr == "" && len(rec.errs) > 0:
				t.Errorf("Check reported a valid exchange:\n%s", strings.Join(rec.errs, "\n"))
			case tt.wantErr != "" && len(rec.errs) == 0:
				t.Errorf("Check accepted an invalid exchange; want an error about %s", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(strings.Join(rec.errs, "\n"), tt.wantErr):
				t.Errorf("Check reported:\n%s\nwant an error about %s", strings.Join(rec.errs, "\n"), tt.wantErr)
			}
		})
	}
}

// TestValidatorTransport checks a client's exchanges with a fake server.
func TestValidatorTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", jsonCT)
		if r.URL.Path == acct+"/groups" && strings.Contains(string(body), `"name":"Sales"`) {
			w.Header().Set("Location", r.URL.Path+"/c8c2909d-75e9-484a-94c0-b7e8d29771fe")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"groupId":"c8c2909d-75e9-484a-94c0-b7e8d29771fe","name":"Sales"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"groupId":"c8c2909d-75e9-484a-94c0-b7e8d29771fe","name":"Sales","owner":"me"}`)
	}))
	defer srv.Close()

	v := NewValidator(t)
	rec := &recordingTB{TB: t}
	client := &http.Client{Transport: v.Transport(rec, nil)}
	for _, name := range []string{"Sales", "Support"} {
		resp, err := client.Post(srv.URL+acct+"/groups", jsonCT, strings.NewReader(`{"name":"`+name+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"name":"Sales"`) {
			t.Errorf("the transport lost the response body: %s", body)
		}
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], `"owner"`) {
		t.Errorf("Transport reported %q; want one error about the undocumented field owner", rec.errs)
	}
}
