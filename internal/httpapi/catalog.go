package httpapi

import (
	"net/http"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Ready(r.Context()); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) error {
	var in service.AccountInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	acc, err := a.svc.CreateAccount(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1beta/accounts/"+acc.ID)
	return writeJSON(w, http.StatusCreated, acc)
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.svc.GetAccount(r.Context(), r.PathValue("accountId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, acc)
}

// listParams reads the page parameters, or a 400 naming the bad ones.
func listParams(r *http.Request) (service.ListParams, error) {
	q, err := query(r)
	if err != nil {
		return service.ListParams{}, err
	}
	var vs roster.Violations
	lp := pageParams(q, &vs)
	for k := range q {
		if k != "pageNumber" && k != "pageSize" {
			vs.Add(k, roster.VUnknown, "is not a parameter of this list; use pageNumber and pageSize")
		}
	}
	return lp, vs.Err()
}

func (a *API) listNodes(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListNodes(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "organizationNodes", p)
}

func (a *API) createNode(w http.ResponseWriter, r *http.Request) error {
	var in service.NodeInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	n, err := a.svc.CreateNode(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+n.ID)
	return writeJSON(w, http.StatusCreated, n)
}

func (a *API) getNode(w http.ResponseWriter, r *http.Request) error {
	n, err := a.svc.GetNode(r.Context(), r.PathValue("accountId"), r.PathValue("nodeId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}

func (a *API) replaceNode(w http.ResponseWriter, r *http.Request) error {
	var in service.NodeInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	n, err := a.svc.ReplaceNode(r.Context(), r.PathValue("accountId"), r.PathValue("nodeId"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}

func (a *API) deleteNode(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteNode(r.Context(), r.PathValue("accountId"), r.PathValue("nodeId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listGroups(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListGroups(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "groups", p)
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in service.GroupInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	g, err := a.svc.CreateGroup(r.Context(), r.PathValue("accountId"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+g.ID)
	return writeJSON(w, http.StatusCreated, g)
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := a.svc.GetGroup(r.Context(), r.PathValue("accountId"), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

func (a *API) replaceGroup(w http.ResponseWriter, r *http.Request) error {
	var in service.GroupInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	g, err := a.svc.ReplaceGroup(r.Context(), r.PathValue("accountId"), r.PathValue("groupId"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteGroup(r.Context(), r.PathValue("accountId"), r.PathValue("groupId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) groupMembers(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.GroupMembers(r.Context(), r.PathValue("accountId"), r.PathValue("groupId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "users", p)
}

func (a *API) listQueues(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListQueues(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "queues", p)
}

func (a *API) getQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := a.svc.GetQueue(r.Context(), r.PathValue("accountId"), r.PathValue("queueId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, q)
}

func (a *API) putQueue(w http.ResponseWriter, r *http.Request) error {
	var in service.QueueInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	q, created, err := a.svc.PutQueue(r.Context(), r.PathValue("accountId"), r.PathValue("queueId"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, createdOrOK(created), q)
}

func createdOrOK(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func (a *API) deleteQueue(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteQueue(r.Context(), r.PathValue("accountId"), r.PathValue("queueId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listAttributes(w http.ResponseWriter, r *http.Request) error {
	lp, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListAttributes(r.Context(), r.PathValue("accountId"), lp)
	if err != nil {
		return err
	}
	return writePage(w, r, "attributes", p)
}

func (a *API) getAttribute(w http.ResponseWriter, r *http.Request) error {
	at, err := a.svc.GetAttribute(r.Context(), r.PathValue("accountId"), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, at)
}

func (a *API) putAttribute(w http.ResponseWriter, r *http.Request) error {
	var in service.AttributeInput
	if err := decode(r, &in, true); err != nil {
		return err
	}
	at, created, err := a.svc.PutAttribute(r.Context(), r.PathValue("accountId"), r.PathValue("name"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, createdOrOK(created), at)
}

func (a *API) deleteAttribute(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteAttribute(r.Context(), r.PathValue("accountId"), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listRoles(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.svc.GetAccount(r.Context(), r.PathValue("accountId")); err != nil {
		return err
	}
	type role struct {
		Name string `json:"name"`
	}
	roles := make([]role, len(roster.Roles))
	for i, n := range roster.Roles {
		roles[i] = role{n}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"roles": roles})
}
