package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// badCase is one invalid request: the status it must get and the fields
// its violations must name (all of them, in any order; more may follow).
type badCase struct {
	name, method, path, body string
	headers                  []string
	status                   int
	fields                   []string
}

const okUser = `"organizationNodeId": "EXMPLE", "loginId": "new@example.com", "firstName": "Al", "lastName": "Bo"`

func user(extra string) string { return `{` + okUser + extra + `}` }

func badCases(userID, etag string) []badCase {
	long, long1025 := strings.Repeat("x", 256), strings.Repeat("d", 1025)
	users, profiles := path("/users"), path("/profiles")
	var ids []string
	for i := range 51 {
		ids = append(ids, fmt.Sprintf(`"00000000-0000-4000-8000-%012d"`, i))
	}
	groups := "[" + strings.Join(ids, ", ") + "]"
	roles12 := `["Administrator", "Agent", "Business Analyst", "Historical Reporting_Advanced", "Historical Reporting_Basic",
		"Historical Reporting_Consumer", "Reporting", "Reporting_Administrator", "Reporting_Supervisor", "Supervisor",
		"Workspaces Admin Widgets Administrator", "Nope"]`
	return []badCase{
		{"user: required fields", "POST", users, `{}`, nil, 400, []string{"loginId", "firstName", "lastName", "organizationNodeId"}},
		{"user: loginId too long", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "` + long + `", "firstName": "Al", "lastName": "Bo"}`, nil, 400, []string{"loginId"}},
		{"user: firstName too short", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "A", "lastName": "Bo"}`, nil, 400, []string{"firstName"}},
		{"user: lastName too long", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "` + long + `"}`, nil, 400, []string{"lastName"}},
		{"user: name with <", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "A<l", "lastName": "Bo"}`, nil, 400, []string{"firstName"}},
		{"user: name with >", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "B>o"}`, nil, 400, []string{"lastName"}},
		{"user: name with ^", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "A^l", "lastName": "Bo"}`, nil, 400, []string{"firstName"}},
		{"user: name with @", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "B@o"}`, nil, 400, []string{"lastName"}},
		{"user: name with #", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "#Al", "lastName": "Bo"}`, nil, 400, []string{"firstName"}},
		{"user: unknown node", "POST", users, `{"organizationNodeId": "NOWHER", "loginId": "a", "firstName": "Al", "lastName": "Bo"}`, nil, 400, []string{"organizationNodeId"}},
		{"user: short password", "POST", users, user(`, "password": "aA1%"`), nil, 400, []string{"password"}},
		{"user: password without a symbol", "POST", users, user(`, "password": "abcdEFGH1234"`), nil, 400, []string{"password"}},
		{"user: unknown role", "POST", users, user(`, "roles": ["Agent", "Astronaut"]`), nil, 400, []string{"roles[1]"}},
		{"user: more than 11 roles", "POST", users, user(`, "roles": ` + roles12), nil, 400, []string{"roles", "roles[11]"}},
		{"user: unknown group", "POST", users, user(`, "memberOfGroups": ["6f482dcd-54a9-445f-ba6d-8ca5ebd5261a"]`), nil, 400, []string{"memberOfGroups[0]"}},
		{"user: malformed group id", "POST", users, user(`, "memberOfGroups": ["sales"]`), nil, 400, []string{"memberOfGroups[0]"}},
		{"user: more than 50 groups", "POST", users, user(`, "memberOfGroups": ` + groups), nil, 400, []string{"memberOfGroups"}},
		{"user: ownedGroups without Supervisor", "POST", users, user(`, "roles": ["Agent"], "ownedGroups": ["` + seedGroup + `"]`), nil, 400, []string{"ownedGroups"}},
		{"user: unknown profile", "POST", users, user(`, "profileId": "NOPROF"`), nil, 400, []string{"profileId"}},
		{"user: unknown feature", "POST", users, user(`, "features": {"fax": {}}`), nil, 400, []string{"features.fax"}},
		{"user: unknown attribute", "POST", users, user(`, "features": {"matching": {"attributes": ["Language.German"]}}`), nil, 400, []string{"features.matching.attributes[0]"}},
		{"user: malformed attribute", "POST", users, user(`, "features": {"matching": {"attributes": ["German"]}}`), nil, 400, []string{"features.matching.attributes[0]"}},
		{"user: unknown queue", "POST", users, user(`, "features": {"matching": {"queues": [{"queueId": "nope", "proficiency": 1}]}}`), nil, 400, []string{"features.matching.queues[0].queueId"}},
		{"user: proficiency 0", "POST", users, user(`, "features": {"matching": {"queues": [{"queueId": "` + seedQueue + `", "proficiency": 0}]}}`), nil, 400, []string{"features.matching.queues[0].proficiency"}},
		{"user: proficiency 11", "POST", users, user(`, "features": {"matching": {"queues": [{"queueId": "` + seedQueue + `", "proficiency": 11}]}}`), nil, 400, []string{"features.matching.queues[0].proficiency"}},
		{"user: queue twice", "POST", users, user(`, "features": {"matching": {"queues": [{"queueId": "` + seedQueue + `", "proficiency": 1}, {"queueId": "` + seedQueue + `", "proficiency": 2}]}}`), nil, 400, []string{"features.matching.queues[1].queueId"}},
		{"user: chat multiplicity 0", "POST", users, user(`, "features": {"chat": {"multiplicity": 0}}`), nil, 400, []string{"features.chat.multiplicity"}},
		{"user: messaging multiplicity 11", "POST", users, user(`, "features": {"messaging": {"multiplicity": 11}}`), nil, 400, []string{"features.messaging.multiplicity"}},
		{"user: email multiplicity 99", "POST", users, user(`, "features": {"email": {"multiplicity": 99}}`), nil, 400, []string{"features.email.multiplicity"}},
		{"user: autoAnswer not a boolean", "POST", users, user(`, "features": {"voice": {"autoAnswer": "yes"}}`), nil, 400, []string{"features.voice.autoAnswer"}},
		{"user: afterContactWork not a boolean", "POST", users, user(`, "features": {"chat": {"afterContactWork": 1}}`), nil, 400, []string{"features.chat.afterContactWork"}},
		{"user: duplicate loginId, other case", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": "TAKEN@example.com", "firstName": "Al", "lastName": "Bo"}`, nil, 409, nil},
		{"user: PUT of an unknown user", "PUT", path("/users/6f482dcd-54a9-445f-ba6d-8ca5ebd5261a"), user(""), nil, 404, nil},
		{"user: PUT with a stale If-Match", "PUT", path("/users/" + userID), user(""), []string{"If-Match", `"99"`}, 412, nil},
		{"user: PUT with a weak If-Match", "PUT", path("/users/" + userID), user(""), []string{"If-Match", "W/" + etag}, 412, nil},
		{"user: PUT with a failing body and the right If-Match", "PUT", path("/users/" + userID), `{"organizationNodeId": "EXMPLE", "loginId": "taken@example.com", "firstName": "A", "lastName": "Bo"}`, []string{"If-Match", etag}, 400, []string{"firstName"}},
		{"user: DELETE with a stale If-Match", "DELETE", path("/users/" + userID), "", []string{"If-Match", `"99"`}, 412, nil},
		{"user: view neither own nor effective", "GET", path("/users/" + userID + "?view=mine"), "", nil, 400, []string{"view"}},
		{"profile: name required", "POST", profiles, `{"description": "x"}`, nil, 400, []string{"profileName"}},
		{"profile: name too long", "POST", profiles, `{"profileName": "` + long + `"}`, nil, 400, []string{"profileName"}},
		{"profile: description too long", "POST", profiles, `{"profileName": "P", "description": "` + long1025 + `"}`, nil, 400, []string{"description"}},
		{"profile: null feature", "POST", profiles, `{"profileName": "P", "features": {"voice": null}}`, nil, 400, []string{"features.voice"}},
		{"profile: unknown role", "POST", profiles, `{"profileName": "P", "roles": ["Janitor"]}`, nil, 400, []string{"roles[0]"}},
		{"profile: duplicate name", "POST", profiles, `{"profileName": "TAKEN"}`, nil, 409, nil},
		{"json: unknown field", "POST", users, user(`, "nickname": "Al"`), nil, 400, []string{"nickname"}},
		{"json: unknown nested field", "POST", users, user(`, "features": {"voice": {"ringtone": "x"}}`), nil, 400, []string{"features.voice.ringtone"}},
		{"json: duplicate key", "POST", users, user(`, "loginId": "again"`), nil, 400, []string{"loginId"}},
		{"json: string for an array", "POST", users, user(`, "roles": "Agent"`), nil, 400, []string{"roles"}},
		{"json: number for a string", "POST", users, `{"organizationNodeId": "EXMPLE", "loginId": 42, "firstName": "Al", "lastName": "Bo"}`, nil, 400, []string{"loginId"}},
		{"json: trailing data", "POST", users, user("") + ` []`, nil, 400, []string{""}},
		{"json: malformed", "POST", users, `{"loginId": "a",}`, nil, 400, []string{""}},
		{"json: empty body", "POST", users, ``, []string{"Content-Type", "application/json"}, 400, []string{""}},
		{"json: array body", "POST", users, `[]`, nil, 400, []string{""}},
		{"body over 1 MiB", "POST", users, `{"loginId": "` + strings.Repeat("a", 1<<20) + `"}`, nil, 413, nil},
		{"wrong content type", "POST", users, user(""), []string{"Content-Type", "text/plain"}, 415, nil},
		{"list: pageSize 4", "GET", path("/users?pageSize=4"), "", nil, 400, []string{"pageSize"}},
		{"list: pageSize 101", "GET", path("/users?pageSize=101"), "", nil, 400, []string{"pageSize"}},
		{"list: pageNumber 0", "GET", path("/users?pageNumber=0"), "", nil, 400, []string{"pageNumber"}},
		{"list: orderBy an unknown field", "GET", path("/users?orderBy=password+desc"), "", nil, 400, []string{"orderBy"}},
		{"list: unknown filter", "GET", path("/users?nickname=Al"), "", nil, 400, []string{"nickname"}},
		{"list: orderBy blank", "GET", path("/users?orderBy=%20"), "", nil, 400, []string{"orderBy"}},
		{"list: filter value too long", "GET", path("/users?lastName=" + strings.Repeat("a", 60000)), "", nil, 400, []string{"lastName"}},
		{"list: filter given twice", "GET", path("/users?lastName=A&lastName=B"), "", nil, 400, []string{"lastName"}},
		{"list: malformed query", "GET", path("/users?orderBy=lastName;drop"), "", nil, 400, []string{""}},
		{"list: unknown parameter of a catalog", "GET", path("/groups?name=x"), "", nil, 400, []string{"name"}},
		{"search: blank orderBy", "POST", path("/users:search"), `{"orderBy": "\t"}`, nil, 400, []string{"orderBy"}},
		{"search: value too long", "POST", path("/users:search"), `{"filter": [{"key": "lastName", "operator": "CONTAINS", "value": "` + strings.Repeat("a", 60000) + `"}]}`, nil, 400, []string{"filter[0].value"}},
		{"search: value missing", "POST", path("/users:search"), `{"filter": [{"key": "lastName", "operator": "EQUALS", "value": null}]}`, nil, 400, []string{"filter[0].value"}},
		{"search: bad operator and join", "POST", path("/users:search"), `{"filter": [{"key": "loginId", "operator": "LIKE", "value": "a", "discriminator": "XOR"}]}`, nil, 400, []string{"filter[0].operator", "filter[0].discriminator"}},
		{"search: unknown key", "POST", path("/users:search"), `{"filter": [{"key": "password", "operator": "EQUALS", "value": "a"}]}`, nil, 400, []string{"filter[0].key"}},
		{"search: pageSize 500", "POST", path("/users:search"), `{"pageSize": 500}`, nil, 400, []string{"pageSize"}},
		{"search: pageNumber past 2^30", "POST", path("/users:search"), `{"pageNumber": 3689348814741910324, "pageSize": 5}`, nil, 400, []string{"pageNumber"}},
		{"list: pageNumber past 2^30", "GET", path("/users?pageNumber=1073741825"), "", nil, 400, []string{"pageNumber"}},
		{"statuses: no ids", "POST", path("/users:listStatuses"), `{"userIds": []}`, nil, 400, []string{"userIds"}},
		{"statuses: 51 ids", "POST", path("/profiles:listStatuses"), `{"profileIds": [` + strings.Repeat(`"AAAAAA", `, 50) + `"AAAAAA"]}`, nil, 400, []string{"profileIds"}},
		{"idempotency: key with another body", "POST", users, user(`, "loginId": "other@example.com"`), []string{"Idempotency-Key", "taken-key"}, 409, nil},
		{"account: malformed id", "POST", "/v1beta/accounts", `{"accountId": "abc", "name": "x"}`, nil, 400, []string{"accountId"}},
		{"account: unknown", "GET", "/v1beta/accounts/NOSUCH/users", "", nil, 404, nil},
		{"node: malformed id", "POST", path("/organizationNodes"), `{"organizationNodeId": "node-1", "name": "N"}`, nil, 400, []string{"organizationNodeId"}},
		{"node: unknown parent", "POST", path("/organizationNodes"), `{"name": "N", "parentId": "NOPENO"}`, nil, 400, []string{"parentId"}},
		{"group: name required", "POST", path("/groups"), `{"description": "x"}`, nil, 400, []string{"name"}},
		{"group: malformed id", "POST", path("/groups"), `{"groupId": "g1", "name": "G"}`, nil, 400, []string{"groupId"}},
		{"queue: name required", "PUT", path("/queues/q1"), `{}`, nil, 400, []string{"name"}},
		{"attribute: no category", "PUT", path("/attributes/English"), "", nil, 400, []string{"name"}},
		{"attribute: control character", "PUT", path("/attributes/Lang.%00x"), "", nil, 400, []string{"name"}},
		{"node: PUT changing the id", "PUT", path("/organizationNodes/EXMPLE"), `{"organizationNodeId": "OTHERS", "name": "N"}`, nil, 400, []string{"organizationNodeId"}},
		{"group: PUT changing the id", "PUT", path("/groups/" + seedGroup), `{"groupId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a", "name": "G"}`, nil, 400, []string{"groupId"}},
		{"group: control character in name", "POST", path("/groups"), `{"name": "Sales\u0007"}`, nil, 400, []string{"name"}},
	}
}

// TestBadInput: each invalid request gets the right status and names each
// bad field, and no row of any table of the database changes.
func TestBadInput(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	taken := s.must(202, "POST", path("/users"), `{"organizationNodeId": "EXMPLE", "loginId": "taken@example.com", "firstName": "Al", "lastName": "Bo"}`,
		"Idempotency-Key", "taken-key")
	s.must(202, "POST", path("/profiles"), `{"profileName": "Taken"}`)
	before := tableContents(t, s)
	cases := badCases(taken.obj()["userId"].(string), taken.Header.Get("ETag"))
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.do(c.method, c.path, rawBody(c.body), c.headers...)
			if r.Status != c.status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want %d problem+json: %s", r.Status, r.Header.Get("Content-Type"), c.status, r.Raw)
			}
			named := map[string]bool{}
			for _, v := range asList(r.obj()["violations"]) {
				named[v.(map[string]any)["field"].(string)] = true
			}
			for _, f := range c.fields {
				if !named[f] {
					t.Errorf("violations %v do not name %q", r.obj()["violations"], f)
				}
			}
			if after := tableContents(t, s); !cmp.Equal(before, after) {
				t.Errorf("the request changed the database (-before +after):\n%s", cmp.Diff(before, after))
			}
		})
	}
}

func tableContents(t *testing.T, s *server) map[string][]string {
	t.Helper()
	c, err := s.app.Store.TableContents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rawBody(b string) any {
	if b == "" {
		return nil
	}
	return []byte(b)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
