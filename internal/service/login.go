package service

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/roster"
)

// Lockout is the rule for repeated failed logins of one login name: after
// Threshold failures in a row each further failure locks it for Base,
// doubling up to Max.
type Lockout struct {
	Threshold int
	Base, Max time.Duration
}

// DefaultLockout locks after 5 failures for 1 minute, then 2, 4 … 15.
var DefaultLockout = Lockout{Threshold: 5, Base: time.Minute, Max: 15 * time.Minute}

func (l Lockout) delay(failures int) time.Duration {
	n := failures - l.Threshold
	if n < 0 {
		return 0
	}
	d := float64(l.Base) * math.Pow(2, float64(min(n, 30)))
	return time.Duration(min(d, float64(l.Max)))
}

// LoginInput is the body of a user login.
type LoginInput struct {
	LoginID     string `json:"loginId"`
	Password    string `json:"password"`
	NewPassword string `json:"newPassword"`
}

var (
	errBadLogin = roster.Errorf(roster.EUNAUTHORIZED, "The loginId or password is wrong.")
	errArchived = roster.Errorf(roster.EFORBIDDEN, "This user is archived and cannot log in.")
)

// Login checks a user's password and issues an access token. Unknown
// logins and users without a password cost one argon2id verification like
// a wrong password, and count towards the same lockout, so an answer never
// tells whether a login exists. A password that has expired or no longer
// meets the policy must be replaced with newPassword in the same request.
// Errors: EINVALID, EUNAUTHORIZED, EFORBIDDEN (must change the password),
// ETOOMANY (locked), EUNAVAILABLE (too many logins at once).
func (s *Service) Login(ctx context.Context, accountID string, in LoginInput) (*IssuedToken, error) {
	u, pol, err := s.checkPassword(ctx, accountID, in.LoginID, in.Password)
	if err != nil {
		return nil, err
	}
	// The password is right: whatever follows (a refused new password, an
	// archived user too), the failures are forgiven, in the same write as
	// the token.
	var newHash string
	var refused error = errArchived
	if !u.Archived {
		newHash, refused = s.loginPasswordChange(ctx, u, pol, in)
	}
	var out *IssuedToken
	err = s.store.Write(ctx, func(tx roster.Tx) (err error) {
		if err := tx.ClearLoginFailures(ctx, accountID, in.LoginID); err != nil || refused != nil {
			return err
		}
		if newHash != "" {
			if err := s.setPassword(ctx, tx, u, newHash); err != nil {
				return err
			}
		}
		if err := tx.SetLastLogin(ctx, accountID, u.ID); err != nil {
			return err
		}
		out, err = s.issue(ctx, tx, roster.KindUser, accountID, u.ID, nil)
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkPassword checks a login name and password: the lockout and the
// argon2id verification (a dummy one for unknown logins). It returns the
// user, archived or not, and the account's password policy; the caller
// forgives the failures counted so far.
func (s *Service) checkPassword(ctx context.Context, accountID, login, pw string) (*roster.User, roster.PasswordPolicy, error) {
	var vs roster.Violations
	if strings.TrimSpace(login) == "" || len(login) > roster.MaxLoginID {
		vs.Add("loginId", roster.VRequired, "is required (at most %d characters)", roster.MaxLoginID)
	}
	if pw == "" || len(pw) > 4*roster.MaxPasswordLength {
		vs.Add("password", roster.VInvalid, "is required (at most %d bytes)", 4*roster.MaxPasswordLength)
	}
	if err := vs.Err(); err != nil {
		return nil, roster.PasswordPolicy{}, err
	}
	u, pol, err := s.startLogin(ctx, accountID, login)
	if err != nil {
		return nil, pol, err
	}
	hash := s.dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := s.verify(ctx, pw, hash)
	if err != nil {
		return nil, pol, err
	}
	if !ok || hash == s.dummyHash {
		return nil, pol, errBadLogin
	}
	return u, pol, nil
}

// ErrChangePassword marks the refusal of a login whose password must be
// changed first (GWS answers it with its own status code).
var ErrChangePassword = errors.New("the password must be changed")

// loginPasswordChange returns the hash of the login's newPassword, which
// is required when the password has expired or no longer meets the policy.
func (s *Service) loginPasswordChange(ctx context.Context, u *roster.User, pol roster.PasswordPolicy, in LoginInput) (string, error) {
	reason := passwordChangeReason(u, pol, in.Password, s.now())
	if in.NewPassword == "" {
		if reason != "" {
			return "", &roster.Error{Code: roster.EFORBIDDEN, Err: ErrChangePassword,
				Message: fmt.Sprintf("The password %s; log in again with newPassword to set a new one.", reason)}
		}
		return "", nil
	}
	if in.NewPassword == in.Password {
		return "", roster.Invalid(roster.Violation{Field: "newPassword", Code: roster.VInvalid, Message: "must differ from the current password"})
	}
	return s.newPasswordHash(ctx, u, in.NewPassword, "newPassword")
}

// passwordChangeReason tells why a user's password must be changed before
// it may be used, "" when it need not.
func passwordChangeReason(u *roster.User, pol roster.PasswordPolicy, pw string, now time.Time) string {
	switch {
	case u.MustChangePassword:
		return "must be changed at the first login"
	case pol.Expired(u.PasswordChangedAt, now):
		return "has expired"
	case pol.Problem(pw) != "":
		return "no longer meets the account's password policy"
	}
	return ""
}

// startLogin refuses a locked login name and otherwise counts the attempt
// as a failure until it succeeds; the attempt that reaches the threshold
// sets the lock before any password is checked, so parallel guesses cannot
// outrun it. An account that does not exist keeps no count. It returns the
// user (nil if unknown) and the account's policy.
func (s *Service) startLogin(ctx context.Context, accountID, login string) (*roster.User, roster.PasswordPolicy, error) {
	var u *roster.User
	var pol roster.PasswordPolicy
	err := s.store.Write(ctx, func(tx roster.Tx) error {
		u, pol = nil, roster.PasswordPolicy{} // a run again starts over (roster.Store)
		if _, err := tx.GetAccount(ctx, accountID); roster.ErrorCode(err) == roster.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		// A locked name is refused before anything is written: a write that
		// fails after writing makes its group's other writes run again.
		until, err := tx.LoginLockedUntil(ctx, accountID, login)
		if err != nil {
			return err
		}
		n := 0
		if !until.After(tx.Now()) {
			if n, until, err = tx.RecordLoginFailure(ctx, accountID, login); err != nil {
				return err
			}
		}
		if wait := until.Sub(tx.Now()); wait > 0 {
			return &roster.Error{Code: roster.ETOOMANY, RetryAfter: wait, // and the count is rolled back
				Message: "Too many failed logins; wait before trying again (see Retry-After)."}
		}
		if n >= s.lockout.Threshold {
			if err := tx.LockLogin(ctx, accountID, login, tx.Now().Add(s.lockout.delay(n))); err != nil {
				return err
			}
		}
		if u, err = tx.UserByLogin(ctx, accountID, login); roster.ErrorCode(err) == roster.ENOTFOUND {
			u, err = nil, nil
		}
		if err != nil {
			return err
		}
		pol, err = tx.GetPasswordPolicy(ctx, accountID)
		return err
	})
	return u, pol, err
}

// verify checks pw against hash; a malformed hash never matches. At most
// hashSlots verifications run at once (each takes 19 MiB).
func (s *Service) verify(ctx context.Context, pw, hash string) (bool, error) {
	if err := s.hashSlot(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.hashSlots }()
	s.verifications.Add(1)
	ok, err := password.Verify(pw, hash)
	return ok && err == nil, nil
}

// hashSlot waits for a turn to run argon2id, as long as the request may.
func (s *Service) hashSlot(ctx context.Context) error {
	select {
	case s.hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "Too many password checks at once; retry shortly.", Err: ctx.Err()}
	}
}

// Verifications counts password verifications (tests show that unknown
// logins cost one, like wrong passwords).
func (s *Service) Verifications() int64 { return s.verifications.Load() }
