package e2e

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// TestAuditRecords: every change writes who did what to which resource and
// which fields; failed requests write nothing; the list filters and pages.
func TestAuditRecords(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	start := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	audit := func(q string) []map[string]any {
		t.Helper()
		r := s.must(200, "GET", te.path("/auditRecords?%s", q), nil)
		var out []map[string]any
		for _, v := range r.obj()["auditRecords"].([]any) {
			out = append(out, v.(map[string]any))
		}
		return out
	}
	total := func(q string) float64 {
		return s.must(200, "GET", te.path("/auditRecords?%s", q), nil).obj()["pagination"].(map[string]any)["total"].(float64)
	}
	all := total("")
	// A change by the admin user: the record names the user and the fields.
	g := s.must(201, "POST", te.path("/groups"), map[string]any{"name": "Audited"}, te.as("adminUser")...).obj()["groupId"].(string)
	s.must(200, "PUT", te.path("/groups/%s", g), map[string]any{"name": "Audited 2", "description": "now with one"}, te.as("adminClient")...)
	got := audit("resourceId=" + g)
	if len(got) != 2 {
		t.Fatalf("audit records of group %s = %v, want 2", g, got)
	}
	upd, cre := got[0], got[1]
	for _, c := range []struct {
		rec                        map[string]any
		action, actorType, actorID string
		fields                     []any
	}{
		{cre, "create", "user", te.adminID, []any{"groupId", "name"}},
		{upd, "update", "client", te.clientID, []any{"description", "name"}},
	} {
		if c.rec["action"] != c.action || c.rec["actorType"] != c.actorType || c.rec["actorId"] != c.actorID ||
			c.rec["resourceType"] != "group" || !slices.Equal(c.rec["fields"].([]any), c.fields) {
			t.Errorf("audit record %v, want %s by %s %s of fields %v", c.rec, c.action, c.actorType, c.actorID, c.fields)
		}
	}
	// A failed change writes nothing.
	before := total("")
	s.must(409, "POST", te.path("/groups"), map[string]any{"name": "Audited 2"})
	s.must(400, "POST", te.path("/users"), map[string]any{"loginId": ""})
	s.must(403, "DELETE", te.path("/groups/%s", g), nil, te.as("readClient")...)
	if after := total(""); after != before {
		t.Errorf("failed requests wrote %v audit records", after-before)
	}
	// A password change is recorded by name; a login as a login.
	body := tenantUser(te)
	body["password"] = "Another!Passw0rd"
	id := s.must(202, "POST", te.path("/users"), body).obj()["userId"].(string)
	rec := audit("resourceId=" + id + "&action=create")
	if len(rec) != 1 || !slices.Contains(rec[0]["fields"].([]any), any("password")) || rec[0]["actorType"] != "operator" {
		t.Errorf("the user's create record = %v, want password among its fields, by the operator", rec)
	}
	s.login("ABCDEF", body["loginId"].(string), "Another!Passw0rd")
	if rec := audit("action=login&actorId=" + id); len(rec) != 1 || rec[0]["resourceType"] != "token" {
		t.Errorf("login records of the user = %v", rec)
	}
	// Filters and pages.
	if n := total("resourceType=group"); n != 3 { // the tenant's, then create and update here
		t.Errorf("group records = %v, want 3", n)
	}
	if n := total("from=" + url.QueryEscape(start)); n != total("") || n <= all {
		t.Errorf("records from the start = %v of %v", n, total(""))
	}
	if n := total("to=" + url.QueryEscape(start)); n != 0 {
		t.Errorf("records before the start = %v, want 0", n)
	}
	page := s.must(200, "GET", te.path("/auditRecords?pageSize=5&pageNumber=2"), nil).obj()
	if len(page["auditRecords"].([]any)) != 5 || page["links"].(map[string]any)["prev"] == nil {
		t.Errorf("page 2 of 5 = %v", page)
	}
	for _, q := range []string{"from=yesterday", "action=", "color=red", "pageSize=1000"} {
		s.must(400, "GET", te.path("/auditRecords?%s", q), nil)
	}
	// Another account's administrator sees none of them.
	other := newTenant(s, "OTHERS")
	s.must(404, "GET", te.path("/auditRecords"), nil, other.as("adminClient")...)
}
