// Package httpapi is roster's HTTP transport: one route table, handlers
// that decode, call the service and encode, and one error mapper.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/strictjson"
)

// MaxBody is the largest request body accepted (1 MiB).
const MaxBody = 1 << 20

// API serves the HTTP API over a Service.
type API struct {
	svc *service.Service
	log *slog.Logger
	// RequestTimeout bounds a request's work (default 15 s): past it the
	// answer is 503, never a hang, even when the database stalls.
	RequestTimeout time.Duration

	limits atomic.Pointer[limiters]
}

type limiters struct{ perAccount, perCredential *limiter }

// SetLimits sets the rate limits (zero turns one off), also while serving.
func (a *API) SetLimits(l Limits) {
	a.limits.Store(&limiters{newLimiter(l.PerAccount), newLimiter(l.PerCredential)})
}

// New returns the API.
func New(svc *service.Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{svc: svc, log: log, RequestTimeout: 15 * time.Second}
}

// handlerFunc is a handler that returns its error for the one error mapper.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handler returns the http.Handler of the route table.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.routes() {
		h := rt.handle
		// Creates honour Idempotency-Key; not API clients, whose answer
		// holds a secret that must be shown once and never stored.
		if rt.method == http.MethodPost && rt.access != roster.AccessPublic && !strings.Contains(rt.path, ":") &&
			!strings.HasSuffix(rt.path, "/clients") {
			h = a.idempotent(h)
		}
		mux.Handle(rt.method+" "+rt.path, a.adapt(a.guard(rt, h)))
	}
	mux.Handle("/", a.adapt(func(w http.ResponseWriter, r *http.Request) error {
		if allowed := allowedMethods(mux, r); len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return roster.Errorf(roster.EMETHOD, "%s is not allowed here; use %s.", r.Method, strings.Join(allowed, " or "))
		}
		return roster.Errorf(roster.ENOTFOUND, "No route for %s %s.", r.Method, r.URL.Path)
	}))
	return a.middleware(mux)
}

// allowedMethods lists the methods the route table answers at r's path.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
}

type ctxKey int

const logKey ctxKey = 0

// middleware gives every request an id and a logger carrying it and the
// account id, logs the request, and turns panics into 500 problems.
func (a *API) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		log := a.log.With("requestId", id)
		if acc := accountFromPath(r.URL.Path); acc != "" {
			log = log.With("accountId", acc)
		}
		sw := &statusWriter{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), logKey, log)
		if a.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.RequestTimeout)
			defer cancel()
		}
		r = r.WithContext(ctx)
		// Readers of the body read one byte past MaxBody to tell 413.
		r.Body = http.MaxBytesReader(sw, r.Body, MaxBody+1)
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic", "panic", p)
				if sw.status == 0 {
					a.writeError(sw, r, roster.Errorf(roster.EINTERNAL, "An internal error occurred."))
				}
			}
			log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

func accountFromPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/v1beta/accounts/")
	if !ok {
		return ""
	}
	acc, _, _ := strings.Cut(rest, "/")
	if len(acc) > 16 {
		return ""
	}
	return acc
}

func logger(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(logKey).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (a *API) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			a.writeError(w, r, roster.Errorf(roster.ETOOLARGE, "The request body is larger than %d bytes.", MaxBody))
			return
		}
		if err := checkText(r); err != nil {
			a.writeError(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				// The answer was under way (a client that went away while
				// it was written): there is no second answer to give.
				logger(r).Info("the answer could not be finished", "status", sw.status, "err", err)
				return
			}
			a.writeError(w, r, err)
		}
	})
}

// checkText refuses query strings with text that is not UTF-8 or holds
// NUL, which PostgreSQL cannot even compare: each is a violation. (Path
// values are checked by guard, which knows the route.)
func checkText(r *http.Request) error {
	var vs roster.Violations
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		for k, vals := range q {
			for _, v := range vals {
				if !plainText(k) || !plainText(v) {
					vs.Add(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"), roster.VInvalidChars,
						"must be UTF-8 without the NUL character")
				}
			}
		}
	}
	return vs.Err()
}

// plainText reports whether s is UTF-8 without NUL.
func plainText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// decode reads a JSON body strictly into v. An empty body is allowed when
// optional is true (v stays as it is).
func decode(r *http.Request, v any, optional bool) error {
	if r.ContentLength == 0 && optional {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if ct != "" {
		if mt, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/json") {
			return roster.Errorf(roster.EUNSUPPORTED, "The body must be application/json, not %s.", mt)
		}
	} else if !optional || r.ContentLength > 0 {
		return roster.Errorf(roster.EUNSUPPORTED, "The body must be application/json; set Content-Type.")
	}
	return strictjson.DecodeReader(r.Body, MaxBody, v)
}

// etag is the strong entity tag of a version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch returns the versions If-Match accepts (any of them may match),
// none when it is absent or "*". A user's effective view has the tag
// "version-profileVersion"; a PUT or DELETE replaces the user's own
// fields, so only the user's version counts. Weak tags never match (RFC
// 9110 compares strongly) and neither do tags roster did not make.
func ifMatch(r *http.Request) ([]int64, error) {
	h := strings.TrimSpace(strings.Join(r.Header.Values("If-Match"), ","))
	if h == "" || h == "*" {
		return nil, nil
	}
	var out []int64
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if strings.HasPrefix(tag, "W/") || !strings.HasPrefix(tag, `"`) {
			continue
		}
		v, _, _ := strings.Cut(strings.Trim(tag, `"`), "-")
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, roster.Errorf(roster.EPRECONDITION, "If-Match names no strong entity tag of this resource, as sent in ETag.")
	}
	return out, nil
}
