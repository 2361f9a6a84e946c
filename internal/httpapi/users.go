package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

func writeUser(w http.ResponseWriter, status int, res *service.UserResult) error {
	tag := etag(res.Version)
	if res.ProfileVersion > 0 {
		tag = `"` + strconv.FormatInt(res.Version, 10) + "-" + strconv.FormatInt(res.ProfileVersion, 10) + `"`
	}
	w.Header().Set("ETag", tag)
	return writeJSON(w, status, res.View)
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var in roster.UserInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	res, err := a.svc.CreateUser(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+res.View.ID)
	return writeUser(w, http.StatusAccepted, res)
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r)
	if err != nil {
		return err
	}
	view := q.Get("view")
	if view != "" && view != "own" && view != "effective" {
		return roster.Invalid(roster.Violation{Field: "view", Code: roster.VInvalid, Message: "must be effective or own"})
	}
	res, err := a.svc.GetUser(r.Context(), r.PathValue("accountId"), r.PathValue("userId"), view == "own")
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusOK, res)
}

func (a *API) replaceUser(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in roster.UserInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	res, err := a.svc.ReplaceUser(r.Context(), r.PathValue("accountId"), r.PathValue("userId"), in, version)
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusAccepted, res)
}

func (a *API) deleteUser(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteUser(r.Context(), r.PathValue("accountId"), r.PathValue("userId"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) userStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.UserStatus(r.Context(), r.PathValue("accountId"), r.PathValue("userId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (a *API) listUserStatuses(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UserIDs []string `json:"userIds"`
	}
	if err := decode(r, &in, false); err != nil {
		return err
	}
	sts, err := a.svc.ListUserStatuses(r.Context(), r.PathValue("accountId"), in.UserIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sts)
}

// userFilterKeys are the query parameters that filter users; all must match.
var userFilterKeys = []string{"loginId", "firstName", "lastName", "profileId", "organizationNodeId", "groupId", "role"}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r)
	if err != nil {
		return err
	}
	var vs roster.Violations
	lp := pageParams(q, &vs)
	f := roster.UserFilter{Page: lp.Page, PageSize: lp.PageSize}
	f.OrderBy, f.Desc = parseOrderBy(q.Get("orderBy"), "orderBy", &vs)
	for key := range q {
		if !contains(userFilterKeys, key) && !contains([]string{"pageNumber", "pageSize", "orderBy"}, key) {
			vs.Add(key, roster.VUnknown, "is not a filter; use one of %s", strings.Join(userFilterKeys, ", "))
		}
	}
	for _, key := range userFilterKeys {
		if c := queryCondition(q, key); c != nil {
			checkFilterValue(&vs, key, c.Value)
			f.Where = and(f.Where, c)
		}
	}
	if err := vs.Err(); err != nil {
		return err
	}
	p, err := a.svc.ListUsers(r.Context(), r.PathValue("accountId"), f)
	if err != nil {
		return err
	}
	return writePage(w, r, "users", p)
}

// queryCondition turns ?key=value into a condition; a * at the start or end
// of a string value is a wildcard (alex* starts with alex).
func queryCondition(q url.Values, key string) *roster.Condition {
	v, ok := q[key]
	if !ok || len(v) == 0 {
		return nil
	}
	val := v[0]
	op := roster.OpEquals
	if key != "role" && key != "groupId" {
		pre, suf := strings.HasPrefix(val, "*"), strings.HasSuffix(val, "*") && len(val) > 1
		val = strings.TrimSuffix(strings.TrimPrefix(val, "*"), "*")
		switch {
		case pre && suf:
			op = roster.OpContains
		case pre:
			op = roster.OpEndsWith
		case suf:
			op = roster.OpStartsWith
		}
	}
	return &roster.Condition{Key: key, Operator: op, Value: val}
}

func and(a, b *roster.Condition) *roster.Condition {
	if a == nil {
		return b
	}
	return &roster.Condition{Join: roster.JoinAnd, Left: a, Right: b}
}

// maxFilterValue is the longest filter value: the longest field there is.
const maxFilterValue = roster.MaxName

func checkFilterValue(vs *roster.Violations, field, v string) {
	switch {
	case v == "":
		vs.Add(field, roster.VRequired, "needs a value")
	case len([]rune(v)) > maxFilterValue:
		vs.Add(field, roster.VTooLong, "must be at most %d characters", maxFilterValue)
	}
}

func parseOrderBy(s, field string, vs *roster.Violations) (string, bool) {
	if s == "" {
		return "", false
	}
	parts := strings.Fields(s)
	if len(parts) == 0 || len(parts) > 2 || !contains([]string{"loginId", "firstName", "lastName"}, parts[0]) ||
		len(parts) == 2 && !contains([]string{"asc", "desc"}, strings.ToLower(parts[1])) {
		vs.Add(field, roster.VInvalid, `must be "loginId", "firstName" or "lastName", optionally followed by asc or desc`)
		return "", false
	}
	return parts[0], len(parts) == 2 && strings.ToLower(parts[1]) == "desc"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
