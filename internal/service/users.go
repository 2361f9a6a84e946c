package service

import (
	"context"
	"fmt"
	"maps"

	"github.com/roster-cc/roster/internal/roster"
)

// UserResult is a user as stored after a change, in its effective view,
// with its version and, for the effective view, its profile's version: the
// two make the ETag, since a profile change changes the effective view.
type UserResult struct {
	View           roster.UserView
	Version        int64
	ProfileVersion int64
	// Stored is the user as stored: its own fields and the core fields
	// that only the other dialects show.
	Stored *roster.User
	// Locked tells whether the user's login name is locked out now; it is
	// filled by the reads of the other dialects only (UserRecord, AllUserRecords).
	Locked bool
}

func effectiveResult(u *roster.User, p *roster.Profile) *UserResult {
	res := &UserResult{View: roster.Effective(u, p), Version: u.Version, Stored: u}
	if p != nil {
		res.ProfileVersion = p.Version
	}
	return res
}

// CreateUser validates the request, stores the user and records the
// desired provisioning state in one transaction.
// Errors: ENOTFOUND (account), EINVALID, ECONFLICT (loginId taken).
func (s *Service) CreateUser(ctx context.Context, accountID string, in roster.UserInput) (*UserResult, error) {
	vs := in.Validate()
	hash, err := s.passwordHash(ctx, accountID, "", in.Password, "password", &vs)
	if err != nil {
		return nil, err
	}
	id := newUserID(s.now())
	var res *UserResult
	// The user is made anew in the transaction: a run again (see
	// roster.Store.Write) must not find the voice identity the first run
	// allocated.
	err = s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		u := userFromInput(accountID, id, in, hash)
		p, err := s.checkUser(ctx, tx, u, in, "", vs)
		if err != nil {
			return err
		}
		roster.DropInherited(u, p)
		if _, err := ensureVoice(ctx, tx, u, p, false); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if _, err := applyDesired(ctx, tx, u, p, change{client: true, created: true}); err != nil {
			return err
		}
		res = effectiveResult(u, p)
		return audit(ctx, tx, accountID, roster.AuditCreate, resUser, u.ID, userFields(nil, u))
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return res, nil
}

// userFields names the fields of a user that a change set, the password
// by name only.
func userFields(old, new *roster.User) []string {
	var o any
	oldHash := ""
	if old != nil {
		o, oldHash = old, old.PasswordHash
	}
	f := changedFields(o, new)
	if new.PasswordHash != oldHash {
		f = append(f, fieldPassword)
	}
	return f
}

// ReplaceUser replaces the user's own fields (seed: PUT is a complete
// replacement; the password is kept when none is sent; names kept as they
// are stored are not checked again). ifMatch is the
// version from If-Match, 0 for none. A repeated PUT retries FAILED aspects.
// Errors: ENOTFOUND, EINVALID, ECONFLICT, EPRECONDITION.
func (s *Service) ReplaceUser(ctx context.Context, accountID, id string, in roster.UserInput, ifMatch []int64) (*UserResult, error) {
	vs := in.Validate()
	hash, err := s.passwordHash(ctx, accountID, id, in.Password, "password", &vs)
	if err != nil {
		return nil, err
	}
	var res *UserResult
	err = s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		old, err := tx.GetUser(ctx, accountID, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, old.Version); err != nil {
			return err
		}
		u := userFromInput(accountID, id, in, hash)
		if hash == "" {
			u.PasswordHash = old.PasswordHash
		}
		keepCore(u, old, in.Core)
		u.Version, u.Voice, u.CreatedAt, u.LastLoginAt = old.Version, old.Voice, old.CreatedAt, old.LastLoginAt
		p, err := s.checkUser(ctx, tx, u, in, id, keptNames(vs, in, old))
		if err != nil {
			return err
		}
		roster.DropInherited(u, p)
		if _, err := ensureVoice(ctx, tx, u, p, false); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, old, u, roster.ActionUpdate); err != nil {
			return err
		}
		if _, err := applyDesired(ctx, tx, u, p, change{client: true}); err != nil {
			return err
		}
		if err := passwordChanged(ctx, tx, accountID, id, old.PasswordHash, u.PasswordHash); err != nil {
			return err
		}
		if u.Archived && !old.Archived { // an archived user can no longer log in
			if err := tx.DeleteTokensOf(ctx, accountID, roster.KindUser, id); err != nil {
				return err
			}
		}
		res = effectiveResult(u, p)
		return audit(ctx, tx, accountID, roster.AuditUpdate, resUser, id, userFields(old, u))
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return res, nil
}

// keptNames drops the violations of the names a replace leaves as they are
// stored: a name set through another dialect (Vonage's one-word "name"
// has an empty lastName) does not fail the canonical GET-modify-PUT loop.
func keptNames(vs roster.Violations, in roster.UserInput, old *roster.User) roster.Violations {
	out := make(roster.Violations, 0, len(vs))
	for _, v := range vs {
		if v.Field == "firstName" && in.FirstName == old.FirstName || v.Field == "lastName" && in.LastName == old.LastName {
			continue
		}
		out = append(out, v)
	}
	return out
}

// DeleteUser removes the user at once (gone from GET and lists) and starts
// deprovisioning its aspects; its status stays readable for 24 hours. A
// repeated DELETE of a user whose deletion FAILED retries it.
// Errors: ENOTFOUND, EPRECONDITION.
func (s *Service) DeleteUser(ctx context.Context, accountID, id string, ifMatch []int64) error {
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		u, err := tx.GetUser(ctx, accountID, id)
		if roster.ErrorCode(err) == roster.ENOTFOUND {
			return s.retryDeletion(ctx, tx, accountID, id)
		}
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, u.Version); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, accountID, id); err != nil {
			return err
		}
		if _, err = applyDesired(ctx, tx, u, nil, change{client: true, deleted: true}); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resUser, id, nil)
	})
	if err == nil {
		s.wake()
	}
	return err
}

// retryDeletion re-queues the FAILED aspects of a deleted user; a deleted
// user with nothing failed is simply not found.
func (s *Service) retryDeletion(ctx context.Context, tx roster.Tx, accountID, id string) error {
	deleted, err := tx.UserDeleted(ctx, accountID, id)
	if err != nil || !deleted {
		return firstErr(err, roster.NotFound("User"))
	}
	aspects, err := tx.Aspects(ctx, accountID, id)
	if err != nil {
		return err
	}
	var retried []roster.Aspect
	for _, a := range aspects {
		if a.State == roster.AspectFailed {
			a.State, a.Attempts, a.Message, a.NextAttemptAt = roster.AspectPending, 0, "", tx.Now()
			retried = append(retried, a)
		}
	}
	if len(retried) == 0 {
		return roster.NotFound("User")
	}
	return tx.PutAspects(ctx, retried)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// GetUser returns the user in its effective view, or with own its stored
// fields only. Errors: ENOTFOUND.
func (s *Service) GetUser(ctx context.Context, accountID, id string, own bool) (*UserResult, error) {
	var res *UserResult
	err := s.readOne(ctx, accountID, func(tx roster.Tx) error {
		u, p, err := readableUser(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		if own {
			res = &UserResult{View: roster.Own(u), Version: u.Version}
			return nil
		}
		res = effectiveResult(u, p)
		return nil
	})
	return res, err
}

// ListUsers returns a page of users in their effective view.
// Errors: ENOTFOUND (account).
func (s *Service) ListUsers(ctx context.Context, accountID string, f roster.UserFilter) (roster.Page[roster.UserView], error) {
	var out roster.Page[roster.UserView]
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		out, err = s.listUsersTx(ctx, tx, accountID, f)
		return err
	})
	return out, err
}

func (s *Service) listUsersTx(ctx context.Context, tx roster.Tx, accountID string, f roster.UserFilter) (roster.Page[roster.UserView], error) {
	page, err := s.userResults(ctx, tx, accountID, f)
	out := roster.Page[roster.UserView]{PageNumber: page.PageNumber, PageSize: page.PageSize, Total: page.Total,
		Items: make([]roster.UserView, 0, len(page.Items))}
	for _, r := range page.Items {
		out.Items = append(out.Items, r.View)
	}
	return out, err
}

// userResults returns a page of users, each in its effective view.
func (s *Service) userResults(ctx context.Context, tx roster.Tx, accountID string, f roster.UserFilter) (roster.Page[*UserResult], error) {
	page, err := tx.ListUsers(ctx, accountID, f)
	if err != nil {
		return roster.Page[*UserResult]{}, err
	}
	out := roster.Page[*UserResult]{PageNumber: page.PageNumber, PageSize: page.PageSize, Total: page.Total,
		Items: make([]*UserResult, 0, len(page.Items))}
	profiles := map[string]*roster.Profile{}
	for i := range page.Items {
		u := &page.Items[i]
		p, ok := profiles[u.ProfileID]
		if !ok {
			if p, err = profileOf(ctx, tx, u); err != nil {
				return out, err
			}
			profiles[u.ProfileID] = p
		}
		out.Items = append(out.Items, effectiveResult(u, p))
	}
	return out, nil
}

func profileOf(ctx context.Context, tx roster.Tx, u *roster.User) (*roster.Profile, error) {
	if u.ProfileID == "" {
		return nil, nil
	}
	return tx.GetProfile(ctx, u.AccountID, u.ProfileID)
}

func userFromInput(accountID, id string, in roster.UserInput, hash string) *roster.User {
	f := maps.Clone(in.Features) // DropInherited deletes from it; in is the caller's, and a run again's
	if len(f) == 0 {
		f = nil
	}
	u := &roster.User{
		ID: id, AccountID: accountID, OrganizationNodeID: in.OrganizationNodeID, LoginID: in.LoginID,
		LastName: in.LastName, FirstName: in.FirstName, ProfileID: in.ProfileID, UXProfileID: in.UXProfileID,
		Roles: in.Roles, MemberOfGroups: in.MemberOfGroups, OwnedGroups: in.OwnedGroups, Features: f,
		PasswordHash: hash,
	}
	keepCore(u, nil, in.Core)
	return u
}

// keepCore sets the core fields of u: from a dialect's write (c), with the
// other dialects' extensions of old kept; from old for a canonical write.
func keepCore(u, old *roster.User, c *roster.UserCore) {
	if old != nil {
		u.Archived, u.MustChangePassword = old.Archived, old.MustChangePassword
		u.Extensions = maps.Clone(old.Extensions)
	}
	if c == nil {
		return
	}
	u.Archived, u.MustChangePassword = c.Archived, c.MustChangePassword
	if c.Dialect != "" && c.Extension != nil {
		if u.Extensions == nil {
			u.Extensions = roster.Extensions{}
		}
		u.Extensions[c.Dialect] = c.Extension
	}
}

// checkUser checks the rules that need the account's data: the node, the
// profile, the catalog references, the unique loginId and that ownedGroups
// go with the effective role Supervisor. It reports them with the
// violations found before (vs). It returns the user's profile.
func (s *Service) checkUser(ctx context.Context, tx roster.Tx, u *roster.User, in roster.UserInput, selfID string, vs roster.Violations) (*roster.Profile, error) {
	refs, err := checkRefs(ctx, tx, u.AccountID, in.Refs())
	if err != nil {
		return nil, err
	}
	vs = append(vs, refs...)
	if u.OrganizationNodeID == "" {
		// already reported as required
	} else if _, err := tx.GetNode(ctx, u.AccountID, u.OrganizationNodeID); roster.ErrorCode(err) == roster.ENOTFOUND {
		vs.Add("organizationNodeId", roster.VNotFound, "no organization node %q in this account", u.OrganizationNodeID)
	} else if err != nil {
		return nil, err
	}
	var p *roster.Profile
	if u.ProfileID != "" {
		if p, err = tx.GetProfile(ctx, u.AccountID, u.ProfileID); roster.ErrorCode(err) == roster.ENOTFOUND {
			vs.Add("profileId", roster.VNotFound, "no profile %q in this account", u.ProfileID)
		} else if err != nil {
			return nil, err
		}
	}
	if len(u.OwnedGroups) > 0 && !contains(roster.EffectiveRoles(u, p), "Supervisor") {
		vs.Add("ownedGroups", roster.VInvalid, "only a user with the role Supervisor can own groups")
	}
	if err := vs.Err(); err != nil {
		return nil, err
	}
	taken, err := tx.LoginTaken(ctx, u.AccountID, u.LoginID, selfID)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, &roster.Error{Code: roster.ECONFLICT, Message: fmt.Sprintf("A user with loginId %q already exists.", u.LoginID),
			Violations: []roster.Violation{{Field: "loginId", Code: roster.VDuplicate, Message: "is taken by another user of the account"}}}
	}
	return p, nil
}
