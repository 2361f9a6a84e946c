package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// oauthToken is the OAuth 2.0 token endpoint (RFC 6749 §4.4, client
// credentials). The client authenticates with HTTP Basic or with client_id
// and client_secret in the form. Errors are problem details that also
// carry RFC 6749 §5.2's error and error_description.
func (a *API) oauthToken(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	oauthErr := func(code string, err error) error { return &oauthError{code: code, err: err} }
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		return oauthErr("invalid_request", roster.Errorf(roster.EUNSUPPORTED, "The body must be application/x-www-form-urlencoded."))
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return roster.Errorf(roster.ETOOLARGE, "The request body is larger than %d bytes.", MaxBody)
		}
		return oauthErr("invalid_request", roster.Invalid(roster.Violation{Code: roster.VSyntax, Message: "the form is malformed"}))
	}
	form := r.PostForm
	var vs roster.Violations
	for k, v := range form {
		if len(v) > 1 {
			vs.Add(k, roster.VDuplicate, "is given %d times; give it once", len(v))
		} else if !plainText(k) || !plainText(v[0]) {
			return oauthErr("invalid_request", roster.Invalid(roster.Violation{Code: roster.VInvalidChars,
				Message: "the form must be UTF-8 without the NUL character"}))
		}
	}
	if g := form.Get("grant_type"); g != "client_credentials" {
		code := "unsupported_grant_type"
		if g == "" {
			code = "invalid_request"
		}
		vs.Add("grant_type", roster.VInvalid, "must be client_credentials")
		return oauthErr(code, vs.Err())
	}
	if err := vs.Err(); err != nil {
		return oauthErr("invalid_request", err)
	}
	id, secret, basic, err := clientCredentials(r, form)
	if err != nil {
		return oauthErr("invalid_request", err)
	}
	tok, err := a.svc.ClientToken(r.Context(), id, secret, strings.Fields(form.Get("scope")))
	switch roster.ErrorCode(err) {
	case "":
		return writeJSON(w, http.StatusOK, tok)
	case roster.EUNAUTHORIZED:
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="roster"`)
		}
		return oauthErr("invalid_client", err)
	case roster.EFORBIDDEN:
		return oauthErr("invalid_scope", roster.Invalid(roster.Violation{Field: "scope", Code: roster.VInvalid, Message: roster.ErrorMessage(err)}))
	}
	return err
}

// clientCredentials are the client's id and secret, from HTTP Basic (each
// form-encoded, RFC 6749 §2.3.1) or from the form, never both.
func clientCredentials(r *http.Request, form url.Values) (id, secret string, basic bool, err error) {
	id, secret, basic = r.BasicAuth()
	if !basic {
		return form.Get("client_id"), form.Get("client_secret"), false, nil
	}
	if form.Has("client_id") || form.Has("client_secret") {
		return "", "", true, roster.Invalid(roster.Violation{Field: "client_id", Code: roster.VInvalid,
			Message: "authenticate with HTTP Basic or with the form, not both"})
	}
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if !plainText(id) || !plainText(secret) {
		return "", "", true, nil // no such client
	}
	return id, secret, true, nil
}

// oauthError is an error of the token endpoint with its RFC 6749 code.
type oauthError struct {
	code string
	err  error
}

func (e *oauthError) Error() string { return e.code + ": " + e.err.Error() }
func (e *oauthError) Unwrap() error { return e.err }

// login is a user's password login: it answers an access token.
func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	var in service.LoginInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	tok, err := a.svc.Login(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tok)
}

// logout revokes the token the request was made with.
func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Revoke(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me answers the calling user, in its effective view.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	p := roster.PrincipalFrom(r.Context())
	if p == nil || p.Kind != roster.KindUser {
		return roster.Errorf(roster.EFORBIDDEN, "Only a user has a /me; this credential is not a user's.")
	}
	res, err := a.svc.GetUser(r.Context(), p.AccountID, p.ID, false)
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusOK, res)
}

func (a *API) listClients(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListClients(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "clients", p)
}

func (a *API) createClient(w http.ResponseWriter, r *http.Request) error {
	var in roster.ClientInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	c, err := a.svc.CreateClient(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", r.URL.Path+"/"+c.ClientID)
	return writeJSON(w, http.StatusCreated, c)
}

func (a *API) getClient(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.GetClient(r.Context(), r.PathValue("accountId"), r.PathValue("clientId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *API) deleteClient(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteClient(r.Context(), r.PathValue("accountId"), r.PathValue("clientId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getPasswordPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := a.svc.PasswordPolicy(r.Context(), r.PathValue("accountId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) putPasswordPolicy(w http.ResponseWriter, r *http.Request) error {
	var in roster.PasswordPolicy
	if err := decode(r, &in, false); err != nil {
		return err
	}
	p, err := a.svc.SetPasswordPolicy(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

var auditKeys = []string{"pageNumber", "pageSize", "from", "to", "actorId", "resourceType", "resourceId", "action"}

func (a *API) listAuditRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r)
	if err != nil {
		return err
	}
	var vs roster.Violations
	for key := range q {
		if !contains(auditKeys, key) {
			vs.Add(key, roster.VUnknown, "is not a filter; use one of %s", strings.Join(auditKeys[2:], ", "))
		}
	}
	lp := pageParams(q, &vs)
	f := roster.AuditFilter{Page: lp.Page, PageSize: lp.PageSize, ActorID: q.Get("actorId"),
		ResourceType: q.Get("resourceType"), ResourceID: q.Get("resourceId"), Action: q.Get("action")}
	f.From, f.To = timeParam(q, "from", &vs), timeParam(q, "to", &vs)
	for _, k := range []string{"actorId", "resourceType", "resourceId", "action"} {
		if q.Has(k) {
			checkFilterValue(&vs, k, q.Get(k))
		}
	}
	if err := vs.Err(); err != nil {
		return err
	}
	p, err := a.svc.ListAudit(r.Context(), r.PathValue("accountId"), f)
	if err != nil {
		return err
	}
	return writePage(w, r, "auditRecords", p)
}

// timeParam reads an RFC 3339 time from the query.
func timeParam(q url.Values, name string, vs *roster.Violations) time.Time {
	s := q.Get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		vs.Add(name, roster.VInvalid, "must be an RFC 3339 time such as 2026-11-23T10:00:00Z")
	}
	return t
}
