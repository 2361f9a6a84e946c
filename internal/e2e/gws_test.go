package e2e

import (
	"encoding/base64"
	"strings"
	"testing"
)

const gwsBase = "/gws/accounts/ABCDEF/api/v2"

func basic(user, pw string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))}
}

// gwsStatus checks a GWS answer: the HTTP status and the statusCode, and
// on errors a statusMessage and nothing else.
func gwsStatus(t *testing.T, r response, status int, code float64) map[string]any {
	t.Helper()
	body := r.obj()
	if r.Status != status || body["statusCode"] != code {
		t.Fatalf("answer %d %s, want %d with statusCode %v", r.Status, r.Raw, status, code)
	}
	if code != 0 && (len(body) != 2 || body["statusMessage"] == "") {
		t.Errorf("a GWS error carries statusCode and statusMessage only: %s", r.Raw)
	}
	return body
}

// TestGWSFlows: create, list as URIs, fields and subresources, update by
// POST (roles replace the set), skills, /me, delete; with the operator under
// the account's path and with a user's HTTP Basic credentials under /api/v2.
func TestGWSFlows(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	s.must(201, "PUT", path("/attributes/Skill.Sales"), nil)
	admin := map[string]any{"userName": "boss@example.com", "password": testPassword, "firstName": "Bea",
		"lastName": "Boss", "roles": []string{"ROLE_ADMIN", "ROLE_AGENT"}}
	created := gwsStatus(t, s.do("POST", gwsBase+"/users", admin), 200, 0)
	id := created["id"].(string)
	if len(id) != 32 || created["path"] != "/users/"+id || !strings.HasSuffix(created["uri"].(string), gwsBase+"/users/"+id) {
		t.Errorf("create answer %v", created)
	}
	as := basic("boss@example.com", testPassword)
	agent := map[string]any{"userName": "ann@example.com", "password": testPassword, "firstName": "Ann",
		"lastName": "Agent", "roles": []string{"ROLE_AGENT"}, "changePasswordOnFirstLogin": true}
	agentID := gwsStatus(t, s.do("POST", "/api/v2/users", agent, as...), 200, 0)["id"].(string)

	uris := gwsStatus(t, s.do("GET", "/api/v2/users", nil, as...), 200, 0)["uris"].([]any)
	if len(uris) != 2 || !strings.HasSuffix(uris[0].(string), "/api/v2/users/"+agentID) && !strings.HasSuffix(uris[1].(string), "/api/v2/users/"+agentID) {
		t.Errorf("uris %v", uris)
	}
	users := gwsStatus(t, s.do("GET", "/api/v2/users?fields=*", nil, as...), 200, 0)["users"].([]any)
	for _, u := range users {
		if u := u.(map[string]any); u["skills"] != nil || u["userName"] == nil || u["doNotDisturb"] != "Off" {
			t.Errorf("fields=* user %v: want all fields, no subresources", u)
		}
	}
	users = gwsStatus(t, s.do("GET", "/api/v2/users?subresources=*", nil, as...), 200, 0)["users"].([]any)
	for _, u := range users {
		if u := u.(map[string]any); u["skills"] == nil || u["devices"] == nil {
			t.Errorf("subresources=* user %v: want skills and devices", u)
		}
	}

	// Update by POST: roles replace the GWS roles; the canonical ones kept.
	s.must(202, "PUT", pathf("/users/%s", uuidOf(agentID)), map[string]any{"organizationNodeId": "ABCDEF",
		"loginId": "ann@example.com", "firstName": "Ann", "lastName": "Agent", "roles": []string{"Agent", "Reporting"}})
	gwsStatus(t, s.do("POST", "/api/v2/users/"+agentID, map[string]any{"roles": []string{"ROLE_SUPERVISOR"}, "lastName": "Lead"}, as...), 200, 0)
	canon := s.must(200, "GET", pathf("/users/%s", uuidOf(agentID)), nil).obj()
	if mustJSON(t, canon["roles"]) != `["Reporting","Supervisor"]` || canon["lastName"] != "Lead" || canon["firstName"] != "Ann" {
		t.Errorf("after the GWS update the canonical user is %s", mustJSON(t, canon))
	}

	// Skills: routing attributes with GWS levels.
	gwsStatus(t, s.do("POST", "/api/v2/users/"+agentID+"/skills", map[string]any{"name": "Sales", "level": 7}, as...), 200, 0)
	skills := gwsStatus(t, s.do("GET", "/api/v2/users/"+agentID+"/skills", nil, as...), 200, 0)["skills"]
	if mustJSON(t, skills) != `[{"level":7,"name":"Sales"}]` {
		t.Errorf("skills %s", mustJSON(t, skills))
	}
	canon = s.must(200, "GET", pathf("/users/%s", uuidOf(agentID)), nil).obj()
	if mustJSON(t, canon["features"]) != `{"matching":{"attributes":["Skill.Sales"]}}` {
		t.Errorf("a skill is a routing attribute: features %s", mustJSON(t, canon["features"]))
	}
	gwsStatus(t, s.do("POST", "/api/v2/users/"+agentID+"/skills", map[string]any{"name": "Nope", "level": 1}, as...), 400, 2)
	gwsStatus(t, s.do("DELETE", "/api/v2/users/"+agentID+"/skills", map[string]any{"name": "Sales"}, as...), 200, 0)
	gwsStatus(t, s.do("DELETE", "/api/v2/users/"+agentID+"/skills?name=Sales", nil, as...), 404, 6)

	// A canonical voice feature is a GWS device.
	s.must(202, "PUT", pathf("/users/%s", uuidOf(created["id"].(string))), map[string]any{"organizationNodeId": "ABCDEF",
		"loginId": "boss@example.com", "firstName": "Bea", "lastName": "Boss", "roles": []string{"Administrator", "Agent"},
		"features": map[string]any{"voice": map[string]any{}}})
	s.drain()
	me := gwsStatus(t, s.do("GET", "/api/v2/me?subresources=*", nil, as...), 200, 0)["user"].(map[string]any)
	devices := me["devices"].([]any)
	if me["id"] != id || len(devices) != 1 || devices[0].(map[string]any)["deviceState"] != "Active" {
		t.Errorf("/me %s: want the caller with one active device", mustJSON(t, me))
	}

	// changePasswordOnFirstLogin: honoured at login, and by Basic; the
	// right password refused this way never locks the user out.
	for range 7 {
		gwsStatus(t, s.do("GET", "/api/v2/me", nil, basic("ann@example.com", testPassword)...), 403, 8)
	}
	s.must(403, "POST", path("/token"), map[string]any{"loginId": "ann@example.com", "password": testPassword})
	s.must(200, "POST", path("/token"), map[string]any{"loginId": "ann@example.com", "password": testPassword, "newPassword": "N3w-" + testPassword})
	ann := gwsStatus(t, s.do("GET", "/api/v2/me", nil, basic("ann@example.com", "N3w-"+testPassword)...), 200, 0)["user"].(map[string]any)
	if ann["changePasswordOnFirstLogin"] != false {
		t.Errorf("after the change changePasswordOnFirstLogin = %v", ann["changePasswordOnFirstLogin"])
	}

	gwsStatus(t, s.do("DELETE", "/api/v2/users/"+agentID, nil, as...), 200, 0)
	gwsStatus(t, s.do("GET", "/api/v2/users/"+agentID, nil, as...), 404, 6)
}

// TestGWSErrors: GWS's status codes, and nothing written.
func TestGWSErrors(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	u := map[string]any{"userName": "sam@example.com", "firstName": "Sam", "lastName": "S", "roles": []string{"ROLE_AGENT"}}
	id := gwsStatus(t, s.do("POST", gwsBase+"/users", u), 200, 0)["id"].(string)
	before := s.must(200, "GET", path("/users?pageSize=100"), nil).Raw
	gwsStatus(t, s.do("POST", gwsBase+"/users", map[string]any{"firstName": "No", "lastName": "Name", "roles": []string{}}), 400, 1)
	gwsStatus(t, s.do("POST", gwsBase+"/users", map[string]any{"userName": "not-an-address", "firstName": "N", "lastName": "A", "roles": []string{"ROLE_AGENT"}}), 400, 2)
	gwsStatus(t, s.do("POST", gwsBase+"/users", map[string]any{"userName": "x@example.com", "firstName": "N", "lastName": "A", "roles": []string{"ROLE_KING"}}), 400, 2)
	gwsStatus(t, s.do("POST", gwsBase+"/users", u), 403, 18)
	gwsStatus(t, s.do("POST", gwsBase+"/users/"+id, map[string]any{"doNotDisturb": "On"}), 400, 11)
	gwsStatus(t, s.do("POST", gwsBase+"/users/"+id, map[string]any{"userName": "other@example.com"}), 400, 11)
	gwsStatus(t, s.do("POST", gwsBase+"/users", `{"userName": "y@example.com", "roles": [`), 400, 2)
	gwsStatus(t, s.do("GET", gwsBase+"/users/"+strings.Repeat("0", 32), nil), 404, 6)
	gwsStatus(t, s.do("GET", gwsBase+"/users?fields=id", nil), 400, 2)
	gwsStatus(t, s.do("GET", "/api/v2/users", nil, basic("sam@example.com", "wrong")...), 401, 20)
	gwsStatus(t, s.do("GET", "/api/v2/users", nil, "Authorization", ""), 401, 20)
	gwsStatus(t, s.do("GET", "/api/v2/users", nil), 403, 5) // the operator has no account of its own
	if after := s.must(200, "GET", path("/users?pageSize=100"), nil).Raw; string(after) != string(before) {
		t.Errorf("refused requests changed the users:\nbefore %s\nafter  %s", before, after)
	}
}

// uuidOf is the canonical id of a GWS id.
func uuidOf(id string) string {
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// TestGWSBasicAcrossAccounts: under /api/v2 a Basic login name is the user
// who has held it longest across accounts; a later account's user of the
// same name uses its account's path, and only the holder's password is
// ever checked (one verification, whatever the accounts).
func TestGWSBasicAcrossAccounts(t *testing.T) {
	s := newServer(t, nil)
	for _, acct := range []string{"AAAAAA", "BBBBBB"} {
		s.must(201, "POST", "/v1beta/accounts", map[string]any{"accountId": acct, "name": acct})
		gwsStatus(t, s.do("POST", "/gws/accounts/"+acct+"/api/v2/users", map[string]any{"userName": "gina@example.com",
			"password": testPassword + acct, "firstName": "Gina", "lastName": acct, "roles": []string{"ROLE_AGENT"}}), 200, 0)
	}
	me := func(path, pw string, status int, code float64) map[string]any {
		return gwsStatus(t, s.do("GET", path, nil, basic("gina@example.com", pw)...), status, code)
	}
	for range 3 {
		if u := me("/api/v2/me", testPassword+"AAAAAA", 200, 0)["user"].(map[string]any); u["lastName"] != "AAAAAA" {
			t.Fatalf("/api/v2 Basic with the holder's password is %v", u)
		}
		before := s.app.Service.Verifications()
		me("/api/v2/me", testPassword+"BBBBBB", 401, 20) // the later account's password is not the holder's
		if n := s.app.Service.Verifications() - before; n != 1 {
			t.Errorf("a Basic login checked %d passwords, want 1", n)
		}
		if u := me("/gws/accounts/BBBBBB/api/v2/me", testPassword+"BBBBBB", 200, 0)["user"].(map[string]any); u["lastName"] != "BBBBBB" {
			t.Fatalf("Basic under B's path is %v", u)
		}
	}
	me("/gws/accounts/AAAAAA/api/v2/me", testPassword+"BBBBBB", 401, 20)
	me("/api/v2/me", "wrong", 401, 20)
}
