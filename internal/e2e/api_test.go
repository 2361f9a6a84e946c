package e2e

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func userBody(login, first, last string, extra string) string {
	return fmt.Sprintf(`{"organizationNodeId": "EXMPLE", "loginId": %q, "firstName": %q, "lastName": %q%s}`, login, first, last, extra)
}

func logins(t *testing.T, r response) []string {
	t.Helper()
	var out []string
	for _, u := range r.obj()["users"].([]any) {
		out = append(out, u.(map[string]any)["loginId"].(string))
	}
	return out
}

// TestListsAndSearch: pagination, links, filters with wildcards, effective
// role and group filters, ordering, and users:search.
func TestListsAndSearch(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), seedProfile).obj()["profileId"].(string)
	s.must(202, "POST", path("/users"), userBody("alex@example.com", "Alex", "Stevens", `, "profileId": "`+prof+`"`))
	s.must(202, "POST", path("/users"), userBody("alexandra@example.com", "Alexandra", "Stevens", `, "roles": ["Supervisor"], "ownedGroups": ["`+seedGroup+`"]`))
	s.must(202, "POST", path("/users"), userBody("bo@example.com", "Bo", "Andersson", `, "profileId": "`+prof+`", "roles": ["Reporting"]`))
	for i := 0; i < 9; i++ {
		s.must(202, "POST", path("/users"), userBody(fmt.Sprintf("zed%d@example.com", i), "Zed", fmt.Sprintf("Zulu%d", i), ""))
	}

	r := s.must(200, "GET", path("/users?pageSize=5&pageNumber=2"), nil)
	if diff := cmp.Diff(jsonOf(t, `{"pageNumber": 2, "pageSize": 5, "total": 12}`), r.obj()["pagination"]); diff != "" {
		t.Errorf("pagination (-want +got):\n%s", diff)
	}
	links := r.obj()["links"].(map[string]any)
	if links["prev"] != path("/users?pageNumber=1&pageSize=5") || links["next"] != path("/users?pageNumber=3&pageSize=5") {
		t.Errorf("links = %v", links)
	}
	for q, want := range map[string][]string{
		"loginId=alex*":                           {"alex@example.com", "alexandra@example.com"},
		"loginId=ALEX@EXAMPLE.COM":                {"alex@example.com"},
		"lastName=Stevens&orderBy=loginId+desc":   {"alexandra@example.com", "alex@example.com"},
		"role=Agent":                              {"alex@example.com"}, // from the profile; bo's own roles win
		"role=Supervisor":                         {"alexandra@example.com"},
		"groupId=" + seedGroup:                    {"alex@example.com", "bo@example.com"},
		"profileId=" + prof + "&orderBy=lastName": {"bo@example.com", "alex@example.com"},
	} {
		if got := logins(t, s.must(200, "GET", path("/users?"+q), nil)); !cmp.Equal(got, want) {
			t.Errorf("GET /users?%s = %v, want %v", q, got, want)
		}
	}
	members := s.must(200, "GET", pathf("/groups/%s/members", seedGroup), nil)
	if got := logins(t, members); !cmp.Equal(got, []string{"alex@example.com", "bo@example.com"}) {
		t.Errorf("group members = %v", got)
	}
	for _, bad := range []string{"pageSize=4", "pageSize=101", "pageNumber=0", "orderBy=password", "nickname=x"} {
		if r := s.do("GET", path("/users?"+bad), nil); r.Status != 400 {
			t.Errorf("GET /users?%s = %d, want 400", bad, r.Status)
		}
	}

	search := `{"filter": [{"key": "lastName", "operator": "EQUALS", "value": "Stevens"},
		{"key": "loginId", "operator": "ENDS_WITH", "value": "0@example.com", "discriminator": "OR"},
		{"key": "firstName", "operator": "CONTAINS", "value": "e", "discriminator": "AND"}],
		"orderBy": "loginId", "pageSize": 5}`
	got := logins(t, s.must(200, "POST", path("/users:search"), search))
	if want := []string{"alex@example.com", "alexandra@example.com", "zed0@example.com"}; !cmp.Equal(got, want) {
		t.Errorf("search = %v, want %v", got, want)
	}
	got = logins(t, s.must(200, "POST", path("/users:search"), `{"filter": [{"key": "role", "operator": "NOT_EQUALS", "value": "Agent"},
		{"key": "loginId", "operator": "STARTS_WITH", "value": "zed"}], "pageSize": 5, "pageNumber": 2}`))
	if want := []string{"zed5@example.com", "zed6@example.com", "zed7@example.com", "zed8@example.com"}; !cmp.Equal(got, want) {
		t.Errorf("search page 2 = %v, want %v", got, want)
	}
	got2 := violations(t, s.do("POST", path("/users:search"), `{"filter": [{"key": "password", "operator": "LIKE", "value": "x", "discriminator": "XOR"}]}`))
	if want := []string{"filter[0].discriminator:invalid", "filter[0].key:invalid", "filter[0].operator:invalid"}; !cmp.Equal(got2, want) {
		t.Errorf("bad search violations = %v, want %v", got2, want)
	}
}

// TestInheritance: ?view=own, inherited, null opt-out, and values equal to
// the profile's stored as inherited (GET-modify-PUT never freezes a user).
func TestInheritance(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), seedProfile).obj()["profileId"].(string)
	u := s.must(202, "POST", path("/users"), userBody("alex@example.com", "Alex", "Stevens",
		`, "profileId": "`+prof+`", "features": {"voice": null, "chat": {"multiplicity": 3}}`)).obj()
	id := u["userId"].(string)
	if diff := cmp.Diff(jsonOf(t, `{"matching": {"attributes": ["Language.English", "Language.French"],
		"queues": [{"queueId": "`+seedQueue+`", "proficiency": 10}]}, "chat": {"multiplicity": 3}}`), u["features"]); diff != "" {
		t.Errorf("effective features with voice opted out (-want +got):\n%s", diff)
	}
	own := s.must(200, "GET", pathf("/users/%s?view=own", id), nil)
	if diff := cmp.Diff(jsonOf(t, `{"userId": "`+id+`", "organizationNodeId": "EXMPLE", "loginId": "alex@example.com",
		"firstName": "Alex", "lastName": "Stevens", "profileId": "`+prof+`",
		"features": {"voice": null, "chat": {"multiplicity": 3}}}`), own.Body); diff != "" {
		t.Errorf("own view (-want +got):\n%s", diff)
	}

	// GET-modify-PUT: the effective view sent back stores nothing new as own.
	eff := s.must(200, "GET", pathf("/users/%s", id), nil)
	etag := eff.Header.Get("ETag")
	body := eff.obj()
	body["firstName"] = "Alexander"
	r := s.must(202, "PUT", pathf("/users/%s", id), body, "If-Match", etag)
	if r.Header.Get("ETag") == etag {
		t.Error("ETag did not change with the PUT")
	}
	own = s.must(200, "GET", pathf("/users/%s?view=own", id), nil)
	if diff := cmp.Diff(jsonOf(t, `{"userId": "`+id+`", "organizationNodeId": "EXMPLE", "loginId": "alex@example.com",
		"firstName": "Alexander", "lastName": "Stevens", "profileId": "`+prof+`", "features": {"chat": {"multiplicity": 3}}}`), own.Body); diff != "" {
		t.Errorf("own view after GET-modify-PUT (-want +got):\n%s", diff)
	}
	// The stale ETag no longer matches.
	if r := s.do("PUT", pathf("/users/%s", id), body, "If-Match", etag); r.Status != 412 {
		t.Errorf("PUT with a stale If-Match = %d, want 412", r.Status)
	}
	if r := s.do("DELETE", pathf("/users/%s", id), nil, "If-Match", etag); r.Status != 412 {
		t.Errorf("DELETE with a stale If-Match = %d, want 412", r.Status)
	}
	// A later profile change reaches the user (roles were not frozen), and
	// changes the effective view's ETag; the user's own version still
	// matches, so If-Match with the new tag works.
	tagBefore := s.must(200, "GET", pathf("/users/%s", id), nil).Header.Get("ETag")
	s.must(202, "PUT", path("/profiles/"+prof), `{"profileName": "Advanced", "roles": ["Agent", "Reporting"]}`)
	after := s.must(200, "GET", pathf("/users/%s", id), nil)
	if after.Header.Get("ETag") == tagBefore {
		t.Errorf("ETag %s did not change with the profile", tagBefore)
	}
	got := after.obj()
	if diff := cmp.Diff(jsonOf(t, `["Agent", "Reporting"]`), got["roles"]); diff != "" {
		t.Errorf("roles after the profile change (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(jsonOf(t, `["roles"]`), got["inherited"]); diff != "" {
		t.Errorf("inherited (-want +got):\n%s", diff)
	}
	if r := s.do("DELETE", path("/profiles/"+prof), nil); r.Status != 409 {
		t.Errorf("DELETE of a profile in use = %d, want 409", r.Status)
	}
	s.must(204, "DELETE", pathf("/users/%s", id), nil, "If-Match", after.Header.Get("ETag"))
}

// TestIdempotencyKey: the same key and body answer the first answer; another
// body with the key is 409.
func TestIdempotencyKey(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	body := userBody("idem@example.com", "Ida", "Empotent", "")
	first := s.must(202, "POST", path("/users"), body, "Idempotency-Key", "k-1")
	again := s.must(202, "POST", path("/users"), body, "Idempotency-Key", "k-1")
	if diff := cmp.Diff(first.Body, again.Body); diff != "" || again.Header.Get("ETag") != first.Header.Get("ETag") ||
		again.Header.Get("Location") != first.Header.Get("Location") {
		t.Errorf("replay differs from the first answer (-first +again):\n%s", diff)
	}
	if r := s.do("POST", path("/users"), userBody("other@example.com", "Ot", "Her", ""), "Idempotency-Key", "k-1"); r.Status != 409 {
		t.Errorf("same key, other body = %d, want 409", r.Status)
	}
	total := s.must(200, "GET", path("/users"), nil).obj()["pagination"].(map[string]any)["total"]
	if total != 1.0 {
		t.Errorf("users = %v, want 1", total)
	}
	// A failed request is not kept: the corrected request runs under the key.
	s.must(400, "POST", path("/users"), `{"loginId": "fixed@example.com"}`, "Idempotency-Key", "k-2")
	fixed := userBody("fixed@example.com", "Fi", "Xed", "")
	s.must(202, "POST", path("/users"), fixed, "Idempotency-Key", "k-2")
	// The same JSON, formatted otherwise, is the same request.
	r := s.must(202, "POST", path("/users"), "  "+fixed+"\n", "Idempotency-Key", "k-2")
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("a reformatted body was not taken as the same request")
	}
	// Keys are scoped by route: the same key on profiles is another request.
	s.must(202, "POST", path("/profiles"), `{"profileName": "Keyed"}`, "Idempotency-Key", "k-1")
}

// TestCatalogs: accounts, nodes, groups, queues, attributes and roles, with
// their conflicts.
func TestCatalogs(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	if r := s.do("POST", "/v1beta/accounts", `{"accountId": "ABCDEF", "name": "Again"}`); r.Status != 409 {
		t.Errorf("duplicate account = %d, want 409", r.Status)
	}
	gen := s.must(201, "POST", "/v1beta/accounts", `{"name": "Generated"}`).obj()
	if id, _ := gen["accountId"].(string); len(id) != 6 {
		t.Errorf("generated account id = %v", gen)
	}
	roles := s.must(200, "GET", path("/roles"), nil).obj()["roles"].([]any)
	if len(roles) != 11 || roles[0].(map[string]any)["name"] != "Administrator" {
		t.Errorf("roles = %v", roles)
	}
	s.must(201, "POST", path("/organizationNodes"), `{"organizationNodeId": "CHILDA", "name": "Child", "parentId": "EXMPLE"}`)
	if r := s.do("DELETE", path("/organizationNodes/EXMPLE"), nil); r.Status != 409 {
		t.Errorf("DELETE of a node with children = %d, want 409", r.Status)
	}
	if r := s.do("PUT", path("/organizationNodes/EXMPLE"), `{"name": "Loop", "parentId": "CHILDA"}`); r.Status != 400 {
		t.Errorf("moving a node under its child = %d, want 400", r.Status)
	}
	if r := s.do("DELETE", path("/organizationNodes/ABCDEF"), nil); r.Status != 409 {
		t.Errorf("DELETE of the root = %d, want 409", r.Status)
	}
	s.must(204, "DELETE", path("/organizationNodes/CHILDA"), nil)
	nodes := s.must(200, "GET", path("/organizationNodes"), nil).obj()["organizationNodes"].([]any)
	if len(nodes) != 2 {
		t.Errorf("nodes = %v, want the root and EXMPLE", nodes)
	}
	if r := s.do("POST", path("/groups"), `{"name": "SALES AGENTS"}`); r.Status != 409 {
		t.Errorf("duplicate group name = %d, want 409", r.Status)
	}
	s.must(200, "PUT", path("/groups/"+seedGroup), `{"name": "Sales", "description": "Renamed"}`)
	s.must(200, "PUT", path("/queues/"+seedQueue), `{"name": "Sales 2"}`)
	s.must(200, "PUT", path("/attributes/Language.English"), `{"description": "English speakers"}`)
	if r := s.do("PUT", path("/attributes/English"), nil); r.Status != 400 {
		t.Errorf("attribute without a category = %d, want 400", r.Status)
	}
	s.must(202, "POST", path("/profiles"), seedProfile)
	for _, p := range []string{"/groups/" + seedGroup, "/queues/" + seedQueue, "/attributes/Language.French"} {
		if r := s.do("DELETE", path(p), nil); r.Status != 409 {
			t.Errorf("DELETE %s in use by a profile = %d, want 409", p, r.Status)
		}
	}
	s.must(201, "PUT", path("/attributes/Skill.Unused"), nil)
	s.must(204, "DELETE", path("/attributes/Skill.Unused"), nil)
	s.must(404, "GET", path("/attributes/Skill.Unused"), nil)
}
