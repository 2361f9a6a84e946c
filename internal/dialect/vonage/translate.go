package vonage

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// roleOf maps the Vonage roles to the canonical ones (docs/dialects.md).
var roleOf = map[string]string{
	RoleAdmin:      "Administrator",
	RoleSupervisor: "Supervisor",
	RoleWallboard:  "Reporting",
	RoleAgent:      "Agent",
}

// Input translates a validated Vonage user into the full replacement of
// the canonical user's own fields. cur and eff are the user as stored and
// in its effective view, nil on a create: what has no Vonage counterpart
// (profile, groups, other roles and features) is kept.
func (u *User) Input(accountID string, cur *roster.User, eff *roster.UserView) (roster.UserInput, error) {
	in := roster.UserInput{OrganizationNodeID: accountID} // the account's root node
	var effRoles []string
	var effVoice json.RawMessage
	if cur != nil {
		in = roster.InputOf(cur)
		effRoles, effVoice = eff.Roles, eff.Features[roster.FeatureVoice]
	}
	in.LoginID = *u.Username
	in.FirstName, in.LastName = splitName(*u.Name)
	c := u.UserAccountConfiguration
	roles := slices.DeleteFunc(slices.Clone(effRoles), func(r string) bool { return isVonageRole(r) })
	roles = append(roles, roleOf[*c.Role])
	if *c.ActAsAgent && *c.Role != RoleAgent {
		roles = append(roles, "Agent")
	}
	in.Roles = roles
	if *c.ActAsAgent {
		voice, err := agentVoice(effVoice, c.AgentConfiguration.InboundAutoanswer)
		if err != nil {
			return in, err
		}
		if in.Features == nil {
			in.Features = roster.Features{}
		}
		in.Features[roster.FeatureVoice] = voice
	}
	ext, err := json.Marshal(u.stored())
	if err != nil {
		return in, err
	}
	in.Core = &roster.UserCore{Dialect: roster.DialectVonage, Archived: !*u.Active, Extension: ext}
	if cur != nil {
		in.Core.MustChangePassword = cur.MustChangePassword
	}
	return in, nil
}

// agentVoice is an agent's voice feature: the one it has, with autoAnswer
// from inboundAutoanswer when that is sent.
func agentVoice(have json.RawMessage, autoAnswer *bool) (json.RawMessage, error) {
	var v roster.Voice
	if have != nil {
		if err := json.Unmarshal(have, &v); err != nil {
			return nil, err
		}
	}
	if autoAnswer != nil {
		v.AutoAnswer = autoAnswer
	}
	v.UserExtension, v.EmergencyLocationIdentificationNumber, v.Providers = "", "", nil
	return json.Marshal(v)
}

// stored is what the Vonage extension keeps: the user as sent, without
// the fields that are answered from elsewhere.
func (u *User) stored() *User {
	s := *u
	s.UserID, s.LastLoginTime, s.Locked = "", nil, nil
	if c := u.UserAccountConfiguration; c != nil {
		cc := *c
		cc.Chargeable = nil
		s.UserAccountConfiguration = &cc
	}
	return &s
}

func isVonageRole(canonical string) bool {
	for _, r := range roleOf {
		if r == canonical {
			return true
		}
	}
	return false
}

// splitName gives a Vonage name's canonical first and last names: the
// last word is the last name; a name of one word is a first name only.
func splitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	i := strings.LastIndexAny(name, " \t")
	if i < 0 {
		return name, ""
	}
	return strings.TrimSpace(name[:i]), name[i+1:]
}

// FromCanonical renders a user in Vonage's shape: the Vonage fields it was
// given (the extension), with every field that maps taken from the
// canonical user as it is now. locked tells whether its login is locked out.
func FromCanonical(stored *roster.User, eff roster.UserView, locked bool) (*User, error) {
	var u User
	if ext := stored.Extensions[roster.DialectVonage]; ext != nil {
		if err := json.Unmarshal(ext, &u); err != nil {
			return nil, err
		}
	}
	u.UserID, u.Username = stored.ID, ptr(stored.LoginID)
	if u.Name == nil || !sameName(*u.Name, stored.FirstName, stored.LastName) {
		u.Name = ptr(strings.TrimSpace(stored.FirstName + " " + stored.LastName))
	}
	if u.Email == nil && isEmail(stored.LoginID) { // a user made elsewhere
		u.Email = ptr(stored.LoginID)
	}
	u.Active, u.Locked = ptr(!stored.Archived), ptr(locked)
	if !stored.LastLoginAt.IsZero() {
		u.LastLoginTime = ptr(stored.LastLoginAt.UTC().Format("2006-01-02T15:04:05.000Z07:00")) // as the seed
	}
	u.UserAccountConfiguration = accountConfig(u.UserAccountConfiguration, stored, eff)
	return &u, nil
}

func sameName(name, first, last string) bool {
	f, l := splitName(name)
	return f == first && l == last
}

// accountConfig derives the role, actAsAgent and chargeable from the
// effective roles, and shows the agent settings of agents only.
func accountConfig(c *AccountConfig, stored *roster.User, eff roster.UserView) *AccountConfig {
	out := AccountConfig{}
	if c != nil {
		out = *c
	}
	agent := slices.Contains(eff.Roles, "Agent")
	role := RoleWallboard // the fewest rights, for a user with none of the roles below
	for _, r := range []string{RoleAdmin, RoleSupervisor, RoleWallboard, RoleAgent} {
		if slices.Contains(eff.Roles, roleOf[r]) {
			role = r
			break
		}
	}
	out.Role, out.ActAsAgent, out.Chargeable = ptr(role), ptr(agent), ptr(!stored.Archived)
	if !agent {
		out.AgentConfiguration = nil
		return &out
	}
	a := AgentConfig{}
	if out.AgentConfiguration != nil {
		a = *out.AgentConfiguration
	}
	if raw := eff.Features[roster.FeatureVoice]; raw != nil {
		var v roster.Voice
		if json.Unmarshal(raw, &v) == nil && v.AutoAnswer != nil {
			a.InboundAutoanswer = v.AutoAnswer
		}
	}
	out.AgentConfiguration = &a
	return &out
}
