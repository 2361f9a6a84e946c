package httpapi

import (
	"net/http"
	"strings"

	"github.com/roster-cc/roster/internal/dialect/vonage"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// The Vonage Contact Center dialect (seed 001, docs/dialects.md): the same
// users, in Vonage's shapes, through the same use-cases. Errors are
// problem+json with violations named by Vonage's field paths.

const vcc = "/vcc/accounts/{accountId}"

// vonageField names a canonical field a core violation can be about by
// its Vonage path.
func vonageField(f string) string {
	switch {
	case f == "loginId":
		return "username"
	case f == "firstName" || f == "lastName":
		return "name"
	case strings.HasPrefix(f, "features.voice"):
		return "userAccountConfiguration.agentConfiguration"
	}
	return f
}

// decodeVonage reads a Vonage user and checks Vonage's rules.
func decodeVonage(r *http.Request) (*vonage.User, error) {
	var v vonage.User
	if err := decode(r, &v, false); err != nil {
		return nil, err
	}
	return &v, v.Validate().Err()
}

func (a *API) vonageCreate(w http.ResponseWriter, r *http.Request) error {
	acct := r.PathValue("accountId")
	v, err := decodeVonage(r)
	if err != nil {
		return err
	}
	in, err := v.Input(acct, nil, nil)
	if err != nil {
		return err
	}
	res, err := a.svc.CreateUser(r.Context(), acct, in)
	if err != nil {
		return renameFields(err, vonageField)
	}
	return writeVonage(w, res)
}

func (a *API) vonageReplace(w http.ResponseWriter, r *http.Request) error {
	acct := r.PathValue("accountId")
	v, err := decodeVonage(r)
	if err != nil {
		return err
	}
	res, err := a.svc.EditUser(r.Context(), acct, r.PathValue("userId"), func(cur *service.UserResult) (roster.UserInput, error) {
		return v.Input(acct, cur.Stored, &cur.View)
	})
	if err != nil {
		return renameFields(err, vonageField)
	}
	return writeVonage(w, res)
}

func (a *API) vonageGet(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return roster.Errorf(roster.EINVALID, "This call takes no parameters.")
	}
	res, err := a.svc.UserRecord(r.Context(), r.PathValue("accountId"), r.PathValue("userId"))
	if err != nil {
		return err
	}
	return writeVonage(w, res)
}

// vonageList answers every user of the account as a JSON array.
func (a *API) vonageList(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return roster.Errorf(roster.EINVALID, "This list takes no parameters.")
	}
	all, err := a.svc.AllUserRecords(r.Context(), r.PathValue("accountId"))
	if err != nil {
		return err
	}
	out := make([]*vonage.User, len(all))
	for i, res := range all {
		if out[i], err = vonage.FromCanonical(res.Stored, res.View, res.Locked); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) vonageDelete(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteUser(r.Context(), r.PathValue("accountId"), r.PathValue("userId"), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func writeVonage(w http.ResponseWriter, res *service.UserResult) error {
	u, err := vonage.FromCanonical(res.Stored, res.View, res.Locked)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}
