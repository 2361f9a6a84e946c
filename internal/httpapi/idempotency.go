package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"github.com/roster-cc/roster/internal/roster"
)

// replayedHeaders are the headers of the first answer that a replay repeats.
var replayedHeaders = []string{"Content-Type", "ETag", "Location"}

// idempotent makes a POST honour Idempotency-Key: the same key and body
// (compared as JSON, so formatting does not matter) within 24 hours get the
// first successful answer again; another body under the key is 409. Keys
// are scoped by route. Failed requests are not kept, so a corrected retry
// under the same key runs.
func (a *API) idempotent(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return next(w, r)
		}
		if len(key) > 255 {
			return roster.Invalid(roster.Violation{Field: "Idempotency-Key", Code: roster.VTooLong, Message: "must be at most 255 characters"})
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			return roster.Errorf(roster.EINVALID, "The request body could not be read.")
		}
		// Keys are the caller's own: another credential's key is another key.
		kind, actor := roster.PrincipalFrom(r.Context()).Actor()
		account, scoped := r.PathValue("accountId"), r.Method+" "+r.URL.Path+" "+kind+":"+actor+" "+key
		first, err := a.svc.ReserveIdempotency(r.Context(), account, scoped, requestHash(body))
		if err != nil {
			return err
		}
		if first != nil {
			return replay(w, first)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{header: http.Header{}}
		if herr := next(rec, r); herr != nil {
			a.writeError(rec, r, herr)
		}
		// The answer is kept even if the client has gone away meanwhile.
		ctx := context.WithoutCancel(r.Context())
		if rec.status >= 200 && rec.status < 300 {
			hdr := map[string]string{}
			for _, h := range replayedHeaders {
				if v := rec.header.Get(h); v != "" {
					hdr[h] = v
				}
			}
			hb, _ := json.Marshal(hdr)
			ans := &roster.IdempotentAnswer{RequestHash: requestHash(body), Status: rec.status, Headers: string(hb), Body: rec.body.String()}
			err = a.svc.SaveIdempotency(ctx, account, scoped, ans)
		} else {
			err = a.svc.ReleaseIdempotency(ctx, account, scoped)
		}
		if err != nil {
			logger(r).Error("idempotency key not updated", "err", err)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, err = w.Write(rec.body.Bytes())
		return err
	}
}

// requestHash identifies a request body: compacted JSON when it parses, so
// whitespace does not make two equal requests differ.
func requestHash(body []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, body) == nil {
		body = b.Bytes()
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

func replay(w http.ResponseWriter, a *roster.IdempotentAnswer) error {
	var hdr map[string]string
	_ = json.Unmarshal([]byte(a.Headers), &hdr)
	for k, v := range hdr {
		w.Header().Set(k, v)
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(a.Status)
	_, err := io.WriteString(w, a.Body)
	return err
}

// recorder captures a response so it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
