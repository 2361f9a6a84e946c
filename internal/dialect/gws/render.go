package gws

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// FromCanonical renders a user in GWS's shape; base is the URI prefix of
// the GWS API (http://host/api/v2). With subresources its skills (the
// effective routing attributes, with their GWS levels) and devices (its
// voice feature) are included.
func FromCanonical(stored *roster.User, eff roster.UserView, base string, subresources bool) (*User, error) {
	id := ID(stored.ID)
	roles := []string{}
	for _, r := range gwsRoles {
		if slices.Contains(eff.Roles, roleOf[r]) {
			roles = append(roles, r)
		}
	}
	u := &User{
		ID: id, UserName: &stored.LoginID, FirstName: &stored.FirstName, LastName: &stored.LastName,
		Roles: &roles, Enabled: ptr(!stored.Archived), ChangePasswordOnFirstLogin: ptr(stored.MustChangePassword),
		DoNotDisturb: ptr(DoNotDisturbOff), URI: base + "/users/" + id, Path: "/users/" + id,
	}
	if !subresources {
		return u, nil
	}
	skills, err := SkillsOf(stored, eff)
	if err != nil {
		return nil, err
	}
	devices := []Device{}
	if raw := eff.Features[roster.FeatureVoice]; raw != nil {
		var v roster.Voice
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		d := Device{ID: id + "-voice", DeviceState: "Inactive", PhoneNumber: v.UserExtension, DoNotDisturb: DoNotDisturbOff}
		if v.UserExtension != "" { // provisioned
			d.DeviceState = "Active"
		}
		devices = append(devices, d)
	}
	u.Skills, u.Devices = &skills, &devices
	return u, nil
}

// SkillsOf returns the user's skills: its effective routing attributes,
// each with the level it was given through GWS (1 when none was).
func SkillsOf(stored *roster.User, eff roster.UserView) ([]Skill, error) {
	ext, err := extensionOf(stored)
	if err != nil {
		return nil, err
	}
	skills := []Skill{}
	if raw := eff.Features[roster.FeatureMatching]; raw != nil {
		m, err := roster.DecodeMatching(raw)
		if err != nil {
			return nil, err
		}
		for _, a := range m.Attributes {
			level, ok := ext.SkillLevels[a]
			if !ok {
				level = 1
			}
			skills = append(skills, Skill{Name: SkillName(a), Level: level})
		}
	}
	return skills, nil
}

func extensionOf(u *roster.User) (Extension, error) {
	var ext Extension
	if raw := u.Extensions[roster.DialectGWS]; raw != nil {
		if err := json.Unmarshal(raw, &ext); err != nil {
			return ext, err
		}
	}
	return ext, nil
}

// skillCategory is the attribute category of skills named without one.
const skillCategory = "Skill."

// Attribute is the canonical routing attribute of a skill: its name when
// it has the form Category.Value, else Skill.<name>.
func Attribute(skill string) string {
	if strings.Contains(skill, ".") {
		return skill
	}
	return skillCategory + skill
}

// SkillName is the GWS name of a routing attribute (Attribute's inverse).
func SkillName(attribute string) string {
	if name, ok := strings.CutPrefix(attribute, skillCategory); ok && !strings.Contains(name, ".") {
		return name
	}
	return attribute
}

// WithSkill returns the user's own fields with the skill added or its
// level changed (add true), or removed; the skill's attribute must exist
// (the core checks it). ENOTFOUND when a skill to remove is not the user's.
func WithSkill(cur *roster.User, eff roster.UserView, s Skill, add bool) (roster.UserInput, error) {
	in := roster.InputOf(cur)
	ext, err := extensionOf(cur)
	if err != nil {
		return in, err
	}
	var m roster.Matching
	if raw := eff.Features[roster.FeatureMatching]; raw != nil {
		if m, err = roster.DecodeMatching(raw); err != nil {
			return in, err
		}
	}
	attr := Attribute(s.Name)
	has := slices.Contains(m.Attributes, attr)
	switch {
	case add && !has:
		m.Attributes = append(m.Attributes, attr)
	case !add && !has:
		return in, roster.Errorf(roster.ENOTFOUND, "The user has no skill %q.", s.Name)
	case !add:
		m.Attributes = slices.DeleteFunc(m.Attributes, func(a string) bool { return a == attr })
	}
	if ext.SkillLevels == nil {
		ext.SkillLevels = map[string]int{}
	}
	if add {
		ext.SkillLevels[attr] = s.Level
	} else {
		delete(ext.SkillLevels, attr)
	}
	if in.Features == nil {
		in.Features = roster.Features{}
	}
	if in.Features[roster.FeatureMatching], err = json.Marshal(m); err != nil {
		return in, err
	}
	extRaw, err := json.Marshal(ext)
	in.Core = &roster.UserCore{Dialect: roster.DialectGWS, Archived: cur.Archived,
		MustChangePassword: cur.MustChangePassword, Extension: extRaw}
	return in, err
}

// Status codes of GWS 8.5/8.6 (API.md §6).
const (
	StatusOK               = 0
	StatusMissingParameter = 1
	StatusInvalidParameter = 2
	StatusForbidden        = 3
	StatusInternalError    = 4
	StatusNoPermission     = 5
	StatusNotFound         = 6
	StatusChangePassword   = 8
	StatusReadOnly         = 11
	StatusAlreadyExists    = 18
	StatusNotAuthenticated = 20
)

// Status returns the GWS status code and HTTP status of a domain error.
// changePassword tells a login refused until its password is changed.
func Status(err error, changePassword bool) (code, httpStatus int) {
	var re *roster.Error
	errors.As(err, &re)
	switch c := roster.ErrorCode(err); {
	case changePassword:
		return StatusChangePassword, http.StatusForbidden
	case c == roster.EINVALID && re != nil && allCoded(re.Violations, roster.VRequired):
		return StatusMissingParameter, http.StatusBadRequest
	case c == roster.EINVALID && re != nil && anyCoded(re.Violations, roster.VReadOnly):
		return StatusReadOnly, http.StatusBadRequest
	case c == roster.EINVALID || c == roster.EPRECONDITION || c == roster.ETOOLARGE || c == roster.EUNSUPPORTED:
		return StatusInvalidParameter, http.StatusBadRequest
	case c == roster.ENOTFOUND:
		return StatusNotFound, http.StatusNotFound
	case c == roster.ECONFLICT:
		return StatusAlreadyExists, http.StatusForbidden // as GWS answers a duplicate
	case c == roster.EUNAUTHORIZED:
		return StatusNotAuthenticated, http.StatusUnauthorized
	case c == roster.EFORBIDDEN:
		return StatusNoPermission, http.StatusForbidden
	case c == roster.ETOOMANY:
		return StatusForbidden, http.StatusTooManyRequests
	case c == roster.EMETHOD:
		return StatusForbidden, http.StatusMethodNotAllowed
	case c == roster.EUNAVAILABLE:
		return StatusInternalError, http.StatusServiceUnavailable
	}
	return StatusInternalError, http.StatusInternalServerError
}

func allCoded(vs []roster.Violation, code string) bool {
	for _, v := range vs {
		if v.Code != code {
			return false
		}
	}
	return len(vs) > 0
}

func anyCoded(vs []roster.Violation, code string) bool {
	for _, v := range vs {
		if v.Code == code {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
