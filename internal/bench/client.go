package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// client talks to one roster as one credential, over HTTP/1.1 connections
// of its own, each used by one call at a time from start to end. The load
// generator shares the server's CPUs: net/http's client hands each request
// to two goroutines of its connection and back, this one writes and reads
// on the caller's goroutine (the bare handler of the baseline scenario
// serves ~30% more requests a second with it).
type client struct {
	host, prefix, token string // prefix: the base URL's path
	idle                chan *conn
}

type conn struct {
	nc   net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	used time.Time // the end of its last call
}

// maxIdle is how long a connection may stay idle and still be used: the
// server may close one idle longer, and a POST sent on it is not sent
// again (roundTrip).
const maxIdle = 10 * time.Second

// callTimeout bounds a call.
const callTimeout = 60 * time.Second

// newClient talks to base, an http:// URL.
func newClient(base, token string, conns int) *client {
	c := &client{host: base, token: token, idle: make(chan *conn, conns*2)}
	if u, err := url.Parse(base); err == nil {
		c.host, c.prefix = u.Host, strings.TrimSuffix(u.Path, "/")
		if u.Port() == "" {
			c.host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	return c
}

// call sends a request and fails unless the answer has status want; out,
// when not nil, receives the decoded JSON answer.
func (c *client) call(ctx context.Context, method, path string, body []byte, want int, out any) error {
	status, b, err := c.roundTrip(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status != want {
		if len(b) > 200 {
			b = b[:200]
		}
		return fmt.Errorf("%s %s = %d, want %d: %s", method, path, status, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// roundTrip sends the request on an idle connection, or again on a new one
// should the idle one turn out closed (the server closes connections left
// idle) before the request went out, or before any answer to a request
// other than a POST; it returns the answer's status and body.
func (c *client) roundTrip(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	for {
		cn, reused, err := c.conn(ctx)
		if err != nil {
			return 0, nil, err
		}
		status, b, keep, sent, err := cn.do(ctx, c, method, c.prefix+path, body)
		if keep && err == nil {
			cn.used = time.Now()
			select {
			case c.idle <- cn:
			default:
				cn.nc.Close()
			}
		} else {
			cn.nc.Close()
		}
		// A POST sent may have been done: it is not sent again.
		if err != nil && reused && (!sent || method != "POST") && ctx.Err() == nil && closedIdle(err) {
			continue
		}
		return status, b, err
	}
}

func (c *client) conn(ctx context.Context) (cn *conn, reused bool, err error) {
	for {
		select {
		case cn := <-c.idle:
			if time.Since(cn.used) < maxIdle {
				return cn, true, nil
			}
			cn.nc.Close()
			continue
		default:
		}
		break
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.host)
	if err != nil {
		return nil, false, err
	}
	return &conn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10), bw: bufio.NewWriterSize(nc, 4<<10)}, false, nil
}

// do runs one request on the connection. sent tells whether the request
// went out whole; keep whether the connection may serve another.
func (cn *conn) do(ctx context.Context, c *client, method, path string, body []byte) (status int, b []byte, keep, sent bool, err error) {
	// The end of ctx stops the call. The connection is not reused then:
	// another goroutine may still be setting its deadline in the past.
	cn.nc.SetDeadline(time.Now().Add(callTimeout))
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		if !stop() {
			keep = false
		}
	}()

	w := cn.bw
	w.WriteString(method + " " + path + " HTTP/1.1\r\nHost: " + c.host + "\r\n")
	if c.token != "" {
		w.WriteString("Authorization: Bearer " + c.token + "\r\n")
	}
	if body != nil {
		w.WriteString("Content-Type: application/json\r\n")
	}
	if body != nil || method == "POST" || method == "PUT" {
		w.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	w.WriteString("\r\n")
	w.Write(body)
	if err := w.Flush(); err != nil {
		return 0, nil, false, false, err
	}
	if _, err := cn.br.Peek(1); err != nil {
		return 0, nil, false, true, err
	}
	resp, err := http.ReadResponse(cn.br, nil)
	if err != nil {
		return 0, nil, false, true, err
	}
	b, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b, !resp.Close, true, err
}

// closedIdle tells a connection the server had closed while it was idle.
func closedIdle(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
