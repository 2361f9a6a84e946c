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
// (profile, groups, other roles and features) is kept, and the roles and
// the voice feature change only as far as the Vonage role and actAsAgent
// change, so a GET sent back as a PUT changes nothing.
func (u *User) Input(accountID string, cur *roster.User, eff *roster.UserView) (roster.UserInput, error) {
	in := roster.UserInput{OrganizationNodeID: accountID} // the account's root node
	var effVoice json.RawMessage
	was := view{}
	if cur != nil {
		in = roster.InputOf(cur)
		effVoice, was = eff.Features[roster.FeatureVoice], viewOf(eff.Roles)
		in.Roles = slices.Clone(eff.Roles)
	}
	in.LoginID = *u.Username
	in.FirstName, in.LastName = splitName(*u.Name)
	c := u.UserAccountConfiguration
	now := view{role: *c.Role, agent: *c.ActAsAgent} // Validate: an Agent acts as one
	in.Roles = now.roles(in.Roles, was)
	hasVoice, err := now.voice(&in, was, effVoice, c.AgentConfiguration)
	if err != nil {
		return in, err
	}
	ext, err := json.Marshal(u.stored(hasVoice))
	if err != nil {
		return in, err
	}
	in.Core = &roster.UserCore{Dialect: roster.DialectVonage, Archived: !*u.Active, Extension: ext}
	if cur != nil {
		in.Core.MustChangePassword = cur.MustChangePassword
	}
	return in, nil
}

// view is how Vonage shows a user's roles: one role, and whether it acts
// as an agent.
type view struct {
	role  string
	agent bool
}

// viewOf derives the Vonage view of canonical roles.
func viewOf(roles []string) view {
	v := view{role: RoleWallboard, agent: slices.Contains(roles, "Agent")} // Wallboard: the fewest rights
	for _, r := range []string{RoleAdmin, RoleSupervisor, RoleWallboard, RoleAgent} {
		if slices.Contains(roles, roleOf[r]) {
			v.role = r
			break
		}
	}
	return v
}

// roles changes the canonical roles as far as the view changed from was:
// a new role replaces every role Vonage maps (the user is then what the
// PUT says); the user's other roles stay.
func (v view) roles(roles []string, was view) []string {
	if v.role != was.role {
		roles = slices.DeleteFunc(roles, isVonageRole)
		roles = append(roles, roleOf[v.role])
	}
	switch has := slices.Contains(roles, "Agent"); {
	case v.agent && !has:
		roles = append(roles, "Agent")
	case !v.agent && has:
		roles = slices.DeleteFunc(roles, func(r string) bool { return r == "Agent" })
	}
	return roles
}

// voice gives a user who becomes an agent the voice feature, takes it from
// one who stops being one, and sets an agent's voice autoAnswer from
// inboundAutoanswer. It tells whether the user has voice afterwards (then
// inboundAutoanswer lives there, not in the extension).
func (v view) voice(in *roster.UserInput, was view, have json.RawMessage, a *AgentConfig) (bool, error) {
	if in.Features == nil {
		in.Features = roster.Features{}
	}
	switch {
	case v.agent && (!was.agent || have != nil):
		voice, err := agentVoice(have, a.InboundAutoanswer)
		if err != nil {
			return false, err
		}
		in.Features[roster.FeatureVoice] = voice
		return true, nil
	case !v.agent && was.agent && have != nil:
		in.Features[roster.FeatureVoice] = nil // none, the profile's neither
	}
	return false, nil
}

func isVonageRole(canonical string) bool {
	for _, r := range roleOf {
		if r == canonical {
			return true
		}
	}
	return false
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
// the fields that are answered from elsewhere (inboundAutoanswer is the
// voice feature's autoAnswer when the user has voice).
func (u *User) stored(voice bool) *User {
	s := *u
	s.UserID, s.LastLoginTime, s.Locked = "", nil, nil
	if c := u.UserAccountConfiguration; c != nil {
		cc := *c
		cc.Chargeable = nil
		if a := cc.AgentConfiguration; a != nil && voice {
			ac := *a
			ac.InboundAutoanswer = nil
			cc.AgentConfiguration = &ac
		}
		s.UserAccountConfiguration = &cc
	}
	return &s
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
	v := viewOf(eff.Roles)
	out.Role, out.ActAsAgent, out.Chargeable = ptr(v.role), ptr(v.agent), ptr(!stored.Archived)
	if !v.agent {
		out.AgentConfiguration = nil
		return &out
	}
	a := AgentConfig{}
	if out.AgentConfiguration != nil {
		a = *out.AgentConfiguration
	}
	if raw := eff.Features[roster.FeatureVoice]; raw != nil {
		var voice roster.Voice
		if json.Unmarshal(raw, &voice) == nil {
			a.InboundAutoanswer = voice.AutoAnswer
		}
	}
	out.AgentConfiguration = &a
	return &out
}
