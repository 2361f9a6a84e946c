package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/roster-cc/roster/internal/roster"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	roster.EINVALID:      http.StatusBadRequest,
	roster.ENOTFOUND:     http.StatusNotFound,
	roster.EMETHOD:       http.StatusMethodNotAllowed,
	roster.ECONFLICT:     http.StatusConflict,
	roster.EPRECONDITION: http.StatusPreconditionFailed,
	roster.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	roster.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	roster.EUNAVAILABLE:  http.StatusServiceUnavailable,
	roster.EINTERNAL:     http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Status     int                `json:"status"`
	Detail     string             `json:"detail"`
	Instance   string             `json:"instance"`
	Violations []roster.Violation `json:"violations,omitempty"`
}

// writeError writes err as application/problem+json. Internal detail is
// logged, never sent.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := roster.ErrorCode(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		code = roster.EUNAVAILABLE
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := roster.ErrorMessage(err)
	if code == roster.EUNAVAILABLE && roster.ErrorCode(err) != roster.EUNAVAILABLE {
		msg = "The service is busy; retry shortly."
	}
	if status >= 500 {
		logger(r).Error("request failed", "status", status, "err", err)
	}
	p := Problem{
		Type:     "https://roster.dev/problems/" + code,
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   msg,
		Instance: r.URL.Path,
	}
	var re *roster.Error
	if errors.As(err, &re) {
		p.Violations = re.Violations
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
