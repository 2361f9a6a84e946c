package e2e

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/httpapi"
)

// notAccountScoped are the routes outside any account.
var notAccountScoped = []string{"GET /healthz", "GET /readyz", "GET /openapi.json", "GET /docs",
	"POST /oauth/token", "POST /v1beta/accounts"}

// callersAccount are the GWS routes that name nothing but the caller's own
// account (which its credential gives): there is no id of B to send.
var callersAccount = []string{"GET /api/v2/users", "POST /api/v2/users", "GET /api/v2/me"}

// TestTenantIsolationEveryRoute walks every route of the route table as an
// Account Administrator of account A, first under account B's path with
// B's ids, then under A's path with B's ids. Each answer must be exactly
// the answer for ids that do not exist (the ids themselves aside), and B
// must be unchanged afterwards. A new route fails the test until the walk
// knows its parameters and body.
func TestTenantIsolationEveryRoute(t *testing.T) {
	s := newServer(t, nil)
	a, b := newTenant(s, "AAAAAA"), newTenant(s, "BBBBBB")
	s.must(201, "PUT", b.path("/attributes/Skill.Theirs"), nil)
	before := tenantSnapshot(s, b)
	ids := func(te *tenant) map[string]string {
		return map[string]string{"accountId": te.account, "nodeId": te.node, "groupId": te.group, "queueId": te.queue,
			"name": "Skill.Theirs", "profileId": te.prof, "userId": te.agentID, "clientId": te.clientID,
			"id": strings.ReplaceAll(te.agentID, "-", "")}
	}
	theirs := ids(b)
	missing := map[string]string{"accountId": "ZZZZZZ", "nodeId": "NOSUCH", "groupId": "3f1b1c52-0000-4000-8000-000000000000",
		"queueId": "no-such-queue", "name": "Skill.Nobody", "profileId": "NOSUCH", "userId": "3f1b1c52-0000-4000-8000-000000000001",
		"clientId": "00000000000000000000000000000000", "id": "3f1b1c52000040008000000000000001"}
	bodies := isolationBodies(a, b)
	routes := s.app.API.Routes()
	// Reads and creates first, deletes next, replaces last: an upsert with
	// B's queue id creates A's own queue of that id, which a later read
	// would then find.
	slices.SortStableFunc(routes, func(x, y httpapi.Route) int { return methodRank(x.Method) - methodRank(y.Method) })
	param := regexp.MustCompile(`\{(\w+)\}`)
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if !strings.Contains(rt.Path, "{accountId}") && !strings.Contains(rt.Path, "{id}") {
			if !slices.Contains(notAccountScoped, key) && !slices.Contains(callersAccount, key) {
				t.Errorf("route %s is outside any account; add it to notAccountScoped or give it {accountId}", key)
			}
			continue
		}
		body, hasBody := bodies[key]
		if (rt.Method == "POST" || rt.Method == "PUT") && !hasBody {
			t.Errorf("the walk has no body for %s; add one to isolationBodies", key)
			continue
		}
		fill := func(vals map[string]string, account string) string {
			return param.ReplaceAllStringFunc(rt.Path, func(m string) string {
				name := m[1 : len(m)-1]
				if name == "accountId" {
					return account
				}
				v, ok := vals[name]
				if !ok {
					t.Fatalf("route %s has a parameter {%s} that the walk does not know", key, name)
				}
				return v
			})
		}
		headers := a.as("adminClient")
		if key == "POST "+acct+"/token" {
			// Public: a login names its user in the body. B's user at A's
			// door is as unknown as a user that does not exist.
			got := s.do("POST", a.path("/token"), body, headers...)
			want := s.do("POST", a.path("/token"), map[string]any{"loginId": "nobody@AAAAAA", "password": testPassword}, headers...)
			compareAnswers(t, key+" with B's login", got, want)
			continue
		}
		if !strings.Contains(rt.Path, "{accountId}") { // GWS's /api/v2: A's own account, B's ids
			got := s.do(rt.Method, fill(theirs, ""), body, headers...)
			want := s.do(rt.Method, fill(missing, ""), body, headers...)
			compareAnswers(t, key+" with B's ids", got, want, theirs["id"], missing["id"])
			if got.Status != 404 {
				t.Errorf("%s with B's ids = %d, want 404", key, got.Status)
			}
			continue
		}
		// 1. B's path and ids, against an account that does not exist.
		got := s.do(rt.Method, fill(theirs, b.account), body, headers...)
		want := s.do(rt.Method, fill(theirs, missing["accountId"]), body, headers...)
		compareAnswers(t, key+" under B's account", got, want, b.account, missing["accountId"])
		if got.Status != 404 {
			t.Errorf("%s under B's account = %d, want 404", key, got.Status)
		}
		// 2. A's path with B's ids, against ids that do not exist.
		if strings.Count(rt.Path, "{") < 2 {
			continue
		}
		got = s.do(rt.Method, fill(theirs, a.account), body, headers...)
		want = s.do(rt.Method, fill(missing, a.account), body, headers...)
		var pairs []string
		for k, v := range theirs {
			switch k {
			case "accountId":
			case "name": // an attribute's name also shows as its value
				pairs = append(pairs, "Theirs", "Nobody")
			default:
				pairs = append(pairs, v, missing[k])
			}
		}
		compareAnswers(t, key+" with B's ids", got, want, pairs...)
	}
	if after := tenantSnapshot(s, b); !bytes.Equal(before, after) {
		t.Errorf("account B changed during the walk:\nbefore %s\nafter  %s", before, after)
	}
}

func methodRank(m string) int {
	return map[string]int{"GET": 0, "POST": 0, "DELETE": 1, "PUT": 2}[m]
}

// compareAnswers requires the same status and the same body once each
// id in replace (pairs old, new) is replaced.
func compareAnswers(t *testing.T, what string, got, want response, replace ...string) {
	t.Helper()
	norm := string(got.Raw)
	for i := 0; i+1 < len(replace); i += 2 {
		norm = strings.ReplaceAll(norm, replace[i], replace[i+1])
	}
	if got.Status != want.Status || norm != string(want.Raw) {
		t.Errorf("%s = %d %s\nbut for ids that do not exist = %d %s", what, got.Status, got.Raw, want.Status, want.Raw)
	}
}

// isolationBodies are valid request bodies for A's account, by route.
func isolationBodies(a, b *tenant) map[string]any {
	user := map[string]any{"organizationNodeId": a.node, "loginId": "walker@AAAAAA", "firstName": "Walk", "lastName": "Er"}
	bodies := map[string]any{
		"POST " + acct + "/token":                     map[string]any{"loginId": "agent@" + b.account, "password": testPassword},
		"POST " + acct + "/clients":                   map[string]any{"name": "walker"},
		"PUT " + acct + "/passwordPolicy":             defaultPolicy,
		"POST " + acct + "/organizationNodes":         map[string]any{"name": "Walk"},
		"PUT " + acct + "/organizationNodes/{nodeId}": map[string]any{"name": "Walk"},
		"POST " + acct + "/groups":                    map[string]any{"name": "Walkers"},
		"PUT " + acct + "/groups/{groupId}":           map[string]any{"name": "Walkers 2"},
		"PUT " + acct + "/queues/{queueId}":           map[string]any{"name": "Walk"},
		"PUT " + acct + "/attributes/{name}":          map[string]any{"description": "walk"},
		"POST " + acct + "/profiles":                  map[string]any{"profileName": "Walkers"},
		"POST " + acct + "/profiles:listStatuses":     map[string]any{"profileIds": []string{b.prof}},
		"PUT " + acct + "/profiles/{profileId}":       map[string]any{"profileName": "Walkers 2"},
		"POST " + acct + "/users":                     user,
		"POST " + acct + "/users:search":              map[string]any{"filter": []any{map[string]any{"key": "loginId", "operator": "STARTS_WITH", "value": "agent@" + b.account}}},
		"POST " + acct + "/users:listStatuses":        map[string]any{"userIds": []string{b.agentID}},
		"PUT " + acct + "/users/{userId}":             user,
	}
	vonageUser := map[string]any{"username": "walker", "name": "Walk Er", "email": "walker@example.com",
		"userAccountConfiguration": map[string]any{"role": "Admin"}}
	gwsUser := map[string]any{"userName": "walker@example.com", "firstName": "Walk", "lastName": "Er", "roles": []string{"ROLE_ADMIN"}}
	skill := map[string]any{"name": "Skill.Theirs", "level": 3}
	bodies["POST "+vcc+"/users"] = vonageUser
	bodies["PUT "+vcc+"/users/{userId}"] = vonageUser
	for _, base := range []string{gwsOwn, gwsAcct} {
		bodies["POST "+base+"/users"] = gwsUser
		bodies["POST "+base+"/users/{id}"] = map[string]any{"firstName": "Walked"}
		bodies["PUT "+base+"/users/{id}"] = map[string]any{"firstName": "Walked"}
		bodies["POST "+base+"/users/{id}/skills"] = skill
		bodies["DELETE "+base+"/users/{id}/skills"] = map[string]any{"name": "Skill.Theirs"}
	}
	return bodies
}

const (
	vcc     = "/vcc/accounts/{accountId}"
	gwsOwn  = "/api/v2"
	gwsAcct = "/gws/accounts/{accountId}/api/v2"
)

// tenantSnapshot is everything B's administrator can read of B.
func tenantSnapshot(s *server, te *tenant) []byte {
	s.t.Helper()
	var out bytes.Buffer
	h := te.as("adminClient")
	for _, p := range []string{"", "/organizationNodes?pageSize=100", "/groups?pageSize=100", "/queues?pageSize=100",
		"/attributes?pageSize=100", "/profiles?pageSize=100", "/users?pageSize=100", "/clients?pageSize=100",
		"/passwordPolicy", "/users/" + te.agentID + "/status", "/profiles/" + te.prof + "/status", "/auditRecords?pageSize=100"} {
		r := s.must(200, "GET", te.path("%s", p), nil, h...)
		out.Write(r.Raw)
	}
	return out.Bytes()
}

// TestUnknownAccountAnswersForTheAccount: the operator may read in any
// account; a user or profile id that exists, asked for under an account
// that does not, answers exactly as an unknown id there does: the
// account's 404, not the user's or the profile's.
func TestUnknownAccountAnswersForTheAccount(t *testing.T) {
	s := newServer(t, nil)
	b := newTenant(s, "BBBBBB")
	want := s.must(404, "GET", "/v1beta/accounts/ZZZZZZ/users/3f1b1c52-0000-4000-8000-000000000001", nil).obj()["detail"]
	for _, p := range []string{"/users/", "/profiles/"} {
		// In an account that exists, an unknown id answers for the id.
		if other := s.must(404, "GET", b.path("%sNOSUCH", p), nil).obj()["detail"]; other == want {
			t.Fatalf("an unknown %s id in an existing account answers %q, as an unknown account does", p, other)
		}
	}
	for _, p := range []string{"/users/" + b.agentID, "/profiles/" + b.prof} {
		if got := s.must(404, "GET", "/v1beta/accounts/ZZZZZZ"+p, nil).obj()["detail"]; got != want {
			t.Errorf("GET %s in an unknown account: %q, want the account's answer %q", p, got, want)
		}
	}
}

// TestAccountFoundOnceItExists: the service remembers the accounts it has
// found (accounts are never deleted), so it must not remember one it did
// not find: writes and reads in an account answer 404 until it is created,
// however often they are tried, and work at once after.
func TestAccountFoundOnceItExists(t *testing.T) {
	s := newServer(t, nil)
	later := "/v1beta/accounts/LATERS"
	body := map[string]any{"organizationNodeId": "LATERS", "loginId": "ann@example.com", "firstName": "Ann", "lastName": "Lee"}
	for range 3 {
		s.must(404, "POST", later+"/users", body)
		s.must(404, "GET", later+"/users", nil)
		s.must(404, "PUT", later+"/queues/q1", map[string]any{"name": "Q"})
	}
	s.must(201, "POST", "/v1beta/accounts", map[string]any{"accountId": "LATERS", "name": "Later"})
	id := s.must(202, "POST", later+"/users", body).obj()["userId"].(string)
	s.must(200, "GET", later+"/users/"+id, nil)
	s.must(404, "POST", "/v1beta/accounts/NEVERS/users", body)
}
