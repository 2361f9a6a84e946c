package vonage

import (
	"encoding/json"
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
