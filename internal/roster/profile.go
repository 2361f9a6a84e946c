package roster

import "time"

// Profile is a live template of roles, groups and features. Users on a
// profile inherit every field they do not set themselves.
type Profile struct {
	ID             string   `json:"profileId"`
	Name           string   `json:"profileName"`
	Description    string   `json:"description,omitempty"`
	UXProfileID    string   `json:"uxProfileId,omitempty"`
	Roles          []string `json:"roles,omitzero"`
	MemberOfGroups []string `json:"memberOfGroups,omitzero"`
	OwnedGroups    []string `json:"ownedGroups,omitzero"`
	Features       Features `json:"features,omitzero"`

	AccountID string    `json:"-"`
	Version   int64     `json:"-"`
	CreatedAt time.Time `json:"-"`
	UpdatedAt time.Time `json:"-"`
}

// ProfileInput is the body of a profile create or replace.
type ProfileInput struct {
	ProfileID      string   `json:"profileId"`
	ProfileName    string   `json:"profileName"`
	Description    string   `json:"description"`
	UXProfileID    string   `json:"uxProfileId"`
	Roles          []string `json:"roles"`
	MemberOfGroups []string `json:"memberOfGroups"`
	OwnedGroups    []string `json:"ownedGroups"`
	Features       Features `json:"features"`
}
