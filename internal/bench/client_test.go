package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestClient: the bench's HTTP client sends the method, path, token and
// body, reads answers of a known length and chunked ones, reuses its
// connections, and sends again on a new connection when the server has
// closed an idle one.
func TestClient(t *testing.T) {
	big := strings.Repeat("x", 100_000) // answered chunked
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/big" {
			w.Write([]byte(`"` + big[:50_000]))
			w.(http.Flusher).Flush()
			w.Write([]byte(big[50_000:] + `"`))
			return
		}
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte(`{"got":"` + r.Method + " " + r.URL.RequestURI() + " " + string(b) + `"}`))
	}))
	srv.Config.IdleTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()

	c := newClient(srv.URL, "tok", 2)
	ctx := context.Background()
	var out struct{ Got string }
	for i := range 3 {
		if err := c.call(ctx, "POST", "/users?x=1", []byte("body"), 202, &out); err != nil || out.Got != "POST /users?x=1 body" {
			t.Fatalf("call %d: %q, %v", i, out.Got, err)
		}
	}
	if len(c.idle) != 1 {
		t.Errorf("%d idle connections after calls one at a time, want 1", len(c.idle))
	}
	var s string
	if err := c.call(ctx, "GET", "/big", nil, 200, &s); err != nil || s != big {
		t.Fatalf("chunked answer: %d bytes, %v", len(s), err)
	}
	time.Sleep(300 * time.Millisecond) // the server closes the idle connection
	if err := c.call(ctx, "DELETE", "/users/1", nil, 202, &out); err != nil || out.Got != "DELETE /users/1 " {
		t.Fatalf("after the server closed the idle connection: %q, %v", out.Got, err)
	}
	if c := newClient("http://example.com/base/", "", 1); c.host != "example.com:80" || c.prefix != "/base" {
		t.Errorf("newClient: host %q, prefix %q; want example.com:80 and /base", c.host, c.prefix)
	}
	if err := newClient(srv.URL, "", 1).call(ctx, "GET", "/", nil, 202, nil); err == nil || !strings.Contains(err.Error(), "= 401") {
		t.Errorf("a wrong status: %v, want an error naming 401", err)
	}
}
