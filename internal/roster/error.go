package roster

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each maps to exactly one HTTP status in the transport's
// error mapper; the domain never speaks HTTP.
const (
	EINVALID      = "invalid"             // 400: the request is malformed or breaks a rule
	ENOTFOUND     = "not_found"           // 404: no such resource visible to the caller
	EMETHOD       = "method_not_allowed"  // 405: the resource does not answer this method
	ECONFLICT     = "conflict"            // 409: duplicate or state conflict
	EPRECONDITION = "precondition_failed" // 412: If-Match did not match
	EUNAUTHORIZED = "unauthorized"        // 401: no valid credential
	EFORBIDDEN    = "forbidden"           // 403: the credential may not do this
	ETOOMANY      = "too_many_requests"   // 429: over a rate limit or locked out; see RetryAfter
	ETOOLARGE     = "too_large"           // 413: request body over the limit
	EUNSUPPORTED  = "unsupported_media"   // 415: wrong Content-Type
	EUNAVAILABLE  = "unavailable"         // 503: a dependency is down; retry later
	EINTERNAL     = "internal"            // 500: a bug or an unexpected failure
)

// Violation names one bad field of a request. Field is a dotted path into the
// request body ("features.voice.autoAnswer", "roles[2]") or a query parameter.
type Violation struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// Violation codes used across the API.
const (
	VRequired     = "required"
	VTooShort     = "too_short"
	VTooLong      = "too_long"
	VInvalidChars = "invalid_characters"
	VInvalid      = "invalid"
	VUnknown      = "unknown_field"
	VDuplicate    = "duplicate"
	VWrongType    = "wrong_type"
	VNotFound     = "not_found"
	VOutOfRange   = "out_of_range"
	VTooMany      = "too_many"
	VSyntax       = "syntax"
	VReadOnly     = "read_only"
)

// Error is the domain error. Message is safe to show to clients; internal
// detail belongs in the wrapped error, which is logged but never sent.
type Error struct {
	Code       string
	Message    string
	Violations []Violation
	Err        error
	// RetryAfter, for ETOOMANY, is how long the caller should wait.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying the violations.
func Invalid(vs ...Violation) *Error {
	return &Error{Code: EINVALID, Message: "The request has invalid fields.", Violations: vs}
}

// NotFound returns the ENOTFOUND error for a kind of resource. The message
// never says whether the id exists elsewhere.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found."}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// Violations collects violations while a request is validated.
type Violations []Violation

// Add records a violation.
func (vs *Violations) Add(field, code, format string, args ...any) {
	*vs = append(*vs, Violation{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was recorded, else an EINVALID *Error.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return Invalid(vs...)
}
