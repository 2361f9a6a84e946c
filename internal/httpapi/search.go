package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// searchRequest is the body of users:search.
type searchRequest struct {
	Filter     []searchFilter `json:"filter"`
	OrderBy    string         `json:"orderBy"`
	PageNumber *int           `json:"pageNumber"`
	PageSize   *int           `json:"pageSize"`
}

type searchFilter struct {
	Key           string `json:"key"`
	Operator      string `json:"operator"`
	Value         string `json:"value"`
	Discriminator string `json:"discriminator"`
}

var searchOperators = []string{roster.OpEquals, roster.OpNotEquals, roster.OpStartsWith, roster.OpEndsWith, roster.OpContains}

// parseSearch turns a search body into a filter. Filters join left to
// right: each filter's discriminator (AND by default) joins it to what
// comes before it, so [a, b OR, c AND] is (a OR b) AND c.
func parseSearch(in searchRequest) (roster.UserFilter, error) {
	var vs roster.Violations
	f := roster.UserFilter{Page: 1, PageSize: defaultPageSize}
	if in.PageNumber != nil {
		if *in.PageNumber < 1 || *in.PageNumber > maxPageNumber {
			vs.Add("pageNumber", roster.VOutOfRange, "must be from 1 to %d", maxPageNumber)
		} else {
			f.Page = *in.PageNumber
		}
	}
	if in.PageSize != nil {
		if *in.PageSize < minPageSize || *in.PageSize > maxPageSize {
			vs.Add("pageSize", roster.VOutOfRange, "must be from %d to %d", minPageSize, maxPageSize)
		} else {
			f.PageSize = *in.PageSize
		}
	}
	f.OrderBy, f.Desc = parseOrderBy(in.OrderBy, "orderBy", &vs)
	if len(in.Filter) > 20 {
		vs.Add("filter", roster.VTooMany, "must have at most 20 filters")
	}
	for i, sf := range in.Filter {
		path := fmt.Sprintf("filter[%d]", i)
		if !contains(userFilterKeys, sf.Key) {
			vs.Add(path+".key", roster.VInvalid, "must be one of %s", strings.Join(userFilterKeys, ", "))
		}
		checkFilterValue(&vs, path+".value", sf.Value)
		ops := searchOperators
		if sf.Key == "role" || sf.Key == "groupId" {
			ops = searchOperators[:2]
		}
		if !contains(ops, sf.Operator) {
			vs.Add(path+".operator", roster.VInvalid, "must be one of %s for %s", strings.Join(ops, ", "), sf.Key)
		}
		join := sf.Discriminator
		if join == "" {
			join = roster.JoinAnd
		}
		if join != roster.JoinAnd && join != roster.JoinOr {
			vs.Add(path+".discriminator", roster.VInvalid, "must be AND or OR")
		}
		c := &roster.Condition{Key: sf.Key, Operator: sf.Operator, Value: sf.Value}
		if f.Where == nil {
			f.Where = c
		} else {
			f.Where = &roster.Condition{Join: join, Left: f.Where, Right: c}
		}
	}
	return f, vs.Err()
}

func (a *API) searchUsers(w http.ResponseWriter, r *http.Request) error {
	var in searchRequest
	if err := decode(r, &in, true); err != nil {
		return err
	}
	f, err := parseSearch(in)
	if err != nil {
		return err
	}
	p, err := a.svc.ListUsers(r.Context(), r.PathValue("accountId"), f)
	if err != nil {
		return err
	}
	return writePage(w, r, "users", p)
}
