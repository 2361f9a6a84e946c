// Package gws is the Genesys Web Services 8.5 dialect of roster's users
// (seed 002, and API.md §6): its shapes, rules and status codes, and the
// translation to and from the canonical user. It does no I/O.
package gws

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// User is a GWS user, as sent and as answered. id, uri and path are
// accepted and ignored on input (a GET can be sent back); doNotDisturb,
// skills and devices are read-only.
type User struct {
	ID                         string    `json:"id,omitempty"`
	UserName                   *string   `json:"userName,omitempty"`
	Password                   *string   `json:"password,omitempty"`
	FirstName                  *string   `json:"firstName,omitempty"`
	LastName                   *string   `json:"lastName,omitempty"`
	Roles                      *[]string `json:"roles,omitempty"`
	Enabled                    *bool     `json:"enabled,omitempty"`
	ChangePasswordOnFirstLogin *bool     `json:"changePasswordOnFirstLogin,omitempty"`
	DoNotDisturb               *string   `json:"doNotDisturb,omitempty"`
	URI                        string    `json:"uri,omitempty"`
	Path                       string    `json:"path,omitempty"`
	Skills                     *[]Skill  `json:"skills,omitempty"`
	Devices                    *[]Device `json:"devices,omitempty"`
}

// Skill is a routing skill of a user: a canonical routing attribute with
// the level GWS gives it.
type Skill struct {
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// Device is the user's voice device: the canonical voice feature.
type Device struct {
	ID           string `json:"id"`
	DeviceState  string `json:"deviceState"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
	DoNotDisturb string `json:"doNotDisturb"`
}

// Extension is what a user keeps for GWS: the levels of its skills.
type Extension struct {
	SkillLevels map[string]int `json:"skillLevels,omitempty"`
}

// roleOf maps the GWS roles to the canonical ones.
var roleOf = map[string]string{"ROLE_ADMIN": "Administrator", "ROLE_SUPERVISOR": "Supervisor", "ROLE_AGENT": "Agent"}

var gwsRoles = []string{"ROLE_ADMIN", "ROLE_SUPERVISOR", "ROLE_AGENT"}

// DoNotDisturbOff is the only doNotDisturb state roster has (no presence).
const DoNotDisturbOff = "Off"

// ID is a user's GWS id: its UUID without the dashes (32 hex digits).
func ID(userID string) string { return strings.ReplaceAll(userID, "-", "") }

// UserID returns the canonical user id of a GWS id (32 hex digits, or a
// UUID as roster writes it), "" when it is neither.
func UserID(id string) string {
	if roster.IsUUID(id) {
		return strings.ToLower(id)
	}
	if len(id) != 32 || strings.Trim(strings.ToLower(id), "0123456789abcdef") != "" {
		return ""
	}
	id = strings.ToLower(id)
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// Validate checks a create (create true) or an update: the fields GWS
// requires, userName an e-mail address, the roles GWS knows, and the
// read-only fields left alone.
func (u *User) Validate(create bool) roster.Violations {
	var vs roster.Violations
	if create {
		for _, f := range []struct {
			name string
			v    *string
		}{{"userName", u.UserName}, {"firstName", u.FirstName}, {"lastName", u.LastName}} {
			if f.v == nil || strings.TrimSpace(*f.v) == "" {
				vs.Add(f.name, roster.VRequired, "is required")
			}
		}
		if u.Roles == nil {
			vs.Add("roles", roster.VRequired, "is required: ROLE_ADMIN, ROLE_SUPERVISOR and/or ROLE_AGENT")
		}
	}
	if !create {
		for _, f := range []struct {
			name string
			v    *string
		}{{"firstName", u.FirstName}, {"lastName", u.LastName}} {
			if f.v != nil && strings.TrimSpace(*f.v) == "" {
				vs.Add(f.name, roster.VInvalid, "must not be blank")
			}
		}
	}
	if u.UserName != nil && *u.UserName != "" {
		if a, err := mail.ParseAddress(*u.UserName); err != nil || a.Address != *u.UserName {
			vs.Add("userName", roster.VInvalid, "must be an e-mail address")
		}
	}
	if u.Roles != nil {
		for i, r := range *u.Roles {
			if roleOf[r] == "" {
				vs.Add(fmt.Sprintf("roles[%d]", i), roster.VInvalid, "%q is not a role: ROLE_ADMIN, ROLE_SUPERVISOR or ROLE_AGENT", r)
			}
		}
	}
	if u.DoNotDisturb != nil && *u.DoNotDisturb != DoNotDisturbOff {
		vs.Add("doNotDisturb", roster.VReadOnly, "is read-only")
	}
	if u.Skills != nil {
		vs.Add("skills", roster.VReadOnly, "is read-only here: use POST and DELETE /api/v2/users/{id}/skills")
	}
	if u.Devices != nil {
		vs.Add("devices", roster.VReadOnly, "is read-only: a user has a device when it has the voice feature")
	}
	return vs
}

// Input translates a validated GWS create (cur nil) or update into the full
// replacement of the canonical user's own fields; an update changes only
// the fields sent, and roles replaces the set of GWS roles (the user's
// other canonical roles are kept). accountID names the root node.
func (u *User) Input(accountID string, cur *roster.User, eff *roster.UserView) (roster.UserInput, error) {
	in := roster.UserInput{OrganizationNodeID: accountID}
	core := &roster.UserCore{Dialect: roster.DialectGWS}
	var effRoles []string
	if cur != nil {
		in, effRoles = roster.InputOf(cur), eff.Roles
		core.Archived, core.MustChangePassword = cur.Archived, cur.MustChangePassword
		core.Extension = cur.Extensions[roster.DialectGWS]
	}
	if cur != nil && u.UserName != nil && !strings.EqualFold(*u.UserName, cur.LoginID) {
		return in, roster.Invalid(roster.Violation{Field: "userName", Code: roster.VReadOnly, Message: "is read-only: it cannot be changed"})
	}
	if cur == nil { // read-only after (a change of case only is no change)
		set(&in.LoginID, u.UserName)
	}
	set(&in.FirstName, u.FirstName)
	set(&in.LastName, u.LastName)
	set(&in.Password, u.Password)
	if u.Roles != nil {
		roles := slices.DeleteFunc(slices.Clone(effRoles), isGWSRole)
		for _, r := range *u.Roles {
			roles = append(roles, roleOf[r])
		}
		in.Roles = roles
	}
	if u.Enabled != nil {
		core.Archived = !*u.Enabled
	}
	if u.ChangePasswordOnFirstLogin != nil {
		core.MustChangePassword = *u.ChangePasswordOnFirstLogin
	}
	if core.Extension == nil {
		core.Extension = json.RawMessage(`{}`)
	}
	in.Core = core
	return in, nil
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func isGWSRole(canonical string) bool {
	for _, r := range roleOf {
		if r == canonical {
			return true
		}
	}
	return false
}
