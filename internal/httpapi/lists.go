package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// Page sizes of lists (API.md §5).
const (
	defaultPageSize = 10
	minPageSize     = 5
	maxPageSize     = 100
	// maxPageNumber keeps a page's offset (pageNumber × pageSize) far
	// from overflowing.
	maxPageNumber = 1 << 30
)

// query parses the request's query string strictly: a malformed one, or a
// parameter given twice, is a 400 rather than silently ignored.
func query(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, roster.Invalid(roster.Violation{Field: "", Code: roster.VSyntax, Message: "the query string is malformed: " + err.Error()})
	}
	var vs roster.Violations
	for k, v := range q {
		if len(v) > 1 {
			vs.Add(k, roster.VDuplicate, "is given %d times; give it once", len(v))
		}
	}
	return q, vs.Err()
}

// pageParams reads pageNumber and pageSize from the query.
func pageParams(q url.Values, vs *roster.Violations) service.ListParams {
	lp := service.ListParams{Page: 1, PageSize: defaultPageSize}
	lp.Page = intParam(q, "pageNumber", 1, 1, maxPageNumber, vs)
	lp.PageSize = intParam(q, "pageSize", defaultPageSize, minPageSize, maxPageSize, vs)
	return lp
}

func intParam(q url.Values, name string, def, min, max int, vs *roster.Violations) int {
	s := q.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		vs.Add(name, roster.VOutOfRange, "must be an integer from %d to %d", min, max)
		return def
	}
	return n
}

type pagination struct {
	PageNumber int `json:"pageNumber"`
	PageSize   int `json:"pageSize"`
	Total      int `json:"total"`
}

type links struct {
	Prev string `json:"prev,omitempty"`
	Next string `json:"next,omitempty"`
}

// writePage writes a list answer: pagination, the items under key, links.
func writePage[T any](w http.ResponseWriter, r *http.Request, key string, p roster.Page[T]) error {
	body := map[string]any{
		"pagination": pagination{p.PageNumber, p.PageSize, p.Total},
		key:          p.Items,
		"links":      pageLinks(r, p.PageNumber, p.PageSize, p.Total),
	}
	return writeJSON(w, http.StatusOK, body)
}

func pageLinks(r *http.Request, page, size, total int) links {
	var l links
	if r.Method != http.MethodGet {
		// A search pages through its body's pageNumber; there is no URL to link.
		return l
	}
	at := func(n int) string {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		q.Set("pageNumber", strconv.Itoa(n))
		q.Set("pageSize", strconv.Itoa(size))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		l.Prev = at(page - 1)
	}
	if page*size < total {
		l.Next = at(page + 1)
	}
	return l
}
