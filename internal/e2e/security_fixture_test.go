package e2e

import (
	"fmt"
	"net/url"
	"strings"
)

// testPassword meets the default password policy.
const testPassword = "Passw0rd!Long"

// tenant is an account with one of everything and a credential of each
// kind of caller.
type tenant struct {
	account                        string
	node, group, queue, attr, prof string
	// users: an Administrator, a Supervisor owning group, an Agent in
	// group, and an Agent outside it.
	adminID, supervisorID, agentID, outsiderID string
	// clientID is an admin-scoped API client; readClientID a read one.
	clientID, clientSecret, readClientID string
	// Bearer tokens by caller.
	tokens map[string]string
}

// Callers of the authorization matrix, in its column order.
var callers = []string{"anonymous", "operator", "adminClient", "readClient", "adminUser", "supervisor", "agent"}

// newTenant creates account id with its catalog, users and clients, and
// logs each caller in.
func newTenant(s *server, id string) *tenant {
	s.t.Helper()
	p := func(format string, args ...any) string {
		return "/v1beta/accounts/" + id + fmt.Sprintf(format, args...)
	}
	te := &tenant{account: id, tokens: map[string]string{"anonymous": "", "operator": operatorToken}}
	s.must(201, "POST", "/v1beta/accounts", map[string]any{"accountId": id, "name": "Tenant " + id})
	te.node = s.must(201, "POST", p("/organizationNodes"), map[string]any{"name": "Floor"}).obj()["organizationNodeId"].(string)
	te.group = s.must(201, "POST", p("/groups"), map[string]any{"name": "Team"}).obj()["groupId"].(string)
	te.queue, te.attr = "q-"+strings.ToLower(id), "Language.English"
	s.must(201, "PUT", p("/queues/%s", te.queue), map[string]any{"name": "Sales"})
	s.must(201, "PUT", p("/attributes/%s", te.attr), nil)
	te.prof = s.must(202, "POST", p("/profiles"), map[string]any{"profileName": "Agents", "roles": []string{"Agent"}}).obj()["profileId"].(string)
	user := func(login string, extra map[string]any) string {
		body := map[string]any{"organizationNodeId": te.node, "loginId": login, "firstName": "Test", "lastName": "User",
			"password": testPassword}
		for k, v := range extra {
			body[k] = v
		}
		return s.must(202, "POST", p("/users"), body).obj()["userId"].(string)
	}
	te.adminID = user("admin@"+id, map[string]any{"roles": []string{"Administrator"}})
	te.supervisorID = user("supervisor@"+id, map[string]any{"roles": []string{"Supervisor"}, "ownedGroups": []string{te.group}})
	te.agentID = user("agent@"+id, map[string]any{"profileId": te.prof, "memberOfGroups": []string{te.group}})
	te.outsiderID = user("outsider@"+id, map[string]any{"profileId": te.prof})
	c := s.must(201, "POST", p("/clients"), map[string]any{"name": "sync", "scopes": []string{"admin"}}).obj()
	te.clientID, te.clientSecret = c["clientId"].(string), c["clientSecret"].(string)
	rc := s.must(201, "POST", p("/clients"), map[string]any{"name": "report", "scopes": []string{"read"}}).obj()
	te.readClientID = rc["clientId"].(string)
	te.tokens["adminClient"] = s.clientToken(te.clientID, te.clientSecret, "")
	te.tokens["readClient"] = s.clientToken(te.readClientID, rc["clientSecret"].(string), "")
	te.tokens["adminUser"] = s.login(id, "admin@"+id, testPassword)
	te.tokens["supervisor"] = s.login(id, "supervisor@"+id, testPassword)
	te.tokens["agent"] = s.login(id, "agent@"+id, testPassword)
	return te
}

// path returns the path of the tenant's account plus a suffix.
func (te *tenant) path(format string, args ...any) string {
	return "/v1beta/accounts/" + te.account + fmt.Sprintf(format, args...)
}

// as returns the headers that make a request as caller ("" header
// value: no credential at all).
func (te *tenant) as(caller string) []string {
	if tok := te.tokens[caller]; tok != "" {
		return []string{"Authorization", "Bearer " + tok}
	}
	return []string{"Authorization", ""}
}

// login logs a user in and returns its access token.
func (s *server) login(account, login, pw string) string {
	s.t.Helper()
	r := s.must(200, "POST", "/v1beta/accounts/"+account+"/token", map[string]any{"loginId": login, "password": pw}, "Authorization", "")
	return r.obj()["access_token"].(string)
}

// clientToken runs the OAuth 2.0 client credentials grant.
func (s *server) clientToken(id, secret, scope string) string {
	s.t.Helper()
	r := s.tokenRequest(id, secret, scope)
	if r.Status != 200 {
		s.t.Fatalf("POST /oauth/token = %d: %s", r.Status, r.Raw)
	}
	return r.obj()["access_token"].(string)
}

func (s *server) tokenRequest(id, secret, scope string) response {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return s.do("POST", "/oauth/token", form.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Authorization", "")
}
