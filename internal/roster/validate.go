package roster

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the API's fields.
const (
	MaxLoginID     = 255
	MaxName        = 255
	MinPersonName  = 2
	MaxDescription = 1024
	MaxRoles       = 11
	MaxGroups      = 50
)

// Ref is a reference to another resource found in a request, with the path
// of the field that holds it, so existence can be checked and reported.
type Ref struct {
	Field string
	ID    string
}

// UserRefs are the references of a user or profile request to check against
// the account's catalogs.
type UserRefs struct {
	Groups     []Ref // memberOfGroups and ownedGroups
	Queues     []Ref
	Attributes []Ref
}

// Validate checks the rules of a user request that need no I/O and
// normalizes it (duplicate roles and groups folded).
func (in *UserInput) Validate() Violations {
	var vs Violations
	in.LoginID = strings.TrimSpace(in.LoginID)
	requireLen(&vs, "loginId", in.LoginID, 1, MaxLoginID)
	if in.Core == nil || in.Core.Dialect == "" { // a dialect checks its own names
		personName(&vs, "firstName", in.FirstName)
		personName(&vs, "lastName", in.LastName)
	}
	if in.OrganizationNodeID == "" {
		vs.Add("organizationNodeId", VRequired, "is required")
	}
	if in.UXProfileID != "" {
		requireLen(&vs, "uxProfileId", in.UXProfileID, 1, MaxName)
	}
	in.Roles = checkRoles(&vs, "roles", in.Roles)
	in.MemberOfGroups = checkGroups(&vs, "memberOfGroups", in.MemberOfGroups)
	in.OwnedGroups = checkGroups(&vs, "ownedGroups", in.OwnedGroups)
	vs = append(vs, in.Features.Validate("features", true)...)
	return vs
}

// Refs returns the group, queue and attribute references of the request.
func (in *UserInput) Refs() UserRefs {
	return collectRefs(in.MemberOfGroups, in.OwnedGroups, in.Features)
}

// Validate checks the rules of a profile request that need no I/O.
func (in *ProfileInput) Validate() Violations {
	var vs Violations
	requireLen(&vs, "profileName", in.ProfileName, 1, MaxName)
	if utf8.RuneCountInString(in.Description) > MaxDescription {
		vs.Add("description", VTooLong, "must be at most %d characters", MaxDescription)
	}
	if in.UXProfileID != "" {
		requireLen(&vs, "uxProfileId", in.UXProfileID, 1, MaxName)
	}
	in.Roles = checkRoles(&vs, "roles", in.Roles)
	in.MemberOfGroups = checkGroups(&vs, "memberOfGroups", in.MemberOfGroups)
	in.OwnedGroups = checkGroups(&vs, "ownedGroups", in.OwnedGroups)
	vs = append(vs, in.Features.Validate("features", false)...)
	return vs
}

// Refs returns the group, queue and attribute references of the request.
func (in *ProfileInput) Refs() UserRefs {
	return collectRefs(in.MemberOfGroups, in.OwnedGroups, in.Features)
}

func collectRefs(member, owned []string, f Features) UserRefs {
	var r UserRefs
	// Malformed ids are reported by Validate; only well-formed ones are looked up.
	for i, g := range member {
		if IsUUID(g) {
			r.Groups = append(r.Groups, Ref{fmt.Sprintf("memberOfGroups[%d]", i), g})
		}
	}
	for i, g := range owned {
		if IsUUID(g) {
			r.Groups = append(r.Groups, Ref{fmt.Sprintf("ownedGroups[%d]", i), g})
		}
	}
	if raw := f[FeatureMatching]; raw != nil {
		m, _ := DecodeMatching(raw)
		for i, a := range m.Attributes {
			r.Attributes = append(r.Attributes, Ref{fmt.Sprintf("features.matching.attributes[%d]", i), a})
		}
		for i, q := range m.Queues {
			r.Queues = append(r.Queues, Ref{fmt.Sprintf("features.matching.queues[%d].queueId", i), q.QueueID})
		}
	}
	return r
}

// Validate checks the feature keys and settings. allowNull permits the
// null opt-out (users only).
func (f Features) Validate(path string, allowNull bool) Violations {
	var vs Violations
	for _, k := range f.Keys() {
		p := path + "." + k
		if _, ok := featureTypes[k]; !ok {
			vs.Add(p, VUnknown, "is not a feature; use one of %s", strings.Join(FeatureKeys, ", "))
			continue
		}
		raw := f[k]
		if raw == nil {
			if !allowNull {
				vs.Add(p, VInvalid, "must be an object; only a user can opt out of a feature with null")
			}
			continue
		}
		switch k {
		case FeatureMatching:
			m, _ := DecodeMatching(raw)
			checkMatching(&vs, p, m)
		case FeatureChat, FeatureMessaging, FeatureEmail:
			c, _ := DecodeChannel(raw)
			if c.Multiplicity != nil && (*c.Multiplicity < 1 || *c.Multiplicity > 10) {
				vs.Add(p+".multiplicity", VOutOfRange, "must be between 1 and 10")
			}
		}
	}
	return vs
}

func checkMatching(vs *Violations, path string, m Matching) {
	seenAttr := map[string]bool{}
	for i, a := range m.Attributes {
		f := fmt.Sprintf("%s.attributes[%d]", path, i)
		if _, _, ok := SplitAttribute(a); !ok {
			vs.Add(f, VInvalid, "must be Category.Value, such as Language.English")
		} else if seenAttr[a] {
			vs.Add(f, VDuplicate, "attribute %q is listed twice", a)
		}
		seenAttr[a] = true
	}
	seenQueue := map[string]bool{}
	for i, q := range m.Queues {
		f := fmt.Sprintf("%s.queues[%d]", path, i)
		if q.QueueID == "" {
			vs.Add(f+".queueId", VRequired, "is required")
		} else if seenQueue[q.QueueID] {
			vs.Add(f+".queueId", VDuplicate, "queue %q is listed twice", q.QueueID)
		}
		seenQueue[q.QueueID] = true
		if q.Proficiency < 1 || q.Proficiency > 10 {
			vs.Add(f+".proficiency", VOutOfRange, "must be between 1 and 10")
		}
	}
}

// SplitAttribute splits "Category.Value" into its parts.
func SplitAttribute(name string) (category, value string, ok bool) {
	category, value, ok = strings.Cut(name, ".")
	if !ok || category == "" || value == "" || strings.TrimSpace(name) != name ||
		utf8.RuneCountInString(name) > MaxName || !Printable(name) {
		return "", "", false
	}
	return category, value, true
}

// Printable reports whether s is valid UTF-8 without control characters.
func Printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func requireLen(vs *Violations, field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		vs.Add(field, VRequired, "is required")
	case n < min:
		vs.Add(field, VTooShort, "must be at least %d characters", min)
	case n > max:
		vs.Add(field, VTooLong, "must be at most %d characters", max)
	}
}

func personName(vs *Violations, field, s string) {
	before := len(*vs)
	requireLen(vs, field, s, MinPersonName, MaxName)
	if len(*vs) == before && strings.ContainsAny(s, "<>^@#") {
		vs.Add(field, VInvalidChars, "must not contain any of < > ^ @ #")
	}
}

func checkRoles(vs *Violations, field string, roles []string) []string {
	roles = FoldDuplicates(roles)
	if len(roles) > MaxRoles {
		vs.Add(field, VTooMany, "must have at most %d roles", MaxRoles)
	}
	for i, r := range roles {
		if !IsRole(r) {
			vs.Add(fmt.Sprintf("%s[%d]", field, i), VNotFound, "%q is not a role; GET /roles lists them", r)
		}
	}
	return roles
}

func checkGroups(vs *Violations, field string, groups []string) []string {
	groups = FoldDuplicates(groups)
	if len(groups) > MaxGroups {
		vs.Add(field, VTooMany, "must have at most %d groups", MaxGroups)
	}
	for i, g := range groups {
		if !IsUUID(g) {
			vs.Add(fmt.Sprintf("%s[%d]", field, i), VInvalid, "must be a group id (a UUID)")
		}
	}
	return groups
}

// IsCode6 reports whether s is six upper-case ASCII letters, the form of
// account, organization node and profile ids.
func IsCode6(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// IsUUID reports whether s has the textual form of a UUID.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
