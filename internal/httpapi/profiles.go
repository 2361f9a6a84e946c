package httpapi

import (
	"net/http"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

func writeProfile(w http.ResponseWriter, status int, res *service.ProfileResult) error {
	w.Header().Set("ETag", etag(res.Version))
	return writeJSON(w, status, res.Profile)
}

func (a *API) createProfile(w http.ResponseWriter, r *http.Request) error {
	var in roster.ProfileInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	res, err := a.svc.CreateProfile(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+res.Profile.ID)
	return writeProfile(w, http.StatusAccepted, res)
}

func (a *API) getProfile(w http.ResponseWriter, r *http.Request) error {
	res, err := a.svc.GetProfile(r.Context(), r.PathValue("accountId"), r.PathValue("profileId"))
	if err != nil {
		return err
	}
	return writeProfile(w, http.StatusOK, res)
}

func (a *API) replaceProfile(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in roster.ProfileInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	res, err := a.svc.ReplaceProfile(r.Context(), r.PathValue("accountId"), r.PathValue("profileId"), in, version)
	if err != nil {
		return err
	}
	return writeProfile(w, http.StatusAccepted, res)
}

func (a *API) deleteProfile(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteProfile(r.Context(), r.PathValue("accountId"), r.PathValue("profileId"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listProfiles(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListProfiles(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "profiles", p)
}

func (a *API) profileStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.ProfileStatus(r.Context(), r.PathValue("accountId"), r.PathValue("profileId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (a *API) listProfileStatuses(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProfileIDs []string `json:"profileIds"`
	}
	if err := decode(r, &in, false); err != nil {
		return err
	}
	sts, err := a.svc.ListProfileStatuses(r.Context(), r.PathValue("accountId"), in.ProfileIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sts)
}
