package httpapi

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// guard authenticates the caller of a route, keeps callers inside their
// account, applies the rate limits and the route's access rule, and hands
// the principal to the service through the context.
//
// A caller of one account asking for anything under another account gets
// the answer for an account that does not exist; a caller of the account
// without the right gets 403.
//
// Rate limits: requests without a credential (logins, token grants) and
// failed authentications count against the client's IP; an authenticated
// request counts against its principal and its account. The health checks
// are never limited (load balancers poll them).
func (a *API) guard(rt route, next handlerFunc) handlerFunc {
	params := pathParams(rt.path)
	return func(w http.ResponseWriter, r *http.Request) error {
		lim := a.limits.Load()
		if lim == nil {
			lim = &limiters{}
		}
		ip := "ip:" + clientIP(r)
		if rt.access == roster.AccessPublic {
			if rt.path == "/healthz" || rt.path == "/readyz" {
				return next(w, r)
			}
			if err := a.limit(lim.perCredential, ip, w); err != nil {
				return err
			}
			return next(w, r)
		}
		p, err := a.authenticate(w, r, lim, ip)
		if err != nil {
			return err
		}
		account := r.PathValue("accountId")
		if p.Kind != roster.KindOperator && account != "" && account != p.AccountID {
			return roster.NotFound("Account")
		}
		if account == "" && isGWSPath(rt.path) {
			account = p.AccountID // GWS's /api/v2: the caller's own account
		}
		if err := a.limit(lim.perCredential, "cred:"+p.Kind+":"+p.AccountID+":"+p.ID, w); err != nil {
			return err
		}
		if p.AccountID != "" {
			if err := a.limit(lim.perAccount, "acct:"+p.AccountID, w); err != nil {
				return err
			}
		}
		if !p.Allows(rt.access, account) {
			return roster.Errorf(roster.EFORBIDDEN, "This credential may not %s %s.", r.Method, r.URL.Path)
		}
		if err := checkPath(r, rt.method, params); err != nil {
			return err
		}
		return next(w, r.WithContext(roster.WithPrincipal(r.Context(), p)))
	}
}

// authenticate returns the caller of a request with a bearer token or, on
// the GWS routes, HTTP Basic (a user's login name and password). Failed
// authentications and Basic attempts spend the address's budget.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request, lim *limiters, ip string) (*roster.Principal, error) {
	gwsRoute := isGWSPath(r.URL.Path)
	challenge := `Bearer realm="roster"`
	if gwsRoute {
		challenge = `Basic realm="roster", Bearer realm="roster"`
	}
	if user, pass, ok := r.BasicAuth(); ok && gwsRoute {
		if err := a.limit(lim.perCredential, ip, w); err != nil {
			return nil, err
		}
		p, err := a.svc.AuthenticateBasic(r.Context(), r.PathValue("accountId"), user, pass)
		if roster.ErrorCode(err) == roster.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", challenge)
		}
		return p, err
	}
	bearer, ok := bearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", challenge)
		if gwsRoute {
			return nil, roster.Errorf(roster.EUNAUTHORIZED, "This needs a credential: HTTP Basic (userName and password) or Authorization: Bearer <access token>.")
		}
		return nil, roster.Errorf(roster.EUNAUTHORIZED, "This needs a credential: send Authorization: Bearer <access token>.")
	}
	p, err := a.svc.Authenticate(r.Context(), bearer)
	if roster.ErrorCode(err) == roster.EUNAUTHORIZED {
		// Bad tokens spend the address's budget (valid ones from the same
		// address, say behind a load balancer, do not).
		if err := a.limit(lim.perCredential, ip, w); err != nil {
			return nil, err
		}
		w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token"`)
	}
	return p, err
}

// pathParams names the {parameters} of a route pattern.
func pathParams(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			out = append(out, strings.TrimSuffix(name, "}"))
		}
	}
	return out
}

// checkPath refuses path values that are not UTF-8 or hold NUL: no
// resource has such an id (404), and a PUT that creates under the
// client's own key (a queue, an attribute) is told the key is invalid.
func checkPath(r *http.Request, method string, params []string) error {
	for _, name := range params {
		if plainText(r.PathValue(name)) {
			continue
		}
		if method == http.MethodPut && (name == "name" || name == "queueId") {
			return roster.Invalid(roster.Violation{Field: name, Code: roster.VInvalidChars,
				Message: "must be UTF-8 without the NUL character"})
		}
		return roster.Errorf(roster.ENOTFOUND, "No such resource.")
	}
	return nil
}

// limit takes a request from key's budget, or answers 429 with Retry-After.
func (a *API) limit(l *limiter, key string, w http.ResponseWriter) error {
	ok, wait := l.allow(key, time.Now())
	if ok {
		return nil
	}
	return tooMany(w, wait)
}

// tooMany is the 429 answer, with Retry-After in whole seconds.
func tooMany(w http.ResponseWriter, wait time.Duration) error {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return roster.Errorf(roster.ETOOMANY, "Too many requests; retry after %d seconds.", secs)
}

// bearerToken returns the token of an Authorization: Bearer header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
