package roster

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Kinds of caller.
const (
	KindOperator = "operator" // manages every account; bootstrapped at first start
	KindClient   = "client"   // an OAuth 2.0 client of one account
	KindUser     = "user"     // a user of one account, logged in with a password
	KindSystem   = "system"   // roster itself (no credential), e.g. in audit records
)

// Scopes of API clients. A token never carries a scope its client lacks.
const (
	ScopeAdmin = "admin" // everything in the account (Account Administrator)
	ScopeRead  = "read"  // every read of the account, no change
)

// Access is what a route requires of its caller. The transport's route
// table gives each route one; Allows decides it for a principal of the
// route's account.
type Access int

const (
	AccessPublic    Access = iota // anyone, no credential
	AccessOperator                // the operator only
	AccessAdmin                   // Account Administrators: change anything in the account
	AccessRead                    // Account Administrators and read-only clients
	AccessSupervise               // as AccessRead, and Supervisors for the users of groups they own
	AccessSelf                    // any credential of the account, about itself
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind      string
	AccountID string   // empty for the operator
	ID        string   // client id, user id, or "operator"
	Scopes    []string // of a client's token
	Roles     []string // a user's effective roles
	// OwnedGroups are the groups a Supervisor user owns.
	OwnedGroups []string
	// TokenHash identifies the credential (for revocation and rate limits).
	TokenHash string
}

// IsAdmin reports whether p is an Account Administrator of its account:
// a client with the admin scope or a user with the role Administrator.
func (p *Principal) IsAdmin() bool {
	switch p.Kind {
	case KindOperator:
		return true
	case KindClient:
		return slices.Contains(p.Scopes, ScopeAdmin)
	case KindUser:
		return slices.Contains(p.Roles, "Administrator")
	}
	return false
}

// IsSupervisor reports whether p is a user with the role Supervisor.
func (p *Principal) IsSupervisor() bool {
	return p.Kind == KindUser && slices.Contains(p.Roles, "Supervisor")
}

// CanRead reports whether p may read everything in its account.
func (p *Principal) CanRead() bool {
	return p.IsAdmin() || p.Kind == KindClient && slices.Contains(p.Scopes, ScopeRead)
}

// Allows reports whether p may call a route with access a in account
// accountID. A principal of another account is never allowed (the
// transport answers 404, as for an account that does not exist).
func (p *Principal) Allows(a Access, accountID string) bool {
	if a == AccessPublic {
		return true
	}
	if p == nil {
		return false
	}
	if p.Kind == KindOperator {
		return true
	}
	if a == AccessOperator || p.AccountID != accountID {
		return false
	}
	switch a {
	case AccessAdmin:
		return p.IsAdmin()
	case AccessRead:
		return p.CanRead()
	case AccessSupervise:
		return p.CanRead() || p.IsSupervisor()
	case AccessSelf:
		return true
	}
	return false
}

// Actor names p in audit records.
func (p *Principal) Actor() (kind, id string) {
	if p == nil {
		return KindSystem, KindSystem
	}
	return p.Kind, p.ID
}

type principalKey struct{}

// WithPrincipal returns ctx carrying the caller.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller of ctx, nil when there is none.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Token is a stored bearer credential (only its hash is kept).
type Token struct {
	Hash      string
	Kind      string
	AccountID string
	SubjectID string
	Scopes    []string
	ExpiresAt time.Time // zero: never (the operator's)
	CreatedAt time.Time
}

// APIClient is an OAuth 2.0 client of an account.
type APIClient struct {
	AccountID  string    `json:"-"`
	ClientID   string    `json:"clientId"`
	Name       string    `json:"name"`
	Scopes     []string  `json:"scopes"`
	CreatedAt  time.Time `json:"createdAt"`
	SecretHash string    `json:"-"`
}

// ClientInput is the body of an API client create.
type ClientInput struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// Validate checks the request and defaults the scopes to admin.
func (in *ClientInput) Validate() Violations {
	var vs Violations
	requireLen(&vs, "name", in.Name, 1, MaxName)
	if len(in.Scopes) == 0 {
		in.Scopes = []string{ScopeAdmin}
	}
	in.Scopes = FoldDuplicates(in.Scopes)
	for i, s := range in.Scopes {
		if s != ScopeAdmin && s != ScopeRead {
			vs.Add(fmt.Sprintf("scopes[%d]", i), VInvalid, "must be %s or %s", ScopeAdmin, ScopeRead)
		}
	}
	return vs
}

// AuditRecord says who changed what. Fields names the changed fields,
// never their values.
type AuditRecord struct {
	ID           int64     `json:"-"` // a global sequence: not shown
	AccountID    string    `json:"accountId"`
	Time         time.Time `json:"time"`
	ActorType    string    `json:"actorType"`
	ActorID      string    `json:"actorId"`
	Action       string    `json:"action"`
	ResourceType string    `json:"resourceType"`
	ResourceID   string    `json:"resourceId"`
	Fields       []string  `json:"fields"`
}

// Audit actions.
const (
	AuditCreate = "create"
	AuditUpdate = "update"
	AuditDelete = "delete"
	AuditLogin  = "login"
)

// AuditFilter selects audit records; zero fields select everything.
type AuditFilter struct {
	From, To     time.Time
	ActorID      string
	ResourceType string
	ResourceID   string
	Action       string
	Page         int
	PageSize     int
}
