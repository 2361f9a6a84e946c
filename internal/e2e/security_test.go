package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMassAssignment: a client cannot choose the server's fields, refer to
// another account's ids, or write audit fields.
func TestMassAssignment(t *testing.T) {
	s := newServer(t, nil)
	a, b := newTenant(s, "AAAAAA"), newTenant(s, "BBBBBB")
	h := a.as("adminClient")
	body := tenantUser(a)
	body["userId"] = "11111111-1111-4111-8111-111111111111"
	body["features"] = map[string]any{"voice": map[string]any{"userExtension": "99999", "emergencyLocationIdentificationNumber": "123",
		"providers": []any{map[string]any{"providerAgentId": "x", "channelProviderId": "y"}}}}
	r := s.must(202, "POST", a.path("/users"), body, h...)
	got := r.obj()
	if got["userId"] == body["userId"] {
		t.Errorf("the client chose the userId %v", got["userId"])
	}
	voice := got["features"].(map[string]any)["voice"].(map[string]any)
	if voice["userExtension"] == "99999" || voice["emergencyLocationIdentificationNumber"] == "123" {
		t.Errorf("the client chose server-generated voice fields: %v", voice)
	}
	for _, c := range []struct {
		field string
		value any
	}{
		{"organizationNodeId", b.node},
		{"profileId", b.prof},
		{"memberOfGroups", []string{b.group}},
	} {
		body := tenantUser(a)
		body[c.field] = c.value
		r := s.must(400, "POST", a.path("/users"), body, h...)
		if !hasViolation(r, c.field) {
			t.Errorf("%s of another account: %s, want a violation on it", c.field, r.Raw)
		}
	}
	// A profile naming another account's catalog entries.
	s.must(201, "PUT", b.path("/attributes/Skill.OnlyInB"), nil)
	for _, c := range []struct {
		field string
		body  map[string]any
	}{
		{"memberOfGroups", map[string]any{"memberOfGroups": []string{b.group}}},
		{"features.matching.queues", map[string]any{"features": map[string]any{"matching": map[string]any{"queues": []any{map[string]any{"queueId": b.queue, "proficiency": 5}}}}}},
		{"features.matching.attributes", map[string]any{"features": map[string]any{"matching": map[string]any{"attributes": []string{"Skill.OnlyInB"}}}}},
	} {
		c.body["profileName"] = uniq("refs")
		r := s.must(400, "POST", a.path("/profiles"), c.body, h...)
		if !hasViolation(r, c.field) {
			t.Errorf("a profile with %s of another account: %s, want a violation on it", c.field, r.Raw)
		}
	}
	for _, field := range []string{"createdAt", "createdBy", "actorId", "version", "accountId"} {
		body := tenantUser(a)
		body[field] = "x"
		r := s.must(400, "POST", a.path("/users"), body, h...)
		if !hasViolation(r, field) {
			t.Errorf("%s in a user: %s, want an unknown-field violation", field, r.Raw)
		}
	}
}

func hasViolation(r response, field string) bool {
	vs, _ := r.obj()["violations"].([]any)
	for _, v := range vs {
		if f, _ := v.(map[string]any)["field"].(string); f == field || strings.HasPrefix(f, field+"[") {
			return true
		}
	}
	return false
}

// TestPasswordsNeverShow sets passwords every way there is and then looks
// for them in every answer, every log line and every row of every table.
func TestPasswordsNeverShow(t *testing.T) {
	s := newServer(t, map[string]string{"ROSTER_LOG_LEVEL": "debug"})
	te := newTenant(s, "ABCDEF")
	secrets := []string{"First!Secret1", "Second!Secret2", "Third!Secret3"}
	var answers strings.Builder
	keep := func(r response) { answers.Write(r.Raw) }
	body := tenantUser(te)
	body["password"] = secrets[0]
	r := s.must(202, "POST", te.path("/users"), body)
	keep(r)
	id := r.obj()["userId"].(string)
	keep(s.must(200, "POST", te.path("/token"), map[string]any{"loginId": body["loginId"], "password": secrets[0]}, "Authorization", ""))
	body["password"] = secrets[1]
	keep(s.must(202, "PUT", te.path("/users/%s", id), body))
	keep(s.must(200, "POST", te.path("/token"), map[string]any{"loginId": body["loginId"], "password": secrets[1], "newPassword": secrets[2]}, "Authorization", ""))
	keep(s.must(401, "POST", te.path("/token"), map[string]any{"loginId": body["loginId"], "password": secrets[0]}, "Authorization", ""))
	keep(s.must(400, "POST", te.path("/users"), map[string]any{"loginId": "x", "password": "short" + secrets[0][:3]}))
	keep(s.must(200, "GET", te.path("/users/%s", id), nil))
	keep(s.must(200, "GET", te.path("/auditRecords?pageSize=100"), nil))
	// Client secrets and tokens are secrets too: an Idempotency-Key must
	// not make roster keep the answer that shows the secret.
	c := s.must(201, "POST", te.path("/clients"), map[string]any{"name": "keys"}, "Idempotency-Key", "client-1").obj()
	secrets = append(secrets, c["clientSecret"].(string), te.tokens["adminUser"], te.tokens["adminClient"], operatorToken,
		s.clientToken(c["clientId"].(string), c["clientSecret"].(string), ""))
	s.drain()
	tables, err := s.app.Store.TableContents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	logs := s.logs.String()
	for i, pw := range secrets {
		if i < 3 && strings.Contains(answers.String(), pw) {
			t.Errorf("an answer holds the password %q", pw)
		}
		if strings.Contains(logs, pw) {
			t.Errorf("the logs hold the password %q", pw)
		}
		for table, rows := range tables {
			for _, row := range rows {
				if strings.Contains(row, pw) {
					t.Errorf("table %s holds the password %q: %s", table, pw, row)
				}
			}
		}
	}
	if !strings.Contains(logs, "/token") {
		t.Fatal("the logs were not captured; the test would prove nothing")
	}
}

// TestLockout: five wrong passwords lock a login name, known or not, even
// against the right password, for a delay that grows; the lock ends by
// itself. Unknown logins cost one password verification like wrong ones.
func TestLockout(t *testing.T) {
	s := newServer(t, nil) // lockout: 5 failures, then 100 ms doubling to 1 s
	te := newTenant(s, "ABCDEF")
	login := func(who, pw string) response {
		return s.do("POST", te.path("/token"), map[string]any{"loginId": who, "password": pw}, "Authorization", "")
	}
	for _, who := range []string{"agent@ABCDEF", "nobody@ABCDEF"} {
		for i := range 5 {
			before := s.app.Service.Verifications()
			if r := login(who, "Wrong!Passw0rd"); r.Status != 401 {
				t.Fatalf("wrong password %d for %s = %d: %s", i+1, who, r.Status, r.Raw)
			}
			if n := s.app.Service.Verifications() - before; n != 1 {
				t.Errorf("a failed login of %s verified %d passwords, want 1 (no shortcut for unknown logins)", who, n)
			}
		}
		r := login(who, testPassword)
		if r.Status != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("login of %s after 5 failures = %d (Retry-After %q), want 429 with Retry-After", who, r.Status, r.Header.Get("Retry-After"))
		}
	}
	// The same answers for both: nothing tells a real login from a made-up one.
	eventually(t, "the lock ends", func() bool { return login("agent@ABCDEF", "Wrong!Passw0rd").Status == 401 })
	if r := login("agent@ABCDEF", testPassword); r.Status != 429 {
		t.Errorf("after a 6th failure the login is not locked again: %d", r.Status)
	}
	eventually(t, "the longer lock ends", func() bool { return login("agent@ABCDEF", testPassword).Status == 200 })
	for range 5 {
		login("agent@ABCDEF", "Wrong!Passw0rd")
	}
	if r := login("agent@ABCDEF", testPassword); r.Status != 429 {
		t.Errorf("a success did not reset the count to a fresh 5: %d", r.Status)
	}
	// Parallel guesses: the attempt that reaches the threshold locks the
	// name before its password is checked, so only 5 are ever checked.
	eventually(t, "the lock ends", func() bool { return login("agent@ABCDEF", testPassword).Status == 200 })
	before := s.app.Service.Verifications()
	statuses := make(chan int, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { statuses <- login("agent@ABCDEF", "Wrong!Passw0rd").Status })
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for st := range statuses {
		counts[st]++
	}
	if checked := s.app.Service.Verifications() - before; checked != 5 || counts[401] != 5 || counts[429] != 15 {
		t.Errorf("20 parallel guesses: %d passwords checked, answers %v; want 5 checked, 5×401 and 15×429", checked, counts)
	}
	// A user without a password cannot log in, and costs a verification too.
	body := tenantUser(te)
	s.must(202, "POST", te.path("/users"), body)
	before = s.app.Service.Verifications()
	if r := login(body["loginId"].(string), testPassword); r.Status != 401 || s.app.Service.Verifications()-before != 1 {
		t.Errorf("login of a user without a password = %d after %d verifications", r.Status, s.app.Service.Verifications()-before)
	}
}

// TestPasswordPolicy: the account's policy holds on create, update and
// login; history forbids reuse; an expired password must be replaced.
func TestPasswordPolicy(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	s := newServerWith(t, nil, func(o *appOptions) { o.Clock = func() time.Time { return clock() } })
	te := newTenant(s, "ABCDEF")
	policy := map[string]any{"minLength": 12, "requireLowercase": true, "requireUppercase": false, "requireDigit": true,
		"requireSymbol": false, "history": 2, "maxAgeDays": 30}
	bad := map[string]any{"minLength": 4, "requireLowercase": true, "requireUppercase": true, "requireDigit": true,
		"requireSymbol": true, "history": 99, "maxAgeDays": -1}
	r := s.must(400, "PUT", te.path("/passwordPolicy"), bad)
	for _, f := range []string{"minLength", "history", "maxAgeDays"} {
		if !hasViolation(r, f) {
			t.Errorf("policy with a bad %s: %s", f, r.Raw)
		}
	}
	s.must(200, "PUT", te.path("/passwordPolicy"), policy)
	if got := s.must(200, "GET", te.path("/passwordPolicy"), nil).Body; fmt.Sprint(got) != fmt.Sprint(jsonOf(t, mustJSON(t, policy))) {
		t.Errorf("GET passwordPolicy = %v, want %v", got, policy)
	}
	body := tenantUser(te)
	for _, pw := range []string{"short1a", "nodigitsatall", "NOLOWERCASE123"} {
		body["password"] = pw
		if r := s.must(400, "POST", te.path("/users"), body); !hasViolation(r, "password") {
			t.Errorf("password %q: %s", pw, r.Raw)
		}
	}
	body["password"] = "first password 1"
	id := s.must(202, "POST", te.path("/users"), body).obj()["userId"].(string)
	for _, c := range []struct {
		pw   string
		want int
	}{{"first password 1", 400}, {"second password 2", 202}, {"first password 1", 400}, {"third password 3", 202}, {"first password 1", 202}} {
		body["password"] = c.pw
		if r := s.do("PUT", te.path("/users/%s", id), body); r.Status != c.want {
			t.Errorf("PUT with password %q = %d, want %d (history 2): %s", c.pw, r.Status, c.want, r.Raw)
		}
	}
	login := func(pw, newPw string) response {
		in := map[string]any{"loginId": body["loginId"], "password": pw}
		if newPw != "" {
			in["newPassword"] = newPw
		}
		return s.do("POST", te.path("/token"), in, "Authorization", "")
	}
	s.must(200, "POST", te.path("/token"), map[string]any{"loginId": body["loginId"], "password": "first password 1"}, "Authorization", "")
	now = now.Add(31 * 24 * time.Hour)
	if r := login("first password 1", ""); r.Status != 403 || !strings.Contains(r.obj()["detail"].(string), "expired") {
		t.Errorf("login with an expired password = %d: %s", r.Status, r.Raw)
	}
	if r := login("first password 1", "first password 1"); r.Status != 400 || !hasViolation(r, "newPassword") {
		t.Errorf("renewing an expired password with itself = %d: %s", r.Status, r.Raw)
	}
	if r := login("first password 1", "third password 3"); r.Status != 400 || !hasViolation(r, "newPassword") {
		t.Errorf("a new password from the history = %d: %s", r.Status, r.Raw)
	}
	if r := login("first password 1", "fourth password 4"); r.Status != 200 {
		t.Errorf("login with a new password = %d: %s", r.Status, r.Raw)
	}
	// A tighter policy: the old password must be replaced at the next login.
	policy["minLength"] = 20
	s.must(200, "PUT", te.path("/passwordPolicy"), policy)
	if r := login("fourth password 4", ""); r.Status != 403 {
		t.Errorf("login with a password the policy no longer allows = %d: %s", r.Status, r.Raw)
	}
	if r := login("fourth password 4", "a much longer password 5"); r.Status != 200 {
		t.Errorf("login replacing it = %d: %s", r.Status, r.Raw)
	}
}
