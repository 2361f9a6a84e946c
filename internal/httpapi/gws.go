package httpapi

import (
	"net/http"
	"strings"

	"github.com/roster-cc/roster/internal/dialect/gws"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// The Genesys Web Services dialect (seed 002, API.md §6): every answer
// carries statusCode; errors carry statusMessage and nothing else. The
// routes answer under /api/v2 for the caller's own account and under
// /gws/accounts/{accountId}/api/v2 for callers bound to none.

const (
	gwsOwn  = "/api/v2"
	gwsAcct = "/gws/accounts/{accountId}/api/v2"
)

func isGWSPath(p string) bool {
	return strings.HasPrefix(p, gwsOwn+"/") || strings.HasPrefix(p, "/gws/")
}

// gwsAccount is the account of a GWS call: the path's, or the caller's.
func gwsAccount(r *http.Request) (string, error) {
	if a := r.PathValue("accountId"); a != "" {
		return a, nil
	}
	if p := roster.PrincipalFrom(r.Context()); p != nil && p.AccountID != "" {
		return p.AccountID, nil
	}
	return "", roster.Errorf(roster.EFORBIDDEN, "This credential belongs to no account: use /gws/accounts/{accountId}/api/v2.")
}

// gwsBase is the URI prefix of the GWS API the request came through.
func gwsBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	i := strings.Index(r.URL.Path, gwsOwn+"/")
	return scheme + "://" + r.Host + r.URL.Path[:i] + gwsOwn
}

// gwsField names a core violation's field as GWS does.
func gwsField(f string) string {
	switch {
	case f == "loginId":
		return "userName"
	case strings.HasPrefix(f, "features.matching"):
		return "skills"
	}
	return f
}

func gwsOK(w http.ResponseWriter, key string, v any) error {
	body := map[string]any{"statusCode": gws.StatusOK}
	if key != "" {
		body[key] = v
	}
	return writeJSON(w, http.StatusOK, body)
}

// subresources reads the fields and subresources parameters (only * is
// known) and refuses any other.
func subresources(r *http.Request) (fields, sub bool, err error) {
	var vs roster.Violations
	for k, vals := range r.URL.Query() {
		switch {
		case (k == "fields" || k == "subresources") && len(vals) == 1 && vals[0] == "*":
			fields, sub = true, sub || k == "subresources"
		case k == "fields" || k == "subresources":
			vs.Add(k, roster.VInvalid, "must be *")
		default:
			vs.Add(k, roster.VUnknown, "is not a parameter here: use fields=* or subresources=*")
		}
	}
	return fields, sub, vs.Err()
}

func (a *API) gwsList(w http.ResponseWriter, r *http.Request) error {
	acct, err := gwsAccount(r)
	if err != nil {
		return err
	}
	fields, sub, err := subresources(r)
	if err != nil {
		return err
	}
	all, err := a.svc.AllUserRecords(r.Context(), acct)
	if err != nil {
		return err
	}
	base := gwsBase(r)
	if !fields {
		uris := make([]string, len(all))
		for i, res := range all {
			uris[i] = base + "/users/" + gws.ID(res.Stored.ID)
		}
		return gwsOK(w, "uris", uris)
	}
	users := make([]*gws.User, len(all))
	for i, res := range all {
		if users[i], err = gws.FromCanonical(res.Stored, res.View, base, sub); err != nil {
			return err
		}
	}
	return gwsOK(w, "users", users)
}

// gwsUser reads the user of the path (or the caller's, for /me).
func (a *API) gwsUser(r *http.Request) (acct string, res *service.UserResult, err error) {
	acct, err = gwsAccount(r)
	if err != nil {
		return "", nil, err
	}
	id := gws.UserID(r.PathValue("id"))
	if r.PathValue("id") == "" { // /me
		p := roster.PrincipalFrom(r.Context())
		if p.Kind != roster.KindUser {
			return "", nil, roster.Errorf(roster.EFORBIDDEN, "Only a user has a /me; this credential is not a user's.")
		}
		id = p.ID
	}
	if id == "" {
		return "", nil, roster.NotFound("User")
	}
	res, err = a.svc.UserRecord(r.Context(), acct, id)
	return acct, res, err
}

func (a *API) gwsGet(w http.ResponseWriter, r *http.Request) error {
	_, sub, err := subresources(r)
	if err != nil {
		return err
	}
	_, res, err := a.gwsUser(r)
	if err != nil {
		return err
	}
	u, err := gws.FromCanonical(res.Stored, res.View, gwsBase(r), sub)
	if err != nil {
		return err
	}
	return gwsOK(w, "user", u)
}

func (a *API) gwsCreate(w http.ResponseWriter, r *http.Request) error {
	acct, err := gwsAccount(r)
	if err != nil {
		return err
	}
	var u gws.User
	if err := decode(r, &u, false); err != nil {
		return err
	}
	if err := u.Validate(true).Err(); err != nil {
		return err
	}
	in, err := u.Input(acct, nil, nil)
	if err != nil {
		return err
	}
	res, err := a.svc.CreateUser(r.Context(), acct, in)
	if err != nil {
		return renameFields(err, gwsField)
	}
	id := gws.ID(res.Stored.ID)
	return writeJSON(w, http.StatusOK, map[string]any{"statusCode": gws.StatusOK, "id": id,
		"path": "/users/" + id, "uri": gwsBase(r) + "/users/" + id})
}

// gwsEdit changes the user of the path with edit, as GWS answers a change.
func (a *API) gwsEdit(w http.ResponseWriter, r *http.Request, edit func(cur *service.UserResult) (roster.UserInput, error)) error {
	acct, id, err := gwsTarget(r)
	if err != nil {
		return err
	}
	if _, err := a.svc.EditUser(r.Context(), acct, id, edit); err != nil {
		return renameFields(err, gwsField)
	}
	return gwsOK(w, "", nil)
}

func (a *API) gwsUpdate(w http.ResponseWriter, r *http.Request) error {
	var u gws.User
	if err := decode(r, &u, false); err != nil {
		return err
	}
	if err := u.Validate(false).Err(); err != nil {
		return err
	}
	acct, err := gwsAccount(r)
	if err != nil {
		return err
	}
	return a.gwsEdit(w, r, func(cur *service.UserResult) (roster.UserInput, error) {
		return u.Input(acct, cur.Stored, &cur.View)
	})
}

// gwsTarget is the account and the canonical user id of a call on /users/{id}.
func gwsTarget(r *http.Request) (acct, id string, err error) {
	if acct, err = gwsAccount(r); err != nil {
		return "", "", err
	}
	if id = gws.UserID(r.PathValue("id")); id == "" {
		return "", "", roster.NotFound("User")
	}
	return acct, id, nil
}

func (a *API) gwsDelete(w http.ResponseWriter, r *http.Request) error {
	acct, id, err := gwsTarget(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteUser(r.Context(), acct, id, nil); err != nil {
		return err
	}
	return gwsOK(w, "", nil)
}

func (a *API) gwsSkills(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return roster.Errorf(roster.EINVALID, "This call takes no parameters.")
	}
	_, res, err := a.gwsUser(r)
	if err != nil {
		return err
	}
	skills, err := gws.SkillsOf(res.Stored, res.View)
	if err != nil {
		return err
	}
	return gwsOK(w, "skills", skills)
}

// skillInput is the body of a skill's assignment or removal.
type skillInput struct {
	Name  string `json:"name"`
	Level *int   `json:"level"`
}

// skillOf reads the skill of an assignment (add: name and level) or a
// removal (the name, from the body or ?name=).
func skillOf(r *http.Request, add bool) (gws.Skill, error) {
	var in skillInput
	q := r.URL.Query()
	for k, vals := range q {
		if add || k != "name" || len(vals) > 1 {
			return gws.Skill{}, roster.Invalid(roster.Violation{Field: k, Code: roster.VUnknown, Message: "is not a parameter here (DELETE takes one ?name=)"})
		}
	}
	switch {
	case !add && q.Has("name") && r.ContentLength > 0:
		return gws.Skill{}, roster.Invalid(roster.Violation{Field: "name", Code: roster.VInvalid, Message: "give the name in the body or as ?name=, not both"})
	case !add && q.Has("name"):
		in.Name = q.Get("name")
	default:
		if err := decode(r, &in, !add); err != nil {
			return gws.Skill{}, err
		}
	}
	var vs roster.Violations
	if strings.TrimSpace(in.Name) == "" {
		vs.Add("name", roster.VRequired, "is required")
	}
	switch {
	case add && in.Level == nil:
		vs.Add("level", roster.VRequired, "is required: a whole number from 0")
	case add && *in.Level < 0:
		vs.Add("level", roster.VOutOfRange, "must be a whole number from 0")
	}
	s := gws.Skill{Name: in.Name}
	if in.Level != nil {
		s.Level = *in.Level
	}
	return s, vs.Err()
}

func (a *API) gwsAddSkill(w http.ResponseWriter, r *http.Request) error {
	s, err := skillOf(r, true)
	if err != nil {
		return err
	}
	return a.gwsEdit(w, r, func(cur *service.UserResult) (roster.UserInput, error) {
		return gws.WithSkill(cur.Stored, cur.View, s, true)
	})
}

func (a *API) gwsRemoveSkill(w http.ResponseWriter, r *http.Request) error {
	s, err := skillOf(r, false)
	if err != nil {
		return err
	}
	return a.gwsEdit(w, r, func(cur *service.UserResult) (roster.UserInput, error) {
		return gws.WithSkill(cur.Stored, cur.View, s, false)
	})
}
