package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/roster-cc/roster/internal/dialect/gws"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	roster.EINVALID:      http.StatusBadRequest,
	roster.ENOTFOUND:     http.StatusNotFound,
	roster.EMETHOD:       http.StatusMethodNotAllowed,
	roster.ECONFLICT:     http.StatusConflict,
	roster.EPRECONDITION: http.StatusPreconditionFailed,
	roster.EUNAUTHORIZED: http.StatusUnauthorized,
	roster.EFORBIDDEN:    http.StatusForbidden,
	roster.ETOOMANY:      http.StatusTooManyRequests,
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
	// Error and ErrorDescription are RFC 6749 §5.2's members, on the
	// answers of the OAuth 2.0 token endpoint only.
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
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
	switch {
	case errors.Is(r.Context().Err(), context.Canceled):
		// Whatever the error says (a transaction closed under the
		// request, say), it is not the server's failure.
		logger(r).Info("the client went away", "status", status, "err", err)
	case status >= 500:
		logger(r).Error("request failed", "status", status, "err", err)
	}
	if re := (*roster.Error)(nil); errors.As(err, &re) && re.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(re.RetryAfter.Seconds()))))
	}
	if isGWSPath(r.URL.Path) {
		writeGWSError(w, err, msg)
		return
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
	var oe *oauthError
	if errors.As(err, &oe) {
		p.Error, p.ErrorDescription = oe.code, msg
		if len(p.Violations) > 0 {
			p.ErrorDescription = p.Violations[0].Field + ": " + p.Violations[0].Message
		}
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeGWSError writes err as GWS does: its status code and a message
// naming each bad field, nothing else.
func writeGWSError(w http.ResponseWriter, err error, msg string) {
	code, status := gws.Status(err, errors.Is(err, service.ErrChangePassword))
	if re := (*roster.Error)(nil); errors.As(err, &re) && len(re.Violations) > 0 {
		parts := make([]string, len(re.Violations))
		for i, v := range re.Violations {
			parts[i] = v.Field + ": " + v.Message
		}
		msg = strings.Join(parts, "; ")
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	b, _ := json.Marshal(map[string]any{"statusCode": code, "statusMessage": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// renameFields names the fields of a core error's violations as a dialect
// does (fields it has no name for keep theirs).
func renameFields(err error, name func(string) string) error {
	var re *roster.Error
	if !errors.As(err, &re) || len(re.Violations) == 0 {
		return err
	}
	out := *re
	out.Violations = make([]roster.Violation, len(re.Violations))
	for i, v := range re.Violations {
		v.Field = name(v.Field)
		out.Violations[i] = v
	}
	return &out
}
