// Package provision runs roster's provisioning: the reconciler that brings
// every user's provisioned state to its desired state, and the built-in
// provisioners (local, webhook, fail).
package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// Local provisions nothing outside roster: voice identities (extension,
// ELIN, provider ids) are allocated when a change is accepted, so it only
// confirms. It always succeeds, at once: the reconciler settles its
// records in the transaction that finds them due (Set.Immediate), without
// a lease or a call.
type Local struct{}

// Provision implements roster.Provisioner.
func (Local) Provision(context.Context, roster.Job) error { return nil }

// Fail fails every job with Message (for tests and demos).
type Fail struct{ Message string }

// Provision implements roster.Provisioner.
func (f Fail) Provision(context.Context, roster.Job) error {
	return &roster.ProvisionError{Message: f.Message}
}

// Webhook POSTs each job as JSON to URL: a 2xx answer is done, a 4xx fails
// the aspect with the answer's message, a 5xx or a timeout is retried.
type Webhook struct {
	URL     string
	Client  *http.Client
	Timeout time.Duration
}

// Provision implements roster.Provisioner.
func (w Webhook) Provision(ctx context.Context, job roster.Job) error {
	body, err := json.Marshal(job)
	if err != nil {
		return err
	}
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return &roster.ProvisionError{Message: "webhook: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("%s/%s/%s/%d", job.AccountID, job.UserID, job.Aspect, job.Version))
	if job.Worker != "" {
		req.Header.Set("Roster-Worker", job.Worker)
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return &roster.ProvisionError{Message: "webhook unreachable: " + errText(err), Temporary: true}
	}
	defer resp.Body.Close()
	msg := answerMessage(resp)
	switch {
	case resp.StatusCode < 300 && resp.StatusCode >= 200:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
		return &roster.ProvisionError{Message: msg, Temporary: true}
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return &roster.ProvisionError{Message: msg}
	default:
		return &roster.ProvisionError{Message: msg, Temporary: true}
	}
}

func errText(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// answerMessage takes the message of a webhook's answer: the "message" (or
// "detail", "error") member of a JSON body, else the body's text.
func answerMessage(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var m struct{ Message, Detail, Error string }
	if json.Unmarshal(b, &m) == nil {
		for _, s := range []string{m.Message, m.Detail, m.Error} {
			if s != "" {
				return s
			}
		}
	}
	if s := strings.TrimSpace(string(b)); s != "" {
		return s
	}
	return fmt.Sprintf("webhook answered %d", resp.StatusCode)
}

// Set chooses the provisioner of each aspect ("role", "voice", …).
type Set struct {
	byAspect map[string]roster.Provisioner
	fallback roster.Provisioner
}

// For returns the provisioner of an aspect.
func (s Set) For(aspect string) roster.Provisioner {
	if p, ok := s.byAspect[aspect]; ok {
		return p
	}
	if s.fallback != nil {
		return s.fallback
	}
	return Local{}
}

// Immediate returns the aspects whose provisioner is Local: their due
// records can be settled without a call.
func (s Set) Immediate() []string {
	var out []string
	for _, name := range roster.AspectNames {
		if _, ok := s.For(name).(Local); ok {
			out = append(out, name)
		}
	}
	return out
}

// ParseSet reads ROSTER_PROVISIONERS: entries "aspect=kind[:argument]"
// separated by ";", where aspect is role, matching, voice, chat, messaging,
// email or * (every other aspect), and kind is local, webhook:URL or
// fail:MESSAGE. Empty means local for everything.
func ParseSet(spec string, client *http.Client, timeout time.Duration) (Set, error) {
	s := Set{byAspect: map[string]roster.Provisioner{}}
	for _, entry := range strings.Split(spec, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		aspect, def, ok := strings.Cut(entry, "=")
		if !ok {
			return s, fmt.Errorf("provisioners: %q is not aspect=kind", entry)
		}
		aspect = strings.TrimSpace(aspect)
		if aspect != "*" && !contains(roster.AspectNames, aspect) {
			return s, fmt.Errorf("provisioners: unknown aspect %q", aspect)
		}
		p, err := parseKind(strings.TrimSpace(def), client, timeout)
		if err != nil {
			return s, err
		}
		if aspect == "*" {
			s.fallback = p
		} else {
			s.byAspect[aspect] = p
		}
	}
	return s, nil
}

func parseKind(def string, client *http.Client, timeout time.Duration) (roster.Provisioner, error) {
	kind, arg, _ := strings.Cut(def, ":")
	switch kind {
	case "local":
		return Local{}, nil
	case "fail":
		if arg == "" {
			arg = "The feature could not be provisioned"
		}
		return Fail{Message: arg}, nil
	case "webhook":
		if !strings.HasPrefix(arg, "http://") && !strings.HasPrefix(arg, "https://") {
			return nil, fmt.Errorf("provisioners: webhook needs an http(s) URL, got %q", arg)
		}
		return Webhook{URL: arg, Client: client, Timeout: timeout}, nil
	}
	return nil, fmt.Errorf("provisioners: unknown kind %q (local, webhook:URL, fail:MESSAGE)", kind)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// NewSet returns a Set with a provisioner per aspect and a fallback.
func NewSet(byAspect map[string]roster.Provisioner, fallback roster.Provisioner) Set {
	return Set{byAspect: byAspect, fallback: fallback}
}
