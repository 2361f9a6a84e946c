package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"sync/atomic"
	"testing"
)

// request is one call of the matrix: built fresh for each cell, so a
// DELETE that succeeds for one caller does not change the next one's.
type request struct {
	path string
	body any
	// token, when set, replaces the caller's token (logout revokes it).
	token string
}

// matrixRow is what every caller may do on one route. want has one
// character per caller, in the order of callers: Y the call succeeds
// (2xx), 1 401, 3 403, 4 404.
type matrixRow struct {
	want  string
	build func(s *server, te *tenant, caller string) request
}

var seq atomic.Int64

func uniq(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// The authorization matrix of the README ("Who may do what"), written out
// here on its own so that a change of the route table's access shows.
//
//	anonymous, operator, adminClient, readClient, adminUser, supervisor, agent
func authzMatrix() map[string]matrixRow {
	fixed := func(p string) func(*server, *tenant, string) request {
		return func(_ *server, te *tenant, _ string) request { return request{path: te.path("%s", p)} }
	}
	withBody := func(p string, body func() any) func(*server, *tenant, string) request {
		return func(_ *server, te *tenant, _ string) request { return request{path: te.path("%s", p), body: body()} }
	}
	fresh := func(make func(s *server, te *tenant) string, suffix string) func(*server, *tenant, string) request {
		return func(s *server, te *tenant, _ string) request { return request{path: make(s, te) + suffix} }
	}
	freshWith := func(make func(s *server, te *tenant) string, body func(te *tenant) any) func(*server, *tenant, string) request {
		return func(s *server, te *tenant, _ string) request { return request{path: make(s, te), body: body(te)} }
	}
	node := func(s *server, te *tenant) string {
		return te.path("/organizationNodes/%s", s.must(201, "POST", te.path("/organizationNodes"), map[string]any{"name": uniq("n")}).obj()["organizationNodeId"])
	}
	group := func(s *server, te *tenant) string {
		return te.path("/groups/%s", s.must(201, "POST", te.path("/groups"), map[string]any{"name": uniq("g")}).obj()["groupId"])
	}
	queue := func(s *server, te *tenant) string {
		id := uniq("q")
		s.must(201, "PUT", te.path("/queues/%s", id), map[string]any{"name": id})
		return te.path("/queues/%s", id)
	}
	attr := func(s *server, te *tenant) string {
		name := uniq("Skill.S")
		s.must(201, "PUT", te.path("/attributes/%s", name), nil)
		return te.path("/attributes/%s", name)
	}
	profile := func(s *server, te *tenant) string {
		return te.path("/profiles/%s", s.must(202, "POST", te.path("/profiles"), map[string]any{"profileName": uniq("p")}).obj()["profileId"])
	}
	user := func(s *server, te *tenant) string {
		return te.path("/users/%s", s.must(202, "POST", te.path("/users"), tenantUser(te)).obj()["userId"])
	}
	client := func(s *server, te *tenant) string {
		return te.path("/clients/%s", s.must(201, "POST", te.path("/clients"), map[string]any{"name": uniq("c")}).obj()["clientId"])
	}
	named := func(field, prefix string) func() any {
		return func() any { return map[string]any{field: uniq(prefix)} }
	}
	m := map[string]matrixRow{
		"GET /healthz":      {"YYYYYYY", func(*server, *tenant, string) request { return request{path: "/healthz"} }},
		"GET /readyz":       {"YYYYYYY", func(*server, *tenant, string) request { return request{path: "/readyz"} }},
		"GET /openapi.json": {"YYYYYYY", func(*server, *tenant, string) request { return request{path: "/openapi.json"} }},
		"GET /docs":         {"YYYYYYY", func(*server, *tenant, string) request { return request{path: "/docs"} }},
		"POST /oauth/token": {"YYYYYYY", nil}, // a form body: TestOAuthToken
		"POST " + acct + "/token": {"YYYYYYY", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/token"), body: map[string]any{"loginId": "agent@" + te.account, "password": testPassword}}
		}},
		"DELETE " + acct + "/token": {"13YYYYY", func(s *server, te *tenant, caller string) request {
			return request{path: te.path("/token"), token: te.freshToken(s, caller)}
		}},
		"GET " + acct + "/me": {"1333YYY", fixed("/me")},
		"POST /v1beta/accounts": {"1Y33333", func(*server, *tenant, string) request {
			return request{path: "/v1beta/accounts", body: map[string]any{"name": "New"}}
		}},
		"GET " + acct:               {"1YYYY33", fixed("")},
		"GET " + acct + "/clients":  {"1YYYY33", fixed("/clients")},
		"POST " + acct + "/clients": {"1YY3Y33", withBody("/clients", named("name", "c"))},
		"GET " + acct + "/clients/{clientId}": {"1YYYY33", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/clients/%s", te.clientID)}
		}},
		"DELETE " + acct + "/clients/{clientId}":         {"1YY3Y33", fresh(client, "")},
		"GET " + acct + "/passwordPolicy":                {"1YYYY33", fixed("/passwordPolicy")},
		"PUT " + acct + "/passwordPolicy":                {"1YY3Y33", withBody("/passwordPolicy", func() any { return defaultPolicy })},
		"GET " + acct + "/auditRecords":                  {"1YYYY33", fixed("/auditRecords")},
		"GET " + acct + "/organizationNodes":             {"1YYYY33", fixed("/organizationNodes")},
		"POST " + acct + "/organizationNodes":            {"1YY3Y33", withBody("/organizationNodes", named("name", "n"))},
		"GET " + acct + "/organizationNodes/{nodeId}":    {"1YYYY33", fresh(node, "")},
		"PUT " + acct + "/organizationNodes/{nodeId}":    {"1YY3Y33", freshWith(node, func(*tenant) any { return map[string]any{"name": uniq("n")} })},
		"DELETE " + acct + "/organizationNodes/{nodeId}": {"1YY3Y33", fresh(node, "")},
		"GET " + acct + "/groups":                        {"1YYYY33", fixed("/groups")},
		"POST " + acct + "/groups":                       {"1YY3Y33", withBody("/groups", named("name", "g"))},
		"GET " + acct + "/groups/{groupId}":              {"1YYYY33", fresh(group, "")},
		"PUT " + acct + "/groups/{groupId}":              {"1YY3Y33", freshWith(group, func(*tenant) any { return map[string]any{"name": uniq("g")} })},
		"DELETE " + acct + "/groups/{groupId}":           {"1YY3Y33", fresh(group, "")},
		"GET " + acct + "/groups/{groupId}/members": {"1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/groups/%s/members", te.group)}
		}},
		"GET " + acct + "/queues":               {"1YYYY33", fixed("/queues")},
		"GET " + acct + "/queues/{queueId}":     {"1YYYY33", fresh(queue, "")},
		"PUT " + acct + "/queues/{queueId}":     {"1YY3Y33", freshWith(queue, func(*tenant) any { return map[string]any{"name": uniq("q")} })},
		"DELETE " + acct + "/queues/{queueId}":  {"1YY3Y33", fresh(queue, "")},
		"GET " + acct + "/attributes":           {"1YYYY33", fixed("/attributes")},
		"GET " + acct + "/attributes/{name}":    {"1YYYY33", fresh(attr, "")},
		"PUT " + acct + "/attributes/{name}":    {"1YY3Y33", freshWith(attr, func(*tenant) any { return map[string]any{"description": "d"} })},
		"DELETE " + acct + "/attributes/{name}": {"1YY3Y33", fresh(attr, "")},
		"GET " + acct + "/roles":                {"1YYYY33", fixed("/roles")},
		"GET " + acct + "/profiles":             {"1YYYY33", fixed("/profiles")},
		"POST " + acct + "/profiles":            {"1YY3Y33", withBody("/profiles", named("profileName", "p"))},
		"POST " + acct + "/profiles:listStatuses": {"1YYYY33", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/profiles:listStatuses"), body: map[string]any{"profileIds": []string{te.prof}}}
		}},
		"GET " + acct + "/profiles/{profileId}":        {"1YYYY33", fresh(profile, "")},
		"PUT " + acct + "/profiles/{profileId}":        {"1YY3Y33", freshWith(profile, func(*tenant) any { return map[string]any{"profileName": uniq("p")} })},
		"DELETE " + acct + "/profiles/{profileId}":     {"1YY3Y33", fresh(profile, "")},
		"GET " + acct + "/profiles/{profileId}/status": {"1YYYY33", fresh(profile, "/status")},
		"GET " + acct + "/users":                       {"1YYYY33", fixed("/users")},
		"POST " + acct + "/users": {"1YY3Y33", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/users"), body: tenantUser(te)}
		}},
		"POST " + acct + "/users:search": {"1YYYY33", withBody("/users:search", func() any { return map[string]any{} })},
		"POST " + acct + "/users:listStatuses": {"1YYYY33", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/users:listStatuses"), body: map[string]any{"userIds": []string{te.agentID}}}
		}},
		// The supervisor reads the agent of its group (others: TestSupervisorSeesOnlyItsGroups).
		"GET " + acct + "/users/{userId}": {"1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/users/%s", te.agentID)}
		}},
		"PUT " + acct + "/users/{userId}":    {"1YY3Y33", freshWith(user, func(te *tenant) any { return tenantUser(te) })},
		"DELETE " + acct + "/users/{userId}": {"1YY3Y33", fresh(user, "")},
		"GET " + acct + "/users/{userId}/status": {"1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: te.path("/users/%s/status", te.agentID)}
		}},
	}
	maps.Copy(m, dialectMatrix())
	return m
}

const acct = "/v1beta/accounts/{accountId}"

var defaultPolicy = map[string]any{"minLength": 8, "requireLowercase": true, "requireUppercase": true,
	"requireDigit": true, "requireSymbol": true, "history": 0, "maxAgeDays": 0}

func tenantUser(te *tenant) map[string]any {
	return map[string]any{"organizationNodeId": te.node, "loginId": uniq("u") + "@" + te.account, "firstName": "New", "lastName": "User"}
}

// freshToken gives caller a token of its own kind that nothing else uses.
func (te *tenant) freshToken(s *server, caller string) string {
	switch caller {
	case "anonymous":
		return ""
	case "operator":
		return operatorToken
	case "adminClient":
		return s.clientToken(te.clientID, te.clientSecret, "")
	case "readClient":
		return s.clientToken(te.clientID, te.clientSecret, "read")
	}
	login := map[string]string{"adminUser": "admin@", "supervisor": "supervisor@", "agent": "agent@"}[caller]
	return s.login(te.account, login+te.account, testPassword)
}

// TestAuthorizationMatrix calls every route of the route table as every
// kind of caller and checks each cell of the matrix.
func TestAuthorizationMatrix(t *testing.T) {
	s := newServer(t, nil)
	te := newTenant(s, "ABCDEF")
	matrix := authzMatrix()
	for _, rt := range s.app.API.Routes() {
		key := rt.Method + " " + rt.Path
		row, ok := matrix[key]
		if !ok {
			t.Errorf("route %s is not in the authorization matrix of this test (and the README)", key)
			continue
		}
		delete(matrix, key)
		if row.build == nil {
			continue
		}
		for i, caller := range callers {
			req := row.build(s, te, caller)
			headers := te.as(caller)
			if req.token != "" {
				headers = []string{"Authorization", "Bearer " + req.token}
			}
			r := s.do(rt.Method, req.path, req.body, headers...)
			if !cellHolds(row.want[i], r.Status) {
				t.Errorf("%s as %s = %d, want %s: %s", key, caller, r.Status, describe(row.want[i]), r.Raw)
			}
		}
	}
	for key := range matrix {
		t.Errorf("the matrix has %s, which is not in the route table", key)
	}
}

func cellHolds(want byte, status int) bool {
	switch want {
	case 'Y':
		return status >= 200 && status < 300
	case '1':
		return status == http.StatusUnauthorized
	case '3':
		return status == http.StatusForbidden
	case '4':
		return status == http.StatusNotFound
	}
	return false
}

func describe(want byte) string {
	return map[byte]string{'Y': "2xx", '1': "401", '3': "403", '4': "404"}[want]
}
