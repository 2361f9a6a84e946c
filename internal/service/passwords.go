package service

import (
	"context"

	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/roster"
)

// keptPasswords is how many earlier password hashes a user keeps, so that
// raising a policy's history takes effect at once.
const keptPasswords = roster.MaxHistory

// passwordHash checks a new password of user userID ("" for a new user)
// against the account's policy and history, adding violations on field,
// and hashes it when all is well. No password gives "".
func (s *Service) passwordHash(ctx context.Context, accountID, userID, pw, field string, vs *roster.Violations) (string, error) {
	if pw == "" {
		return "", nil
	}
	var pol roster.PasswordPolicy
	var earlier []string
	err := s.store.Read(ctx, func(tx roster.Tx) (err error) {
		if pol, err = tx.GetPasswordPolicy(ctx, accountID); err != nil || userID == "" || pol.History == 0 {
			return err
		}
		u, err := tx.GetUser(ctx, accountID, userID)
		if roster.ErrorCode(err) == roster.ENOTFOUND {
			return nil // the write that follows reports it
		}
		if err != nil {
			return err
		}
		earlier, err = tx.PasswordHistory(ctx, accountID, userID, pol.History-1)
		earlier = append([]string{u.PasswordHash}, earlier...)
		return err
	})
	if err != nil {
		return "", err
	}
	before := len(*vs)
	if pol.Check(vs, field, pw); len(*vs) > before {
		return "", nil
	}
	for _, h := range earlier {
		if h == "" {
			continue
		}
		if same, err := s.verify(ctx, pw, h); err != nil || same {
			if err == nil {
				vs.Add(field, roster.VInvalid, "must differ from the last %d passwords", pol.History)
			}
			return "", err
		}
	}
	if err := s.hashSlot(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashSlots }()
	return password.Hash(pw, s.hashCost)
}

// newPasswordHash is passwordHash for a user's own change at login.
func (s *Service) newPasswordHash(ctx context.Context, u *roster.User, pw, field string) (string, error) {
	var vs roster.Violations
	hash, err := s.passwordHash(ctx, u.AccountID, u.ID, pw, field, &vs)
	if err != nil {
		return "", err
	}
	return hash, vs.Err()
}

// passwordChanged keeps the old hash in the user's history and signs the
// user out everywhere, when a write replaced its password.
func passwordChanged(ctx context.Context, tx roster.Tx, accountID, userID, oldHash, newHash string) error {
	if newHash == "" || newHash == oldHash {
		return nil
	}
	if oldHash != "" {
		if err := tx.AddPasswordHistory(ctx, accountID, userID, oldHash, keptPasswords); err != nil {
			return err
		}
	}
	return tx.DeleteTokensOf(ctx, accountID, roster.KindUser, userID)
}

// setPassword replaces a user's password (its own change at login).
func (s *Service) setPassword(ctx context.Context, tx roster.Tx, u *roster.User, hash string) error {
	cur, err := tx.GetUser(ctx, u.AccountID, u.ID)
	if err != nil {
		return err
	}
	stored := *cur
	cur.PasswordHash, cur.MustChangePassword = hash, false
	if err := tx.UpdateUser(ctx, &stored, cur, ""); err != nil {
		return err
	}
	if err := passwordChanged(ctx, tx, u.AccountID, u.ID, stored.PasswordHash, hash); err != nil {
		return err
	}
	self := roster.WithPrincipal(ctx, &roster.Principal{Kind: roster.KindUser, AccountID: u.AccountID, ID: u.ID})
	return audit(self, tx, u.AccountID, roster.AuditUpdate, resUser, u.ID, []string{fieldPassword})
}

// PasswordPolicy returns the account's password policy. Errors: ENOTFOUND.
func (s *Service) PasswordPolicy(ctx context.Context, accountID string) (roster.PasswordPolicy, error) {
	var p roster.PasswordPolicy
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		p, err = tx.GetPasswordPolicy(ctx, accountID)
		return err
	})
	return p, err
}

// SetPasswordPolicy replaces the account's password policy. Passwords set
// before it are checked against it at their next login.
// Errors: ENOTFOUND, EINVALID.
func (s *Service) SetPasswordPolicy(ctx context.Context, accountID string, p roster.PasswordPolicy) (roster.PasswordPolicy, error) {
	if err := p.Validate().Err(); err != nil {
		return p, err
	}
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		old, err := tx.GetPasswordPolicy(ctx, accountID)
		if err != nil {
			return err
		}
		if err := tx.PutPasswordPolicy(ctx, accountID, p); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditUpdate, resPolicy, accountID, changedFields(old, p))
	})
	return p, err
}
