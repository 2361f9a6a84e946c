package service

import (
	"context"
	"fmt"

	"github.com/roster-cc/roster/internal/roster"
)

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
// (GWS's /api/v2): the account whose user has held the login name longest.
// Only that user's password is checked, so no other account's user is
// ever tried: another account creating the same name later neither takes
// the name over nor locks its holder out. An unknown name costs a
// verification like a wrong password.
func (s *Service) basicAccount(ctx context.Context, login, pw string) (string, error) {
	var accounts []string
	err := s.store.Read(ctx, func(tx roster.Tx) (err error) {
		accounts, err = tx.AccountsWithLogin(ctx, login, 1)
		return err
	})
	if err != nil {
		return "", err
	}
	if len(accounts) == 0 {
		if _, err := s.verify(ctx, pw, s.dummyHash); err != nil {
			return "", err
		}
		return "", errBadLogin
	}
	return accounts[0], nil
}
