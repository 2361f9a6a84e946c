package roster

import (
	"encoding/json"
	"time"
)

// User is a contact-center user's own (stored) fields. Fields left unset are
// inherited from the user's profile; see Effective.
type User struct {
	ID                 string   `json:"userId"`
	OrganizationNodeID string   `json:"organizationNodeId"`
	LoginID            string   `json:"loginId"`
	LastName           string   `json:"lastName"`
	FirstName          string   `json:"firstName"`
	ProfileID          string   `json:"profileId,omitempty"`
	UXProfileID        string   `json:"uxProfileId,omitempty"`
	Roles              []string `json:"roles,omitzero"`
	MemberOfGroups     []string `json:"memberOfGroups,omitzero"`
	OwnedGroups        []string `json:"ownedGroups,omitzero"`
	Features           Features `json:"features,omitzero"`

	// The core fields the canonical dialect does not show (docs/dialects.md).
	Archived           bool       `json:"archived,omitempty"`
	MustChangePassword bool       `json:"mustChangePassword,omitempty"`
	Extensions         Extensions `json:"extensions,omitzero"`
	// LastLoginAt is the time of the last successful login (zero: never).
	LastLoginAt time.Time `json:"-"`

	AccountID    string `json:"-"`
	Version      int64  `json:"-"`
	PasswordHash string `json:"-"`
	// PasswordChangedAt is when the password was last set (zero: none).
	PasswordChangedAt time.Time      `json:"-"`
	Voice             *VoiceIdentity `json:"-"`
	CreatedAt         time.Time      `json:"-"`
	UpdatedAt         time.Time      `json:"-"`
}

// UserInput is the body of a user create or replace. The read-only fields a
// client may echo back from a GET (userId, inherited) are accepted and ignored.
type UserInput struct {
	UserID             string   `json:"userId"`
	OrganizationNodeID string   `json:"organizationNodeId"`
	LoginID            string   `json:"loginId"`
	Password           string   `json:"password"`
	LastName           string   `json:"lastName"`
	FirstName          string   `json:"firstName"`
	ProfileID          string   `json:"profileId"`
	UXProfileID        string   `json:"uxProfileId"`
	Roles              []string `json:"roles"`
	MemberOfGroups     []string `json:"memberOfGroups"`
	OwnedGroups        []string `json:"ownedGroups"`
	Features           Features `json:"features"`
	Inherited          []string `json:"inherited"`

	// Core is set by the other dialects' writes only; a canonical write
	// (Core nil) keeps the user's core fields as they are.
	Core *UserCore `json:"-"`
}

// Dialects that keep fields of their own on a user.
const (
	DialectVonage = "vonage"
	DialectGWS    = "gws"
)

// Extensions holds, per dialect, a user's fields that have no canonical
// counterpart, as that dialect's JSON, so it can answer them unchanged.
type Extensions map[string]json.RawMessage

// UserCore is what a write through another dialect sets beside the
// canonical fields: the core fields the canonical dialect does not show and
// the dialect's extension. Such a write is held to the dialect's own rules
// for names, not to the canonical ones.
type UserCore struct {
	Dialect            string
	Archived           bool
	MustChangePassword bool
	Extension          json.RawMessage
}

// UserView is a user as the API shows it: the effective view (profile fields
// merged in, voice identity filled) or, with Own, the stored fields only.
type UserView struct {
	ID                 string   `json:"userId"`
	OrganizationNodeID string   `json:"organizationNodeId"`
	LoginID            string   `json:"loginId"`
	LastName           string   `json:"lastName"`
	FirstName          string   `json:"firstName"`
	ProfileID          string   `json:"profileId,omitempty"`
	UXProfileID        string   `json:"uxProfileId,omitempty"`
	Roles              []string `json:"roles,omitzero"`
	MemberOfGroups     []string `json:"memberOfGroups,omitzero"`
	OwnedGroups        []string `json:"ownedGroups,omitzero"`
	Features           Features `json:"features,omitzero"`
	Inherited          []string `json:"inherited,omitzero"`
}

// UserFilter selects users in lists and searches.
type UserFilter struct {
	Where    *Condition
	OrderBy  string // loginId, firstName or lastName
	Desc     bool
	Page     int // 1-based
	PageSize int
}

// Condition is a filter expression over user fields: either a leaf
// (Key, Operator, Value) or a combination of Left and Right with Join.
type Condition struct {
	Key      string // loginId, firstName, lastName, organizationNodeId, profileId, role, groupId
	Operator string // EQUALS, NOT_EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS
	Value    string

	Join        string // AND, OR
	Left, Right *Condition
}

// Filter operators and joins of users:search.
const (
	OpEquals     = "EQUALS"
	OpNotEquals  = "NOT_EQUALS"
	OpStartsWith = "STARTS_WITH"
	OpEndsWith   = "ENDS_WITH"
	OpContains   = "CONTAINS"
	JoinAnd      = "AND"
	JoinOr       = "OR"
)

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	PageNumber int
	PageSize   int
	Total      int
}
