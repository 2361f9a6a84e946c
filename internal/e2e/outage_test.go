package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/apitest"
	"github.com/roster-cc/roster/internal/app"
	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/password"
)

// cutter is a TCP proxy to PostgreSQL that the test can cut (close every
// connection and refuse new ones) and restore: a database outage without
// stopping the server other tests use.
type cutter struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
	stalled      atomic.Bool // forward nothing, answer nothing, close nothing
}

// pipe copies from src to dst, holding every chunk while the proxy stalls.
func (c *cutter) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for c.stalled.Load() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func newCutter(t *testing.T, target string) *cutter {
	c := &cutter{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.cut)
	return c
}

func (c *cutter) serve(ln net.Listener) {
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go c.pipe(out, in)
			go c.pipe(in, out)
		}
	}()
}

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *cutter) restore(t *testing.T) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		t.Fatalf("restore the proxy: %v", err)
	}
	c.serve(ln)
}

// TestDatabaseOutage: PostgreSQL goes away for three seconds during a load
// of writes (connections refused and reset), then stalls for three more
// (connections open, nothing answered). Requests get 503 problem+json with
// Retry-After or succeed, never a 500 or a hang; the service recovers by
// itself; every accepted user exists afterwards and is provisioned.
func TestDatabaseOutage(t *testing.T) {
	u, err := url.Parse(dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutter(t, u.Host)
	u.Host = proxy.addr
	cfg, _ := app.LoadConfig(func(k string) string {
		return map[string]string{"ROSTER_RETRY_BASE": "50ms", "ROSTER_RETRY_MAX": "200ms", "ROSTER_LEASE": "2s",
			"ROSTER_BOOTSTRAP_TOKEN": operatorToken, "ROSTER_RATE_ACCOUNT": "0", "ROSTER_RATE_CREDENTIAL": "0"}[k]
	})
	cfg.DatabaseURL, cfg.DataDir = u.String(), t.TempDir()
	a, err := app.New(context.Background(), cfg, io.Discard, app.Options{HashCost: password.Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.API.RequestTimeout = time.Second
	hs := httptest.NewServer(a.API.Handler())
	defer hs.Close()
	s := &server{t: t, URL: hs.URL, app: a, val: apitest.NewValidator(t), token: operatorToken}
	seedAccount(s)
	stop := s.run()
	defer stop()

	var accepted sync.Map
	var unavailable, other atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			client := &http.Client{Timeout: 20 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				status, id, retryAfter := postUser(t, client, hs.URL, fmt.Sprintf("w%d-%d@example.com", w, i))
				switch {
				case status == 202:
					accepted.Store(id, true)
				case status == 503 && retryAfter != "":
					unavailable.Add(1)
				default:
					other.Add(1)
					t.Errorf("answer %d (Retry-After %q) during the outage test", status, retryAfter)
				}
			}
		})
	}
	time.Sleep(time.Second)
	proxy.cut() // connections refused and reset
	time.Sleep(3 * time.Second)
	proxy.restore(t)
	time.Sleep(time.Second)
	proxy.stalled.Store(true) // the database stops answering, connections stay open
	time.Sleep(3 * time.Second)
	proxy.stalled.Store(false)
	time.Sleep(2 * time.Second)
	close(done)
	wg.Wait()
	if unavailable.Load() == 0 {
		t.Fatal("no request saw the outage: the test did not cut the database")
	}
	n := 0
	accepted.Range(func(k, _ any) bool {
		n++
		id := k.(string)
		s.must(200, "GET", path("/users/"+id), nil)
		eventually(t, "user "+id+" COMPLETED", func() bool {
			return s.liveStatus("user", id)["status"] == "COMPLETED"
		})
		return true
	})
	t.Logf("%d writes accepted, %d answered 503 during the outage", n, unavailable.Load())
}

// postUser creates a user and returns the status, the new id and Retry-After.
func postUser(t *testing.T, client *http.Client, base, login string) (int, string, string) {
	body := `{"organizationNodeId": "EXMPLE", "loginId": "` + login + `", "firstName": "Ou", "lastName": "Tage", "roles": ["Agent"]}`
	req, _ := http.NewRequest("POST", base+path("/users"), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("POST during the outage: %v (a hang or a dropped connection)", err)
		return 0, "", ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("error answer is %s, not problem+json: %s", resp.Header.Get("Content-Type"), b)
	}
	id := ""
	if resp.StatusCode == 202 {
		if i := strings.Index(string(b), `"userId":"`); i >= 0 {
			id = string(b[i+10 : i+10+36])
		}
	}
	return resp.StatusCode, id, resp.Header.Get("Retry-After")
}
