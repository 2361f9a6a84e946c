package provision

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

func TestParseSet(t *testing.T) {
	s, err := ParseSet("voice=webhook:http://127.0.0.1:9/v; chat=fail:No chat licence ;*=local", nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := s.For("voice").(Webhook); !ok || w.URL != "http://127.0.0.1:9/v" {
		t.Errorf("voice = %#v", s.For("voice"))
	}
	if f, ok := s.For("chat").(Fail); !ok || f.Message != "No chat licence" {
		t.Errorf("chat = %#v", s.For("chat"))
	}
	if _, ok := s.For("role").(Local); !ok {
		t.Errorf("role = %#v, want the * default", s.For("role"))
	}
	for _, bad := range []string{"fax=local", "voice", "voice=webhook:ftp://x", "voice=carrier-pigeon"} {
		if _, err := ParseSet(bad, nil, time.Second); err == nil {
			t.Errorf("ParseSet(%q): want an error", bad)
		}
	}
}

func TestWebhookOutcomes(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		wantErr   bool
		temporary bool
		message   string
	}{
		{204, "", false, false, ""},
		{422, `{"message": "extension range exhausted"}`, true, false, "extension range exhausted"},
		{404, `no such agent`, true, false, "no such agent"},
		{500, `{"detail": "database down"}`, true, true, "database down"},
		{503, ``, true, true, "webhook answered 503"},
		{429, `{"error": "slow down"}`, true, true, "slow down"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Idempotency-Key") != "A/u/voice/3" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("headers = %v", r.Header)
			}
			w.WriteHeader(tt.status)
			w.Write([]byte(tt.body))
		}))
		err := Webhook{URL: srv.URL, Timeout: time.Second}.Provision(context.Background(),
			roster.Job{AccountID: "A", UserID: "u", Aspect: "voice", Version: 3})
		srv.Close()
		var pe *roster.ProvisionError
		if !tt.wantErr {
			if err != nil {
				t.Errorf("%d: err %v, want nil", tt.status, err)
			}
			continue
		}
		if !errors.As(err, &pe) || pe.Temporary != tt.temporary || pe.Message != tt.message {
			t.Errorf("%d: err %#v, want temporary=%v message %q", tt.status, err, tt.temporary, tt.message)
		}
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(200 * time.Millisecond) }))
	defer slow.Close()
	err := Webhook{URL: slow.URL, Timeout: 20 * time.Millisecond}.Provision(context.Background(), roster.Job{})
	var pe *roster.ProvisionError
	if !errors.As(err, &pe) || !pe.Temporary {
		t.Errorf("timeout: err %v, want a temporary failure", err)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: time.Second, Attempts: 5}
	for n, max := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 9: time.Second} {
		for range 20 {
			if d := b.Delay(n); d < max/2 || d > max {
				t.Errorf("Delay(%d) = %v, want within [%v, %v]", n, d, max/2, max)
			}
		}
	}
}
