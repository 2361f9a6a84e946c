package roster

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

// Effective returns the user as the API shows it: the profile's fields with
// each top-level field the user sets replacing the profile's, features
// merged per key (a user's null opts out), the voice identity filled in, and
// Inherited naming what came from the profile. p may be nil.
func Effective(u *User, p *Profile) UserView {
	v := UserView{
		ID: u.ID, OrganizationNodeID: u.OrganizationNodeID, LoginID: u.LoginID,
		LastName: u.LastName, FirstName: u.FirstName, ProfileID: u.ProfileID,
		UXProfileID: u.UXProfileID, Roles: u.Roles, MemberOfGroups: u.MemberOfGroups,
		OwnedGroups: u.OwnedGroups,
	}
	if p != nil {
		if v.UXProfileID == "" && p.UXProfileID != "" {
			v.UXProfileID = p.UXProfileID
			v.Inherited = append(v.Inherited, "uxProfileId")
		}
		inheritList(&v.Roles, p.Roles, "roles", &v.Inherited)
		inheritList(&v.MemberOfGroups, p.MemberOfGroups, "memberOfGroups", &v.Inherited)
		inheritList(&v.OwnedGroups, p.OwnedGroups, "ownedGroups", &v.Inherited)
	}
	v.Features = EffectiveFeatures(u, p, &v.Inherited)
	return v
}

func inheritList(dst *[]string, from []string, name string, inherited *[]string) {
	if *dst == nil && len(from) > 0 {
		*dst = from
		*inherited = append(*inherited, name)
	}
}

// EffectiveFeatures merges the profile's features with the user's per key and
// fills in the voice identity. When inherited is not nil the names of
// inherited features ("features.chat") are appended to it.
func EffectiveFeatures(u *User, p *Profile, inherited *[]string) Features {
	out := Features{}
	if p != nil {
		for _, k := range p.Features.Keys() {
			if own, set := u.Features[k]; set {
				if own != nil {
					out[k] = own
				}
				continue
			}
			out[k] = p.Features[k]
			if inherited != nil {
				*inherited = append(*inherited, "features."+k)
			}
		}
	}
	for k, own := range u.Features {
		if _, done := out[k]; !done && own != nil {
			out[k] = own
		}
	}
	if vo, ok := out[FeatureVoice]; ok {
		out[FeatureVoice] = WithVoiceIdentity(vo, u.Voice)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// EffectiveRoles returns the roles the user has: its own, else the profile's.
func EffectiveRoles(u *User, p *Profile) []string {
	if u.Roles != nil || p == nil {
		return u.Roles
	}
	return p.Roles
}

// Own returns the user's stored fields as a view (GET ?view=own).
func Own(u *User) UserView {
	return UserView{
		ID: u.ID, OrganizationNodeID: u.OrganizationNodeID, LoginID: u.LoginID,
		LastName: u.LastName, FirstName: u.FirstName, ProfileID: u.ProfileID,
		UXProfileID: u.UXProfileID, Roles: u.Roles, MemberOfGroups: u.MemberOfGroups,
		OwnedGroups: u.OwnedGroups, Features: u.Features,
	}
}

// DropInherited removes from the user's own fields every value equal to the
// profile's current value for that field, so that the common GET-modify-PUT
// loop stores them as inherited and never freezes the user against later
// profile changes. Lists compare as sets.
func DropInherited(u *User, p *Profile) {
	if p == nil {
		return
	}
	if u.UXProfileID == p.UXProfileID {
		u.UXProfileID = ""
	}
	if u.Roles != nil && sameSet(u.Roles, p.Roles) {
		u.Roles = nil
	}
	if u.MemberOfGroups != nil && sameSet(u.MemberOfGroups, p.MemberOfGroups) {
		u.MemberOfGroups = nil
	}
	if u.OwnedGroups != nil && sameSet(u.OwnedGroups, p.OwnedGroups) {
		u.OwnedGroups = nil
	}
	for k, own := range u.Features {
		if pv, ok := p.Features[k]; ok && own != nil && bytes.Equal(own, pv) {
			delete(u.Features, k)
		}
	}
	if len(u.Features) == 0 {
		u.Features = nil
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// Desired returns the desired state of each provisioning aspect of a user's
// effective view: "role" (the sorted role names, when the user has any) and
// one entry per effective feature (its settings, voice with its identity).
func Desired(u *User, p *Profile) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	if roles := EffectiveRoles(u, p); len(roles) > 0 {
		sorted := slices.Clone(roles)
		slices.Sort(sorted)
		b, _ := json.Marshal(sorted)
		out[AspectRole] = b
	}
	for k, v := range EffectiveFeatures(u, p, nil) {
		out[k] = v
	}
	return out
}

// InheritedAspects names the provisioning aspects whose desired state comes
// from the profile: "role" when the user sets no roles of its own, and each
// profile feature the user does not set (or opt out of).
func InheritedAspects(u *User, p *Profile) map[string]bool {
	out := map[string]bool{}
	if p == nil {
		return out
	}
	if u.Roles == nil && len(p.Roles) > 0 {
		out[AspectRole] = true
	}
	for k := range p.Features {
		if _, set := u.Features[k]; !set {
			out[k] = true
		}
	}
	return out
}

// HasEffectiveVoice reports whether the user's effective view has voice.
func HasEffectiveVoice(u *User, p *Profile) bool {
	if own, set := u.Features[FeatureVoice]; set {
		return own != nil
	}
	if p == nil {
		return false
	}
	_, ok := p.Features[FeatureVoice]
	return ok
}

// FoldDuplicates returns the list without repeated entries, keeping the
// first occurrence's position. A nil list stays nil.
func FoldDuplicates(list []string) []string {
	if list == nil {
		return nil
	}
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// InputOf returns the user's own fields as a replacement request: what a
// dialect edits to change some of them and keep the others.
func InputOf(u *User) UserInput {
	return UserInput{
		UserID: u.ID, OrganizationNodeID: u.OrganizationNodeID, LoginID: u.LoginID,
		LastName: u.LastName, FirstName: u.FirstName, ProfileID: u.ProfileID, UXProfileID: u.UXProfileID,
		Roles: slices.Clone(u.Roles), MemberOfGroups: slices.Clone(u.MemberOfGroups),
		OwnedGroups: slices.Clone(u.OwnedGroups), Features: maps.Clone(u.Features),
	}
}
