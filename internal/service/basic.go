package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// maxBasicAccounts bounds how many accounts an account-less HTTP Basic
// login name is looked for in (each costs a password verification).
const maxBasicAccounts = 4

var errBasicAmbiguous = roster.Errorf(roster.EUNAUTHORIZED,
	"The userName or password is wrong (or the userName is in several accounts: use /gws/accounts/{accountId}/api/v2).")

// AuthenticateBasic returns the principal of a user's HTTP Basic
// credentials (the GWS dialect): its login name and password, checked as a
// login is, with the lockout, for one request. The right password forgives
// the failures even when the request is refused (an archived user, or a
// password that must be changed first). accountID may be empty: see
// basicAccount.
// Errors: EUNAUTHORIZED, EFORBIDDEN (archived, or the password must be
// changed: ErrChangePassword), ETOOMANY, EUNAVAILABLE.
func (s *Service) AuthenticateBasic(ctx context.Context, accountID, login, pw string) (*roster.Principal, error) {
	if accountID == "" {
		acct, err := s.basicAccount(ctx, login, pw)
		if err != nil {
			return nil, err
		}
		accountID = acct
	}
	u, pol, err := s.checkPassword(ctx, accountID, login, pw)
	if roster.ErrorCode(err) == roster.EINVALID {
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	var refused error
	if u.Archived {
		refused = errArchived
	} else if reason := passwordChangeReason(u, pol, pw, s.now()); reason != "" {
		refused = &roster.Error{Code: roster.EFORBIDDEN, Err: ErrChangePassword,
			Message: fmt.Sprintf("The password %s; log in with POST /v1beta/accounts/%s/token and newPassword.", reason, accountID)}
	}
	p := &roster.Principal{Kind: roster.KindUser, AccountID: accountID, ID: u.ID}
	err = s.store.Write(ctx, func(tx roster.Tx) error {
		if err := tx.ClearLoginFailures(ctx, accountID, login); err != nil || refused != nil {
			return err
		}
		return userRights(ctx, tx, p, u)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// basicAccount finds the account of an HTTP Basic login that names none
// (GWS's /api/v2): the account with a user of that login name or, when
// several have one, the one whose user has this password. Accounts whose
// login name is locked are not tried, so the answer tells nothing a locked
// login would not. When no account or several match, the attempt counts as
// a failure of the name in each, and is refused; another account creating
// the same name therefore cannot lock this one's users out of /api/v2.
func (s *Service) basicAccount(ctx context.Context, login, pw string) (string, error) {
	var accounts []string
	var users []*roster.User
	err := s.store.Read(ctx, func(tx roster.Tx) (err error) {
		if accounts, err = tx.AccountsWithLogin(ctx, login, maxBasicAccounts+1); err != nil || len(accounts) < 2 {
			return err
		}
		for _, a := range accounts {
			locked, err := tx.LockedLogins(ctx, a, []string{login})
			if err != nil {
				return err
			}
			if u, err := tx.UserByLogin(ctx, a, login); err == nil && !locked[strings.ToLower(login)] && u.PasswordHash != "" {
				users = append(users, u)
			} else if err != nil && roster.ErrorCode(err) != roster.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case len(accounts) == 1:
		return accounts[0], nil
	case len(accounts) == 0 || len(accounts) > maxBasicAccounts:
		s.verify(ctx, pw, s.dummyHash) // as costly as a wrong password
		return "", errBasicAmbiguous
	}
	var match []string
	for _, u := range users {
		ok, err := s.verify(ctx, pw, u.PasswordHash)
		if err != nil {
			return "", err
		}
		if ok {
			match = append(match, u.AccountID)
		}
	}
	if len(match) == 1 {
		return match[0], nil // checkPassword counts and verifies it again
	}
	for _, a := range accounts {
		if _, _, err := s.startLogin(ctx, a, login); err != nil && roster.ErrorCode(err) != roster.ETOOMANY {
			return "", err
		}
	}
	return "", errBasicAmbiguous
}
