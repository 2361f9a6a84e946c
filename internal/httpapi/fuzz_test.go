package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/app"
	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/password"
)

const fuzzToken = "rst_fuzz-operator-token-of-at-least-32-characters"

// fuzzHandler is a real roster on SQLite with account ABCDEF and a few
// users, for fuzzing the transport end to end.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	cfg, _ := app.LoadConfig(func(k string) string {
		return map[string]string{"ROSTER_BOOTSTRAP_TOKEN": fuzzToken, "ROSTER_RATE_ACCOUNT": "0", "ROSTER_RATE_CREDENTIAL": "0"}[k]
	})
	cfg.DataDir = f.TempDir()
	if os.Getenv("ROSTER_TEST_E2E_POSTGRES") != "" {
		cfg.DatabaseURL = dbtest.PostgresURL(f) // NUL and bad UTF-8 fail there, not on SQLite
	}
	a, err := app.New(context.Background(), cfg, io.Discard, app.Options{HashCost: password.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	if err := a.Bootstrap(context.Background()); err != nil {
		f.Fatal(err)
	}
	h := a.API.Handler()
	for _, c := range [][3]string{
		{"POST", "/v1beta/accounts", `{"accountId":"ABCDEF","name":"Fuzz"}`},
		{"POST", "/v1beta/accounts/ABCDEF/users", `{"organizationNodeId":"ABCDEF","loginId":"alex.stevens@example.com","firstName":"Alex","lastName":"Stevens","roles":["Agent"]}`},
		{"POST", "/v1beta/accounts/ABCDEF/users", `{"organizationNodeId":"ABCDEF","loginId":"Zoë_%@example.com","firstName":"Zoë","lastName":"O'Brien"}`},
	} {
		if st, body := serve(h, c[0], c[1], c[2]); st >= 300 {
			f.Fatalf("%s %s = %d %s", c[0], c[1], st, body)
		}
	}
	return h
}

func serve(h http.Handler, method, target, body string) (int, []byte) {
	req := httptest.NewRequest(method, "http://roster"+target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+fuzzToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// checkAnswer holds every answer to the promise: never a 5xx for anything
// a client sends, always JSON, problems with their own status.
func checkAnswer(t *testing.T, what string, status int, body []byte) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("%s = %d: %s", what, status, body)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s = %d with a body that is not a JSON object: %q", what, status, body)
	}
	if status >= 400 && v["status"] != float64(status) {
		t.Fatalf("%s = %d with problem %s", what, status, body)
	}
}

// FuzzSearch fuzzes the body of POST users:search: the filter parser and
// the SQL it builds, on SQLite. Seeds: f.Add and testdata/fuzz/FuzzSearch.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"filter":[{"key":"loginId","operator":"STARTS_WITH","value":"alex"}]}`,
		`{"filter":[{"key":"lastName","operator":"CONTAINS","value":"%_\\"},{"key":"role","operator":"EQUALS","value":"Agent","discriminator":"OR"}],"orderBy":"lastName desc","pageSize":5}`,
		`{"filter":[{"key":"groupId","operator":"NOT_EQUALS","value":"x"}],"pageNumber":2}`,
		`{"filter":[{"key":"firstName","operator":"ENDS_WITH","value":"ë"}],"orderBy":"firstName asc"}`,
		`{"filter":[{"key":"x","operator":"LIKE","value":""}],"pageSize":1000,"orderBy":"; DROP TABLE users"}`,
		`{"filter":null}`, `{"filter":[{}]}`, `{"pageNumber":-1}`,
	} {
		f.Add(s)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body string) {
		st, out := serve(h, "POST", "/v1beta/accounts/ABCDEF/users:search", body)
		checkAnswer(t, "search "+body, st, out)
	})
}

// FuzzListQuery fuzzes the query string of GET users: filters with
// wildcards, paging and ordering. Seeds: f.Add and testdata/fuzz/FuzzListQuery.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"", "loginId=alex*", "lastName=*ens&orderBy=lastName%20desc", "role=Agent&pageSize=5&pageNumber=3",
		"loginId=%2A%25%5F", "groupId=&profileId=ABCDEF", "orderBy=", "a=1&a=2", "%zz", "loginId=*", "pageSize=99999999999999999999",
	} {
		f.Add(s)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, q string) {
		req := httptest.NewRequest("GET", "http://roster/v1beta/accounts/ABCDEF/users", nil)
		req.URL.RawQuery = q // as the server would get it, whatever it holds
		req.Header.Set("Authorization", "Bearer "+fuzzToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, "list ?"+q, rec.Code, rec.Body.Bytes())
	})
}
