package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const vonageUsers = "/vcc/accounts/ABCDEF/users"

// seed001 reads a seed 001 example, as the seed prints it (testdata).
func seed001(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed001_" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestVonageSeedExamples: the seed's minimal agent is created as sent; its
// full example is malformed JSON (a normal 400); once that is mended, its
// capacity.live of 50 breaks the seed's own rule, and the error says so;
// with live corrected it is created, every field answered as sent.
func TestVonageSeedExamples(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	minimal := s.must(200, "POST", vonageUsers, seed001(t, "minimal")).obj()
	want := jsonOf(t, seed001(t, "minimal")).(map[string]any)
	want["userId"], want["lastLoginTime"], want["active"], want["locked"] = minimal["userId"], nil, true, false
	cfg := want["userAccountConfiguration"].(map[string]any)
	cfg["chargeable"], cfg["actAsAgent"] = true, true
	if got, w := mustJSON(t, minimal), mustJSON(t, want); got != w {
		t.Errorf("created minimal agent:\n got %s\nwant %s", got, w)
	}

	full := seed001(t, "full")
	r := s.must(400, "POST", vonageUsers, full)
	if v := violationList(r); len(v) != 1 || v[0]["code"] != "syntax" {
		t.Errorf("the seed's malformed example: violations %v, want one syntax error", v)
	}
	// Mended: the doubled key, and the seed's non-breaking spaces (not
	// JSON whitespace) made plain.
	full = strings.ReplaceAll(strings.Replace(full, `"virtualLocation"virtualLocation"`, `"virtualLocation"`, 1), "\u00a0", " ")
	r = s.must(400, "POST", vonageUsers, full)
	v := violationList(r)
	if len(v) != 1 || v[0]["field"] != "userAccountConfiguration.agentConfiguration.capacity.live" ||
		!strings.Contains(v[0]["message"].(string), "between 51 and 100") || !strings.Contains(v[0]["message"].(string), "is 50") {
		t.Errorf("live: 50: violations %v, want one on capacity.live saying 51-100 and 50", v)
	}
	full = strings.Replace(full, `"live": 50`, `"live": 60`, 1)
	created := s.must(200, "POST", vonageUsers, full).obj()
	sent := jsonOf(t, full).(map[string]any)
	sent["userId"], sent["lastLoginTime"], sent["locked"] = created["userId"], nil, false
	sent["userAccountConfiguration"].(map[string]any)["chargeable"] = true
	if got, w := mustJSON(t, created), mustJSON(t, sent); got != w {
		t.Errorf("created full example:\n got %s\nwant %s", got, w)
	}
	id := created["userId"].(string)
	got := s.must(200, "GET", vonageUsers+"/"+id, nil).obj()
	if mustJSON(t, got) != mustJSON(t, created) {
		t.Errorf("GET after create:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, created))
	}
	// Its one-word name has an empty canonical lastName, which the
	// canonical GET-modify-PUT loop keeps without complaint.
	canon := s.must(200, "GET", pathf("/users/%s?view=own", id), nil).obj()
	if canon["firstName"] != "Supervisor" || canon["lastName"] != "" {
		t.Errorf("one-word name: firstName %q, lastName %q", canon["firstName"], canon["lastName"])
	}
	canon["memberOfGroups"] = []string{seedGroup}
	s.must(202, "PUT", pathf("/users/%s", id), canon)
	if got := s.must(200, "GET", vonageUsers+"/"+id, nil).obj(); mustJSON(t, got) != mustJSON(t, created) {
		t.Errorf("after a canonical PUT of its own fields:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, created))
	}
	list := s.must(200, "GET", vonageUsers, nil)
	if n := len(list.Body.([]any)); n != 2 {
		t.Errorf("list has %d users, want 2", n)
	}
}

func violationList(r response) []map[string]any {
	var out []map[string]any
	for _, v := range r.obj()["violations"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

// vonageAgent is a valid Vonage agent body to break one rule of at a time.
func vonageAgent() map[string]any {
	return map[string]any{
		"username": uniq("agent"), "name": "Alex Agent", "email": "alex@example.com",
		"userAccountConfiguration": map[string]any{"role": "Agent", "agentConfiguration": map[string]any{
			"agentDisplayId": "77", "outboundWrapUp": 30, "callRatingFrequency": 10, "location": "PL",
			"telephonyAddress": map[string]any{"telephoneAddress": "+44800200", "virtualLocation": "DE"},
			"capacity":         map[string]any{"live": 60, "nonLive": 20, "semiLive": 20},
		}},
	}
}

// TestVonageRules: every rule of seed 001, each a violation on its own
// field, and a taken username a conflict naming username.
func TestVonageRules(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	s.must(200, "POST", vonageUsers, vonageAgent())
	const cfg, agent = "userAccountConfiguration", "userAccountConfiguration.agentConfiguration"
	set := func(path string, v any) func(map[string]any) {
		return func(b map[string]any) {
			keys := strings.Split(path, ".")
			m := b
			for _, k := range keys[:len(keys)-1] {
				m = m[k].(map[string]any)
			}
			if v == nil {
				delete(m, keys[len(keys)-1])
			} else {
				m[keys[len(keys)-1]] = v
			}
		}
	}
	cases := []struct {
		name, field string
		change      func(map[string]any)
	}{
		{"username required", "username", set("username", nil)},
		{"name required", "name", set("name", "  ")},
		{"email required", "email", set("email", nil)},
		{"email valid", "email", set("email", "not an address")},
		{"configuration required", cfg, set(cfg, nil)},
		{"role required", cfg + ".role", set(cfg+".role", nil)},
		{"role known", cfg + ".role", set(cfg+".role", "Owner")},
		{"agents act as agents", cfg + ".actAsAgent", set(cfg+".actAsAgent", false)},
		{"agentDisplayId for agents", agent + ".agentDisplayId", set(agent+".agentDisplayId", nil)},
		{"telephoneAddress for agents", agent + ".telephonyAddress.telephoneAddress", set(agent+".telephonyAddress", nil)},
		{"telephoneAddress characters", agent + ".telephonyAddress.telephoneAddress", set(agent+".telephonyAddress.telephoneAddress", "800-200")},
		{"telephoneAddress length", agent + ".telephonyAddress.telephoneAddress", set(agent+".telephonyAddress.telephoneAddress", strings.Repeat("1", 256))},
		{"outboundWrapUp 1-7200", agent + ".outboundWrapUp", set(agent+".outboundWrapUp", 0)},
		{"backToReadyAfterNoAnswer 1-7200", agent + ".backToReadyAfterNoAnswer", set(agent+".backToReadyAfterNoAnswer", 7201)},
		{"backToReadyAfterLineBusy 1-7200", agent + ".backToReadyAfterLineBusy", set(agent+".backToReadyAfterLineBusy", 0)},
		{"backToReadyAfterInvalidNumber 1-7200", agent + ".backToReadyAfterInvalidNumber", set(agent+".backToReadyAfterInvalidNumber", 9000)},
		{"backToReadyAfterNetworkIssue 1-7200", agent + ".backToReadyAfterNetworkIssue", set(agent+".backToReadyAfterNetworkIssue", -1)},
		{"callRatingFrequency a percentage", agent + ".callRatingFrequency", set(agent+".callRatingFrequency", 101)},
		{"live 51-100", agent + ".capacity.live", set(agent+".capacity.live", 50)},
		{"nonLive 1-100", agent + ".capacity.nonLive", set(agent+".capacity.nonLive", 0)},
		{"semiLive 1-100", agent + ".capacity.semiLive", set(agent+".capacity.semiLive", 101)},
		{"semilive 1-100", agent + ".capacity.semilive", func(b map[string]any) {
			set(agent+".capacity.semiLive", nil)(b)
			set(agent+".capacity.semilive", 0)(b)
		}},
		{"location a country", agent + ".location", set(agent+".location", "UK")},
		{"virtualLocation a country", agent + ".telephonyAddress.virtualLocation", set(agent+".telephonyAddress.virtualLocation", "pl")},
		{"supervisor acting as agent needs agentDisplayId", agent + ".agentDisplayId", func(b map[string]any) {
			set(cfg+".role", "Supervisor")(b)
			set(cfg+".actAsAgent", true)(b)
			set(agent+".agentDisplayId", nil)(b)
		}},
	}
	before := s.must(200, "GET", vonageUsers, nil).Raw
	for _, c := range cases {
		b := vonageAgent()
		c.change(b)
		r := s.must(400, "POST", vonageUsers, b)
		if v := violationList(r); len(v) != 1 || v[0]["field"] != c.field {
			t.Errorf("%s: violations %v, want one on %s", c.name, v, c.field)
		}
	}
	if after := s.must(200, "GET", vonageUsers, nil).Raw; string(after) != string(before) {
		t.Errorf("refused creates changed the users:\nbefore %s\nafter  %s", before, after)
	}
	taken := vonageAgent()
	taken["username"] = strings.ToUpper(s.must(200, "POST", vonageUsers, vonageAgent()).obj()["username"].(string))
	r := s.must(409, "POST", vonageUsers, taken)
	if v := violationList(r); len(v) != 1 || v[0]["field"] != "username" {
		t.Errorf("taken username: violations %v, want one on username", v)
	}
	if after := s.must(200, "GET", vonageUsers, nil).Raw; len(after) <= len(before) {
		t.Errorf("the valid create did not add a user")
	}
	// The defaults: a supervisor who does not act as an agent, and an
	// agent's unset countries and national display.
	b := vonageAgent()
	set(agent+".location", nil)(b)
	set(agent+".telephonyAddress.virtualLocation", nil)(b)
	got := s.must(200, "POST", vonageUsers, b).obj()
	a := got["userAccountConfiguration"].(map[string]any)["agentConfiguration"].(map[string]any)
	tel := a["telephonyAddress"].(map[string]any)
	if a["location"] != "GB" || tel["virtualLocation"] != "GB" || tel["nationalDisplay"] != true {
		t.Errorf("defaults: location %v, virtualLocation %v, nationalDisplay %v; want GB, GB, true", a["location"], tel["virtualLocation"], tel["nationalDisplay"])
	}
}

// TestVonageRoundTrip: created through Vonage, read through the canonical
// API and GWS, changed through the canonical API, read back through Vonage
// with every field the change did not touch as it was; archived with
// active false (it cannot log in, and stays listed); deleted.
func TestVonageRoundTrip(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	body := vonageAgent()
	body["name"] = "Mary Ann Smith"
	cap := body["userAccountConfiguration"].(map[string]any)["agentConfiguration"].(map[string]any)["capacity"].(map[string]any)
	delete(cap, "nonLive")
	cap["nonlive"] = 25 // the response's spelling, answered as sent
	created := s.must(200, "POST", vonageUsers, body).obj()
	id := created["userId"].(string)

	canon := s.must(200, "GET", pathf("/users/%s", id), nil).obj()
	if canon["loginId"] != body["username"] || canon["firstName"] != "Mary Ann" || canon["lastName"] != "Smith" ||
		mustJSON(t, canon["roles"]) != `["Agent"]` || canon["features"].(map[string]any)["voice"] == nil {
		t.Errorf("canonical view of a Vonage agent: %s", mustJSON(t, canon))
	}
	g := s.must(200, "GET", "/gws/accounts/ABCDEF/api/v2/users/"+gwsID(id)+"?subresources=*", nil).obj()["user"].(map[string]any)
	if g["userName"] != body["username"] || g["firstName"] != "Mary Ann" || mustJSON(t, g["roles"]) != `["ROLE_AGENT"]` ||
		len(g["devices"].([]any)) != 1 || g["enabled"] != true {
		t.Errorf("GWS view of a Vonage agent: %s", mustJSON(t, g))
	}

	// The canonical GET-modify-PUT: new names, a supervisor too, a skill.
	put := map[string]any{"organizationNodeId": canon["organizationNodeId"], "loginId": canon["loginId"],
		"firstName": "Maria", "lastName": "Smith-Jones", "roles": []string{"Agent", "Supervisor"},
		"features": map[string]any{"voice": canon["features"].(map[string]any)["voice"],
			"matching": map[string]any{"attributes": []string{"Language.French"}}}}
	s.must(202, "PUT", pathf("/users/%s", id), put)

	back := s.must(200, "GET", vonageUsers+"/"+id, nil).obj()
	want := created
	want["name"] = "Maria Smith-Jones"
	want["userAccountConfiguration"].(map[string]any)["role"] = "Supervisor"
	if got, w := mustJSON(t, back), mustJSON(t, want); got != w {
		t.Errorf("read back through Vonage:\n got %s\nwant %s", got, w)
	}

	// Archived: it stays listed, answers active false, cannot log in.
	s.must(202, "PUT", pathf("/users/%s", id), map[string]any{"organizationNodeId": canon["organizationNodeId"],
		"loginId": "archie", "firstName": "Archie", "lastName": "Able", "password": testPassword})
	s.must(200, "POST", "/v1beta/accounts/ABCDEF/token", map[string]any{"loginId": "archie", "password": testPassword})
	put2 := jsonOf(t, mustJSON(t, back)).(map[string]any)
	put2["active"], put2["username"] = false, "archie"
	archived := s.must(200, "PUT", vonageUsers+"/"+id, put2).obj()
	if archived["active"] != false || archived["userAccountConfiguration"].(map[string]any)["chargeable"] != false {
		t.Errorf("archived: active %v, chargeable %v; want false, false", archived["active"], archived["userAccountConfiguration"])
	}
	if archived["lastLoginTime"] == nil {
		t.Errorf("lastLoginTime is null after a login")
	}
	s.must(403, "POST", "/v1beta/accounts/ABCDEF/token", map[string]any{"loginId": "archie", "password": testPassword})
	var listed []map[string]any
	json.Unmarshal(s.must(200, "GET", vonageUsers, nil).Raw, &listed)
	if len(listed) != 1 || listed[0]["active"] != false {
		t.Errorf("list after archiving: %v, want the archived user", listed)
	}
	s.must(204, "DELETE", vonageUsers+"/"+id, nil)
	s.must(404, "GET", vonageUsers+"/"+id, nil)
}

// TestVonageKeepsWhatItCannotSay: a user made elsewhere, sent back through
// Vonage as read, keeps every role and group; becoming an agent and
// ceasing to be one add and take the Agent role and the voice feature;
// inboundAutoanswer is the voice feature's autoAnswer.
func TestVonageKeepsWhatItCannotSay(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	body := map[string]any{"organizationNodeId": "ABCDEF", "loginId": "kim@example.com", "firstName": "Kim", "lastName": "Lee",
		"roles": []string{"Administrator", "Supervisor", "Business Analyst"}, "ownedGroups": []string{seedGroup}}
	id := s.must(202, "POST", path("/users"), body).obj()["userId"].(string)
	own := func() string { return mustJSON(t, s.must(200, "GET", pathf("/users/%s?view=own", id), nil).obj()) }
	before := own()
	v := s.must(200, "GET", vonageUsers+"/"+id, nil).obj()
	if v["email"] != "kim@example.com" || v["userAccountConfiguration"].(map[string]any)["role"] != "Admin" {
		t.Errorf("Vonage view of a canonical user: %s", mustJSON(t, v))
	}
	s.must(200, "PUT", vonageUsers+"/"+id, v)
	if after := own(); after != before {
		t.Errorf("a Vonage GET sent back as a PUT changed the user:\nbefore %s\nafter  %s", before, after)
	}

	cfg := v["userAccountConfiguration"].(map[string]any)
	cfg["actAsAgent"] = true
	cfg["agentConfiguration"] = map[string]any{"agentDisplayId": "9", "inboundAutoanswer": true,
		"telephonyAddress": map[string]any{"telephoneAddress": "+4420"}}
	s.must(200, "PUT", vonageUsers+"/"+id, v)
	canon := s.must(200, "GET", pathf("/users/%s", id), nil).obj()
	if mustJSON(t, canon["roles"]) != `["Administrator","Supervisor","Business Analyst","Agent"]` ||
		canon["features"].(map[string]any)["voice"].(map[string]any)["autoAnswer"] != true {
		t.Errorf("became an agent: %s", mustJSON(t, canon))
	}
	// The canonical API turns auto-answer off, then drops the setting.
	voice := map[string]any{"autoAnswer": false}
	put := map[string]any{"organizationNodeId": "ABCDEF", "loginId": "kim@example.com", "firstName": "Kim", "lastName": "Lee",
		"roles": canon["roles"], "ownedGroups": []string{seedGroup}, "features": map[string]any{"voice": voice}}
	s.must(202, "PUT", pathf("/users/%s", id), put)
	a := func() any {
		return s.must(200, "GET", vonageUsers+"/"+id, nil).obj()["userAccountConfiguration"].(map[string]any)["agentConfiguration"].(map[string]any)["inboundAutoanswer"]
	}
	if got := a(); got != false {
		t.Errorf("inboundAutoanswer after the canonical change = %v, want false", got)
	}
	delete(voice, "autoAnswer")
	s.must(202, "PUT", pathf("/users/%s", id), put)
	if got := a(); got != nil {
		t.Errorf("inboundAutoanswer after the canonical API dropped it = %v, want none", got)
	}

	v = s.must(200, "GET", vonageUsers+"/"+id, nil).obj()
	v["userAccountConfiguration"].(map[string]any)["actAsAgent"] = false
	s.must(200, "PUT", vonageUsers+"/"+id, v)
	canon = s.must(200, "GET", pathf("/users/%s", id), nil).obj()
	if mustJSON(t, canon["roles"]) != `["Administrator","Supervisor","Business Analyst"]` || canon["features"] != nil {
		t.Errorf("no longer an agent: %s", mustJSON(t, canon))
	}
	g := s.must(200, "GET", "/gws/accounts/ABCDEF/api/v2/users/"+gwsID(id)+"?subresources=*", nil).obj()["user"].(map[string]any)
	if len(g["devices"].([]any)) != 0 {
		t.Errorf("GWS devices of a user without voice: %v", g["devices"])
	}
}
