package vonage

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

func TestSplitName(t *testing.T) {
	for _, c := range []struct{ name, first, last string }{
		{"Agent Name", "Agent", "Name"},
		{"Mary Ann Smith", "Mary Ann", "Smith"},
		{"Supervisor", "Supervisor", ""},
		{"  Li  Wei ", "Li", "Wei"},
		{"", "", ""},
	} {
		if f, l := splitName(c.name); f != c.first || l != c.last {
			t.Errorf("splitName(%q) = %q, %q; want %q, %q", c.name, f, l, c.first, c.last)
		}
	}
}

// TestRolesBothWays: a Vonage role and actAsAgent become canonical roles
// (other roles kept) and come back the same.
func TestRolesBothWays(t *testing.T) {
	for _, c := range []struct {
		role  string
		agent bool
		want  string
	}{
		{RoleAdmin, false, `["Business Analyst","Administrator"]`},
		{RoleSupervisor, true, `["Business Analyst","Supervisor","Agent"]`},
		{RoleWallboard, false, `["Business Analyst","Reporting"]`},
		{RoleAgent, true, `["Business Analyst","Agent"]`},
	} {
		u := &User{Username: ptr("u"), Name: ptr("U Ser"), Email: ptr("u@example.com"),
			UserAccountConfiguration: &AccountConfig{Role: ptr(c.role), ActAsAgent: ptr(c.agent)}}
		if c.agent {
			u.UserAccountConfiguration.AgentConfiguration = &AgentConfig{AgentDisplayID: ptr("1"),
				TelephonyAddress: &TelephonyAddress{TelephoneAddress: ptr("1")}}
		}
		if vs := u.Validate(); len(vs) > 0 {
			t.Fatalf("%s: %v", c.role, vs)
		}
		cur := &roster.User{ID: "x", Roles: []string{"Business Analyst", "Supervisor"}}
		eff := roster.Effective(cur, nil)
		in, err := u.Input("ABCDEF", cur, &eff)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(in.Roles); string(got) != c.want {
			t.Errorf("%s (actAsAgent %v): roles %s, want %s", c.role, c.agent, got, c.want)
		}
		stored := &roster.User{ID: "x", LoginID: "u", FirstName: in.FirstName, LastName: in.LastName, Roles: in.Roles,
			Features: in.Features, Extensions: roster.Extensions{roster.DialectVonage: in.Core.Extension}}
		back, err := FromCanonical(stored, roster.Effective(stored, nil), false)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.UserAccountConfiguration; *got.Role != c.role || *got.ActAsAgent != c.agent {
			t.Errorf("%s (actAsAgent %v) read back as %s (actAsAgent %v)", c.role, c.agent, *got.Role, *got.ActAsAgent)
		}
		if *back.Name != "U Ser" {
			t.Errorf("name read back as %q", *back.Name)
		}
	}
}

// TestUnchangedViewChangesNothing: a user's Vonage view sent back changes
// none of its roles or features, whatever roles it has.
func TestUnchangedViewChangesNothing(t *testing.T) {
	for _, roles := range [][]string{
		{"Administrator", "Supervisor", "Reporting"},
		{"Business Analyst"},
		{"Supervisor", "Agent", "Reporting_Supervisor"},
		nil,
	} {
		voice := json.RawMessage(`{"autoAnswer":true}`)
		cur := &roster.User{ID: "x", LoginID: "u", FirstName: "U", LastName: "Ser", Roles: roles,
			Features: roster.Features{roster.FeatureVoice: voice}}
		eff := roster.Effective(cur, nil)
		v, err := FromCanonical(cur, eff, false)
		if err != nil {
			t.Fatal(err)
		}
		v.Email = ptr("u@example.com")
		if a := v.UserAccountConfiguration.AgentConfiguration; a != nil {
			a.AgentDisplayID, a.TelephonyAddress = ptr("1"), &TelephonyAddress{TelephoneAddress: ptr("1")}
		}
		if vs := v.Validate(); len(vs) > 0 {
			t.Fatalf("%v: %v", roles, vs)
		}
		in, err := v.Input("ABCDEF", cur, &eff)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in.Roles, roles) && !(len(roles) == 0 && len(in.Roles) == 0) {
			t.Errorf("roles %v sent back as their view became %v", roles, in.Roles)
		}
		if got := string(in.Features[roster.FeatureVoice]); got != string(voice) {
			t.Errorf("roles %v: voice %s became %s", roles, voice, got)
		}
	}
}

// TestNameFollowsCanonicalChange: the Vonage name is answered as sent until
// the canonical names change.
func TestNameFollowsCanonicalChange(t *testing.T) {
	ext, _ := json.Marshal(User{Name: ptr("Mary  Ann   Smith")})
	u := &roster.User{FirstName: "Mary  Ann", LastName: "Smith", Extensions: roster.Extensions{roster.DialectVonage: ext}}
	got, _ := FromCanonical(u, roster.Effective(u, nil), false)
	if *got.Name != "Mary  Ann   Smith" {
		t.Errorf("untouched name = %q, want it as sent", *got.Name)
	}
	u.FirstName = "Maria"
	got, _ = FromCanonical(u, roster.Effective(u, nil), false)
	if *got.Name != "Maria Smith" {
		t.Errorf("after a canonical change name = %q, want %q", *got.Name, "Maria Smith")
	}
}

// TestRoleChangeReplacesMappedRoles: a new Vonage role is what the user
// then is: every mapped role goes, the others stay.
func TestRoleChangeReplacesMappedRoles(t *testing.T) {
	for _, c := range []struct {
		role  string
		agent bool
		want  string
	}{
		{RoleAgent, true, `["Business Analyst","Agent"]`},
		{RoleWallboard, false, `["Business Analyst","Reporting"]`},
		{RoleSupervisor, false, `["Business Analyst","Supervisor"]`},
	} {
		cur := &roster.User{ID: "x", Roles: []string{"Administrator", "Supervisor", "Business Analyst", "Agent"}}
		eff := roster.Effective(cur, nil)
		u := &User{Username: ptr("u"), Name: ptr("U"), Email: ptr("u@example.com"),
			UserAccountConfiguration: &AccountConfig{Role: ptr(c.role), ActAsAgent: ptr(c.agent),
				AgentConfiguration: &AgentConfig{AgentDisplayID: ptr("1"), TelephonyAddress: &TelephonyAddress{TelephoneAddress: ptr("1")}}}}
		if vs := u.Validate(); len(vs) > 0 {
			t.Fatal(vs)
		}
		in, err := u.Input("ABCDEF", cur, &eff)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(in.Roles); string(got) != c.want {
			t.Errorf("Admin+Supervisor+Agent put as %s (actAsAgent %v): roles %s, want %s", c.role, c.agent, got, c.want)
		}
	}
}

// TestAgentWithoutVoiceStaysSo: an agent that opted out of voice is not
// given it back by its own view sent back.
func TestAgentWithoutVoiceStaysSo(t *testing.T) {
	cur := &roster.User{ID: "x", LoginID: "u", FirstName: "U", LastName: "Ser", Roles: []string{"Agent"},
		Features: roster.Features{roster.FeatureVoice: nil}}
	eff := roster.Effective(cur, nil)
	v, _ := FromCanonical(cur, eff, false)
	v.Email = ptr("u@example.com")
	a := v.UserAccountConfiguration.AgentConfiguration
	a.AgentDisplayID, a.TelephonyAddress, a.InboundAutoanswer = ptr("1"), &TelephonyAddress{TelephoneAddress: ptr("1")}, ptr(true)
	if vs := v.Validate(); len(vs) > 0 {
		t.Fatal(vs)
	}
	in, err := v.Input("ABCDEF", cur, &eff)
	if err != nil {
		t.Fatal(err)
	}
	if raw, set := in.Features[roster.FeatureVoice]; !set || raw != nil {
		t.Errorf("voice of an opted-out agent = %s (set %v), want the opt-out kept", raw, set)
	}
	var ext User
	json.Unmarshal(in.Core.Extension, &ext)
	if got := ext.UserAccountConfiguration.AgentConfiguration.InboundAutoanswer; got == nil || !*got {
		t.Errorf("inboundAutoanswer of an agent without voice is kept as sent: got %v", got)
	}
}
