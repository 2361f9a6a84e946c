package roster

import (
	"context"
	"time"
)

// Store is the storage the service needs. Write runs fn in one atomic
// transaction (a failing fn changes nothing); Read runs fn on a consistent
// snapshot that does not wait for writers. Write may roll fn back and run
// it again (a database retries some transactions), so fn must build what it
// changes inside it and keep nothing from one run to the next but its
// results: a value made before fn and changed by it would enter the second
// run changed, with the database's part of the change undone.
type Store interface {
	Read(ctx context.Context, fn func(Tx) error) error
	Write(ctx context.Context, fn func(Tx) error) error
	Ping(ctx context.Context) error
}

// Tx is one transaction of the Store. Every method is scoped by the account
// id it is given; an id of another account is ENOTFOUND.
type Tx interface {
	Now() time.Time
	// LockScope serializes the write transactions that lock one scope
	// (an account id) until they end.
	LockScope(ctx context.Context, scope string) error

	CreateAccount(ctx context.Context, a *Account, channelProviderID string) error
	GetAccount(ctx context.Context, id string) (*Account, error)
	AllocateExtension(ctx context.Context, accountID string) (ext, channelProviderID string, err error)

	CreateNode(ctx context.Context, n *OrganizationNode) error
	GetNode(ctx context.Context, accountID, id string) (*OrganizationNode, error)
	UpdateNode(ctx context.Context, n *OrganizationNode) error
	DeleteNode(ctx context.Context, accountID, id string) error
	NodeInUse(ctx context.Context, accountID, id string) (bool, error)
	NodeAncestors(ctx context.Context, accountID, id string) ([]string, error)
	ListNodes(ctx context.Context, accountID string, page, size int) (Page[OrganizationNode], error)

	CreateGroup(ctx context.Context, g *Group) error
	GetGroup(ctx context.Context, accountID, id string) (*Group, error)
	UpdateGroup(ctx context.Context, g *Group) error
	DeleteGroup(ctx context.Context, accountID, id string) error
	GroupInUse(ctx context.Context, accountID, id string) (bool, error)
	GroupNameTaken(ctx context.Context, accountID, name, exceptID string) (bool, error)
	ListGroups(ctx context.Context, accountID string, page, size int) (Page[Group], error)

	PutQueue(ctx context.Context, q *Queue) (created bool, err error)
	GetQueue(ctx context.Context, accountID, id string) (*Queue, error)
	DeleteQueue(ctx context.Context, accountID, id string) error
	QueueInUse(ctx context.Context, accountID, id string) (bool, error)
	ListQueues(ctx context.Context, accountID string, page, size int) (Page[Queue], error)

	PutAttribute(ctx context.Context, a *Attribute) (created bool, err error)
	GetAttribute(ctx context.Context, accountID, name string) (*Attribute, error)
	DeleteAttribute(ctx context.Context, accountID, name string) error
	AttributeInUse(ctx context.Context, accountID, name string) (bool, error)
	ListAttributes(ctx context.Context, accountID string, page, size int) (Page[Attribute], error)

	// MissingRefs returns the refs whose ids are not in the catalog of kind
	// "group", "queue" or "attribute".
	MissingRefs(ctx context.Context, accountID, kind string, refs []Ref) ([]Ref, error)

	CreateProfile(ctx context.Context, p *Profile, ch ProfileChange) error
	GetProfile(ctx context.Context, accountID, id string) (*Profile, error)
	UpdateProfile(ctx context.Context, p *Profile, ch ProfileChange) error
	DeleteProfile(ctx context.Context, accountID, id string, statusAspects map[string]string) error
	ProfileStatusOf(ctx context.Context, accountID, id string) (*Profile, ProfileChange, error)
	ProfileTombstone(ctx context.Context, accountID, id string) (map[string]string, error)
	ProfileInUse(ctx context.Context, accountID, id string) (bool, error)
	ProfileNameTaken(ctx context.Context, accountID, name, exceptID string) (bool, error)
	ListProfiles(ctx context.Context, accountID string, page, size int) (Page[Profile], error)
	ProfileProgress(ctx context.Context, accountID, profileID string, since int64) (map[string]AspectCounts, int, int, error)
	ProfileUnsettledAspects(ctx context.Context, accountID, profileID string, since int64) (map[string]AspectProgress, error)
	ProfileUnsettled(ctx context.Context, accountID, profileID string, since int64) (bool, error)
	ProfileHasGroupOwners(ctx context.Context, accountID, profileID string) (bool, error)

	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, accountID, id string) (*User, error)
	// UpdateUser stores u over old, the user as read in this transaction:
	// only what differs from old is written to what is indexed.
	UpdateUser(ctx context.Context, old, u *User, action string) error
	SetUserProvisioning(ctx context.Context, u *User, action string) error
	DeleteUser(ctx context.Context, accountID, id string) error
	UserDeleted(ctx context.Context, accountID, id string) (bool, error)
	UserStatusAction(ctx context.Context, accountID, id string) (string, error)
	LoginTaken(ctx context.Context, accountID, loginID, exceptID string) (bool, error)
	ListUsers(ctx context.Context, accountID string, f UserFilter) (Page[User], error)
	UsersOfProfile(ctx context.Context, accountID, profileID, after string, limit int) ([]*User, error)

	Aspects(ctx context.Context, accountID, userID string) (map[string]Aspect, error)
	// AspectsOf returns the records of several users, by user id and name;
	// a write transaction locks them.
	AspectsOf(ctx context.Context, accountID string, userIDs []string) (map[string]map[string]Aspect, error)
	PutAspects(ctx context.Context, as []Aspect) error
	// StampAspects sets the stamps of records (see Aspect.Shown) that the
	// transaction has read with Aspects or AspectsOf (which locks them).
	StampAspects(ctx context.Context, accountID string, stamps []AspectStamp) error
	ClaimAspects(ctx context.Context, owner string, limit int, lease time.Duration) ([]Aspect, error)
	// SettleDue marks up to limit due records of the named aspects done
	// as their desired state (their provisioner succeeds at once, without
	// I/O) and returns how many.
	SettleDue(ctx context.Context, names []string, limit int) (int, error)
	// FinishAspects records the outcomes of claimed records that owner
	// still holds (a record another worker took over is left alone).
	FinishAspects(ctx context.Context, owner string, attempts []Attempt) error
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)

	StartPropagation(ctx context.Context, accountID, profileID string, version int64) error
	GetPropagation(ctx context.Context, accountID, profileID string) (*Propagation, error)
	// PropagationWaiting reports whether ClaimPropagation would find a
	// propagation for owner: a read, so that a worker with nothing to
	// claim takes no write transaction.
	PropagationWaiting(ctx context.Context, owner string) (bool, error)
	ClaimPropagation(ctx context.Context, owner string, lease time.Duration) (*Propagation, error)
	AdvancePropagation(ctx context.Context, owner string, p *Propagation, lease time.Duration) (bool, error)

	GetIdempotency(ctx context.Context, accountID, key string) (*IdempotentAnswer, error)
	PutIdempotency(ctx context.Context, accountID, key string, a *IdempotentAnswer) error
	DeleteIdempotency(ctx context.Context, accountID, key string) error

	UserByLogin(ctx context.Context, accountID, loginID string) (*User, error)

	PutToken(ctx context.Context, t *Token) error
	// GetToken returns an unexpired token by its hash, or ENOTFOUND.
	GetToken(ctx context.Context, hash string) (*Token, error)
	DeleteToken(ctx context.Context, hash string) error
	DeleteTokensOf(ctx context.Context, accountID, kind, subjectID string) error
	HasOperatorToken(ctx context.Context) (bool, error)
	DeleteOperatorTokens(ctx context.Context, exceptHash string) error

	CreateClient(ctx context.Context, c *APIClient) error
	// GetClient finds a client of the account (of any account when
	// accountID is empty), or ENOTFOUND.
	GetClient(ctx context.Context, accountID, id string) (*APIClient, error)
	ListClients(ctx context.Context, accountID string, page, size int) (Page[APIClient], error)
	DeleteClient(ctx context.Context, accountID, id string) error

	GetPasswordPolicy(ctx context.Context, accountID string) (PasswordPolicy, error)
	PutPasswordPolicy(ctx context.Context, accountID string, p PasswordPolicy) error
	AddPasswordHistory(ctx context.Context, accountID, userID, hash string, keep int) error
	PasswordHistory(ctx context.Context, accountID, userID string, n int) ([]string, error)
	// LoginLockedUntil returns until when the login name is locked (zero
	// or past: it is not).
	LoginLockedUntil(ctx context.Context, accountID, login string) (time.Time, error)
	// RecordLoginFailure counts an attempt and returns the count and the
	// lock that held before it.
	RecordLoginFailure(ctx context.Context, accountID, login string) (failures int, lockedUntil time.Time, err error)
	LockLogin(ctx context.Context, accountID, login string, until time.Time) error
	ClearLoginFailures(ctx context.Context, accountID, login string) error
	SetLastLogin(ctx context.Context, accountID, userID string) error
	// LockedLogins returns which of the login names are locked out now.
	LockedLogins(ctx context.Context, accountID string, logins []string) (map[string]bool, error)
	// AccountsWithLogin returns up to limit accounts with a user of the
	// login name, the one whose user has had it longest first.
	AccountsWithLogin(ctx context.Context, login string, limit int) ([]string, error)

	AddAudit(ctx context.Context, r *AuditRecord) error
	ListAudit(ctx context.Context, accountID string, f AuditFilter) (Page[AuditRecord], error)

	PurgeExpired(ctx context.Context) error
}
