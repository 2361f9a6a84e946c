package httpapi

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestMethodNotAllowed: a known path with another method is 405 with
// Allow, as problem+json; an unknown path is 404.
func TestMethodNotAllowed(t *testing.T) {
	h := New(nil, nil).Handler()
	for _, tt := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PATCH", "/v1beta/accounts/ABCDEF/users/u1", 405, "GET, PUT, DELETE"},
		{"DELETE", "/v1beta/accounts", 405, "POST"},
		{"GET", "/v1beta/nothing", 404, ""},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.status || w.Header().Get("Allow") != tt.allow ||
			w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s = %d Allow %q %s; want %d Allow %q problem+json", tt.method, tt.path, w.Code,
				w.Header().Get("Allow"), w.Header().Get("Content-Type"), tt.status, tt.allow)
		}
	}
}

func TestIfMatch(t *testing.T) {
	for h, want := range map[string][]int64{"": nil, "*": nil, `"7"`: {7}, `"7-3"`: {7}, `"x", "7-3", W/"8"`: {7}} {
		r := httptest.NewRequest("PUT", "/", nil)
		r.Header.Set("If-Match", h)
		if got, err := ifMatch(r); err != nil || !slices.Equal(got, want) {
			t.Errorf("ifMatch(%q) = %v, %v; want %v", h, got, err, want)
		}
	}
	for _, h := range []string{`W/"7"`, `"seven"`, `"0"`} {
		r := httptest.NewRequest("PUT", "/", strings.NewReader(""))
		r.Header.Set("If-Match", h)
		if _, err := ifMatch(r); err == nil {
			t.Errorf("ifMatch(%q): want a 412 error", h)
		}
	}
}

// TestErrorAfterAnswerStarted: a handler that fails after its answer began
// (a client gone while it was written) gets no second answer, and a request
// whose client went away is no server error, whatever the error says.
func TestErrorAfterAnswerStarted(t *testing.T) {
	var logs strings.Builder
	a := New(nil, slog.New(slog.NewTextHandler(&logs, nil)))
	h := a.middleware(a.adapt(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"partial":`))
		return errors.New("write: broken pipe")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != http.StatusOK || w.Body.String() != `{"partial":` || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("answer %d %q, logs %s; want the started answer alone and no error logged", w.Code, w.Body, logs.String())
	}

	logs.Reset()
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), logKey, a.log))
	cancel()
	w = httptest.NewRecorder()
	a.writeError(w, httptest.NewRequest("GET", "/x", nil).WithContext(ctx), sql.ErrTxDone)
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "the client went away") {
		t.Errorf("a gone client's failed request logged %s; want an info line", logs.String())
	}
}
