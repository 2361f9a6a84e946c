package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// staleReservation is how long a key may stay reserved by a request that
// never answered (its process died) before another request takes it over.
const staleReservation = time.Minute

// replayedHeaders are the headers of the first answer that a replay repeats.
var replayedHeaders = []string{"Content-Type", "ETag", "Location"}

// idempotent makes a POST honour Idempotency-Key: the same key and body
// within 24 hours get the first answer again; another body with the same
// key, or the same key while the first request is still running, is 409.
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
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
		hash := hex.EncodeToString(sum[:])
		account := r.PathValue("accountId")
		first, err := a.reserve(r, account, key, hash)
		if err != nil || first != nil {
			if first != nil {
				return replay(w, first)
			}
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{header: http.Header{}}
		herr := next(rec, r)
		if herr != nil {
			a.writeError(rec, r, herr)
		}
		ctx := r.Context()
		if rec.status >= 500 {
			_ = a.store.Write(ctx, func(tx roster.Tx) error { return tx.DeleteIdempotency(ctx, account, key) })
		} else {
			hdr := map[string]string{}
			for _, h := range replayedHeaders {
				if v := rec.header.Get(h); v != "" {
					hdr[h] = v
				}
			}
			hb, _ := json.Marshal(hdr)
			ans := &roster.IdempotentAnswer{RequestHash: hash, Status: rec.status, Headers: string(hb), Body: rec.body.String()}
			if err := a.store.Write(ctx, func(tx roster.Tx) error { return tx.PutIdempotency(ctx, account, key, ans) }); err != nil {
				logger(r).Error("idempotency answer not stored", "err", err)
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, err = w.Write(rec.body.Bytes())
		return err
	}
}

// reserve returns the stored first answer for the key, or reserves the key
// for this request (nil, nil).
func (a *API) reserve(r *http.Request, account, key, hash string) (*roster.IdempotentAnswer, error) {
	ctx := r.Context()
	var first *roster.IdempotentAnswer
	err := a.store.Write(ctx, func(tx roster.Tx) error {
		got, err := tx.GetIdempotency(ctx, account, key)
		if err != nil {
			return err
		}
		if got != nil && got.Status == 0 && tx.Now().Sub(got.CreatedAt) > staleReservation {
			if err := tx.DeleteIdempotency(ctx, account, key); err != nil {
				return err
			}
			got = nil
		}
		switch {
		case got == nil:
			return tx.PutIdempotency(ctx, account, key, &roster.IdempotentAnswer{RequestHash: hash})
		case got.RequestHash != hash:
			return roster.Errorf(roster.ECONFLICT, "Idempotency-Key %q was used with another request body.", key)
		case got.Status == 0:
			return roster.Errorf(roster.ECONFLICT, "A request with Idempotency-Key %q is still being answered; retry shortly.", key)
		}
		first = got
		return nil
	})
	return first, err
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
