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
	base, host, token string
	idle              chan *conn
}

type conn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// callTimeout bounds a call.
const callTimeout = 60 * time.Second

func newClient(base, token string, conns int) *client {
	host := base
	if u, err := url.Parse(base); err == nil {
		host = u.Host
	}
	return &client{base: base, host: host, token: token, idle: make(chan *conn, conns*2)}
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

// roundTrip sends the request on an idle connection, or on a new one
// should the idle one turn out closed before any answer (the server closes
// connections left idle), and returns the answer's status and body.
func (c *client) roundTrip(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	for {
		cn, reused, err := c.conn(ctx)
		if err != nil {
			return 0, nil, err
		}
		status, b, keep, answered, err := cn.do(ctx, c, method, path, body)
		if keep && err == nil {
			select {
			case c.idle <- cn:
			default:
				cn.nc.Close()
			}
		} else {
			cn.nc.Close()
		}
		if err != nil && reused && !answered && ctx.Err() == nil && closedIdle(err) {
			continue
		}
		return status, b, err
	}
}

func (c *client) conn(ctx context.Context) (cn *conn, reused bool, err error) {
	select {
	case cn := <-c.idle:
		return cn, true, nil
	default:
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.host)
	if err != nil {
		return nil, false, err
	}
	return &conn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10), bw: bufio.NewWriterSize(nc, 4<<10)}, false, nil
}

// do runs one request on the connection. answered tells whether any of
// the answer came; keep whether the connection may serve another.
func (cn *conn) do(ctx context.Context, c *client, method, path string, body []byte) (status int, b []byte, keep, answered bool, err error) {
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
		return 0, nil, false, false, err
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
