package vonage

import (
	"net/mail"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

const (
	pAccount = "userAccountConfiguration"
	pAgent   = pAccount + ".agentConfiguration"
	pPhone   = pAgent + ".telephonyAddress"
	pCap     = pAgent + ".capacity"
)

// Validate checks the seed's rules, each a violation on its own field, and
// fills in the seed's defaults (active, actAsAgent, location,
// virtualLocation, nationalDisplay, isAgentLevel). Whether the username is
// taken is the core's check (a 409 naming username).
func (u *User) Validate() roster.Violations {
	var vs roster.Violations
	required(&vs, "username", u.Username)
	required(&vs, "name", u.Name)
	if required(&vs, "email", u.Email) && !isEmail(*u.Email) {
		vs.Add("email", roster.VInvalid, "must be an e-mail address, such as agent@example.com")
	}
	if u.Active == nil {
		u.Active = ptr(true)
	}
	c := u.UserAccountConfiguration
	if c == nil {
		vs.Add(pAccount, roster.VRequired, "is required")
		return vs
	}
	if c.Role == nil {
		vs.Add(pAccount+".role", roster.VRequired, "is required: Admin, Supervisor, Wallboard or Agent")
	} else if !oneOf(*c.Role, RoleAdmin, RoleSupervisor, RoleWallboard, RoleAgent) {
		vs.Add(pAccount+".role", roster.VInvalid, "must be Admin, Supervisor, Wallboard or Agent")
	}
	agentRole := c.Role != nil && *c.Role == RoleAgent
	switch {
	case c.ActAsAgent == nil:
		c.ActAsAgent = ptr(agentRole)
	case agentRole && !*c.ActAsAgent:
		vs.Add(pAccount+".actAsAgent", roster.VInvalid, "is always true for the role Agent")
	}
	if *c.ActAsAgent || agentRole {
		if c.AgentConfiguration == nil {
			c.AgentConfiguration = &AgentConfig{}
		}
		c.AgentConfiguration.validateAgent(&vs)
	}
	if a := c.AgentConfiguration; a != nil {
		a.validate(&vs)
	}
	return vs
}

// validateAgent checks the fields an agent must have.
func (a *AgentConfig) validateAgent(vs *roster.Violations) {
	const why = "is required when the role is Agent or actAsAgent is true"
	if a.AgentDisplayID == nil || strings.TrimSpace(*a.AgentDisplayID) == "" {
		vs.Add(pAgent+".agentDisplayId", roster.VRequired, why)
	}
	if a.TelephonyAddress == nil || a.TelephonyAddress.TelephoneAddress == nil || *a.TelephonyAddress.TelephoneAddress == "" {
		vs.Add(pPhone+".telephoneAddress", roster.VRequired, why)
	}
}

// validate checks the ranges and formats of an agent's settings.
func (a *AgentConfig) validate(vs *roster.Violations) {
	timers := []struct {
		name string
		v    *int
	}{
		{"outboundWrapUp", a.OutboundWrapUp},
		{"backToReadyAfterNoAnswer", a.BackToReadyAfterNoAnswer},
		{"backToReadyAfterLineBusy", a.BackToReadyAfterLineBusy},
		{"backToReadyAfterInvalidNumber", a.BackToReadyAfterInvalidNumber},
		{"backToReadyAfterNetworkIssue", a.BackToReadyAfterNetworkIssue},
	}
	for _, t := range timers {
		inRange(vs, pAgent+"."+t.name, t.v, 1, 7200, "seconds")
	}
	inRange(vs, pAgent+".callRatingFrequency", a.CallRatingFrequency, 1, 100, "a percentage of calls")
	a.Location = country(vs, pAgent+".location", a.Location)
	if t := a.TelephonyAddress; t != nil {
		if p := t.TelephoneAddress; p != nil && (len(*p) > 255 || strings.Trim(*p, "+0123456789") != "") {
			vs.Add(pPhone+".telephoneAddress", roster.VInvalid, "may hold only + and the digits 0-9, at most 255 of them")
		}
		t.VirtualLocation = country(vs, pPhone+".virtualLocation", t.VirtualLocation)
		if t.NationalDisplay == nil {
			t.NationalDisplay = ptr(true)
		}
	}
	if c := a.Capacity; c != nil {
		c.validate(vs)
	}
}

func (c *Capacity) validate(vs *roster.Violations) {
	if c.IsAgentLevel == nil {
		c.IsAgentLevel = ptr(false)
	}
	if c.Live != nil && (*c.Live < 51 || *c.Live > 100) {
		vs.Add(pCap+".live", roster.VOutOfRange,
			"is %d, but a live interaction takes between 51 and 100 percent of an agent's capacity (Vonage's rule; the seed's own full example sends 50)", *c.Live)
	}
	for _, s := range []struct {
		name, lower string
		v, vl       *int
	}{{"nonLive", "nonlive", c.NonLive, c.NonLiveLower}, {"semiLive", "semilive", c.SemiLive, c.SemiLiveLower}} {
		if s.v != nil && s.vl != nil {
			vs.Add(pCap+"."+s.lower, roster.VDuplicate, "is %s spelled differently; send one of them", s.name)
		}
		inRange(vs, pCap+"."+s.name, s.v, 1, 100, "percent")
		inRange(vs, pCap+"."+s.lower, s.vl, 1, 100, "percent")
	}
}

func required(vs *roster.Violations, field string, s *string) bool {
	if s == nil || strings.TrimSpace(*s) == "" {
		vs.Add(field, roster.VRequired, "is required")
		return false
	}
	return true
}

func inRange(vs *roster.Violations, field string, v *int, lo, hi int, unit string) {
	if v != nil && (*v < lo || *v > hi) {
		vs.Add(field, roster.VOutOfRange, "must be between %d and %d (%s)", lo, hi, unit)
	}
}

// country checks an ISO 3166-1 alpha-2 code and defaults it to GB.
func country(vs *roster.Violations, field string, c *string) *string {
	if c == nil {
		return ptr("GB")
	}
	if !isCountry(*c) {
		vs.Add(field, roster.VInvalid, "must be an ISO 3166-1 alpha-2 country code, such as GB or PL")
	}
	return c
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
