package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

const voiceUser = `{"organizationNodeId": "EXMPLE", "loginId": "%s", "lastName": "Stevens", "firstName": "Alex",
	"roles": ["Agent"], "features": {"voice": {"autoAnswer": true}}}`

func createVoiceUser(s *server, login string) string {
	s.t.Helper()
	r := s.must(202, "POST", path("/users"), []byte(sprintf(voiceUser, login)))
	return r.obj()["userId"].(string)
}

// TestFailProvisioner: the fail provisioner fails the aspect with its
// configured message; roles, served by local, still complete.
func TestFailProvisioner(t *testing.T) {
	s := newServer(t, map[string]string{"ROSTER_PROVISIONERS": "voice=fail:Voice platform rejected the agent"})
	seedAccount(s)
	user := createVoiceUser(s, "fail@example.com")
	s.drain()
	s.wantStatus("user", user, `{"action": "ADD", "status": "FAILED", "message": "Operation failed", "userId": "`+user+`",
		"role": {"action": "ADD", "status": "COMPLETED", "message": "Added successfully"},
		"features": {"voice": {"action": "ADD", "status": "FAILED", "message": "Voice platform rejected the agent"}}}`)
}

// hook is a webhook receiver whose answers the test scripts.
type hook struct {
	mu      sync.Mutex
	answers []int // status codes to answer in turn; the last one repeats
	calls   []roster.Job
	srv     *httptest.Server
}

func newHook(t *testing.T, answers ...int) *hook {
	h := &hook{answers: answers}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var job roster.Job
		if err := json.NewDecoder(r.Body).Decode(&job); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		h.mu.Lock()
		h.calls = append(h.calls, job)
		code := h.answers[0]
		if len(h.answers) > 1 {
			h.answers = h.answers[1:]
		}
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"message": http.StatusText(code) + " from the voice platform"})
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) setAnswers(a ...int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answers = a
}

func (h *hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.calls)
}

// TestWebhookRetriesThenCompletes: a 500 is retried with backoff and the
// next 200 completes the aspect without the client doing anything.
func TestWebhookRetriesThenCompletes(t *testing.T) {
	h := newHook(t, 500, 200)
	s := newServer(t, map[string]string{"ROSTER_PROVISIONERS": "voice=webhook:" + h.srv.URL,
		"ROSTER_RETRY_BASE": "10ms", "ROSTER_RETRY_MAX": "50ms"})
	seedAccount(s)
	user := createVoiceUser(s, "retry@example.com")
	stop := s.run()
	defer stop()
	eventually(t, "voice COMPLETED after a retry", func() bool {
		return s.liveStatus("user", user)["status"] == "COMPLETED"
	})
	if got := h.count(); got != 2 {
		t.Errorf("webhook calls = %d, want 2 (one 500, one 200)", got)
	}
	h.mu.Lock()
	first, second := h.calls[0], h.calls[1]
	h.mu.Unlock()
	if first.Version != second.Version || first.Attempt != 1 || second.Attempt != 2 || first.Action != "ADD" {
		t.Errorf("calls = %+v, %+v; want the same version, attempts 1 and 2, action ADD", first, second)
	}
}

// TestWebhookFailsThenRepeatedPutRetries: a 4xx fails the aspect with the
// webhook's message, so does a 5xx once the attempts run out; a repeated PUT
// of the same body retries and completes.
func TestWebhookFailsThenRepeatedPutRetries(t *testing.T) {
	h := newHook(t, 422)
	s := newServer(t, map[string]string{"ROSTER_PROVISIONERS": "voice=webhook:" + h.srv.URL,
		"ROSTER_RETRY_BASE": "5ms", "ROSTER_RETRY_MAX": "10ms", "ROSTER_RETRY_ATTEMPTS": "3"})
	seedAccount(s)
	user := createVoiceUser(s, "failing@example.com")
	s.drain()
	s.wantStatus("user", user, `{"action": "ADD", "status": "FAILED", "message": "Operation failed", "userId": "`+user+`",
		"role": {"action": "ADD", "status": "COMPLETED", "message": "Added successfully"},
		"features": {"voice": {"action": "ADD", "status": "FAILED", "message": "Unprocessable Entity from the voice platform"}}}`)

	// Retries run out on a platform that keeps answering 503.
	h.setAnswers(503)
	s.must(202, "PUT", path("/users/"+user), []byte(sprintf(voiceUser, "failing@example.com")))
	stop := s.run()
	eventually(t, "voice FAILED after the retries", func() bool { return s.liveStatus("user", user)["status"] == "FAILED" })
	stop()
	st := s.status("user", user)
	if msg := st["features"].(map[string]any)["voice"].(map[string]any)["message"]; msg != "Service Unavailable from the voice platform" {
		t.Errorf("voice message = %q, want the webhook's", msg)
	}
	if _, has := st["role"]; has {
		t.Errorf("role was unchanged by the PUT but is in the status: %v", st)
	}
	if got := h.count(); got != 1+3 {
		t.Errorf("webhook calls = %d, want 4 (one 422, three 503)", got)
	}

	h.setAnswers(200)
	s.must(202, "PUT", path("/users/"+user), []byte(sprintf(voiceUser, "failing@example.com")))
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "IN_PROGRESS", "message": "Operation is in progress", "userId": "`+user+`",
		"features": {"voice": {"action": "ADD", "status": "IN_PROGRESS", "message": "Operation is in progress"}}}`)
	s.drain()
	s.wantStatus("user", user, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "userId": "`+user+`",
		"features": {"voice": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)
}
