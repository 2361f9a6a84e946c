package service

import (
	"context"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// The other dialects (internal/dialect) read and change the same users
// through these, which add to the canonical use-cases only what those
// dialects show: the stored core fields and the lockout state.

// UserRecord returns the user as GetUser does, with Locked filled.
// Errors: ENOTFOUND.
func (s *Service) UserRecord(ctx context.Context, accountID, id string) (*UserResult, error) {
	res, err := s.GetUser(ctx, accountID, id, false)
	if err != nil {
		return nil, err
	}
	return res, s.fillLocked(ctx, accountID, []*UserResult{res})
}

// AllUserRecords returns every user of the account, in loginId order, with
// Stored and Locked filled, read in one transaction: a consistent list, held in
// memory (the Vonage and GWS lists have no pages).
// Errors: ENOTFOUND (account).
func (s *Service) AllUserRecords(ctx context.Context, accountID string) ([]*UserResult, error) {
	const size = 500
	var out []*UserResult
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		out = out[:0]
		for page := 1; ; page++ {
			p, err := s.userResults(ctx, tx, accountID, roster.UserFilter{OrderBy: "loginId", Page: page, PageSize: size})
			if err != nil {
				return err
			}
			out = append(out, p.Items...)
			if len(p.Items) < size {
				return nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, s.fillLocked(ctx, accountID, out)
}

func (s *Service) fillLocked(ctx context.Context, accountID string, rs []*UserResult) error {
	logins := make([]string, len(rs))
	for i, r := range rs {
		logins[i] = r.Stored.LoginID
	}
	return s.store.Read(ctx, func(tx roster.Tx) error {
		locked, err := tx.LockedLogins(ctx, accountID, logins)
		for _, r := range rs {
			r.Locked = locked[strings.ToLower(r.Stored.LoginID)]
		}
		return err
	})
}

// editAttempts bounds how often EditUser re-reads a user that another
// request changed between its read and its write.
const editAttempts = 5

// EditUser changes a user through another dialect: edit gets the user as
// it is now and returns the full replacement of its own fields, with Core
// set (roster.InputOf gives the current ones to start from). The change is
// made exactly as ReplaceUser makes it, on the version edit saw; when
// another change came first, the user is read and edited again.
// Errors: those of ReplaceUser but EPRECONDITION, EUNAVAILABLE when the
// user kept changing, and edit's own.
func (s *Service) EditUser(ctx context.Context, accountID, id string,
	edit func(cur *UserResult) (roster.UserInput, error)) (*UserResult, error) {
	for attempt := 1; ; attempt++ {
		cur, err := s.UserRecord(ctx, accountID, id)
		if err != nil {
			return nil, err
		}
		in, err := edit(cur)
		if err != nil {
			return nil, err
		}
		res, err := s.ReplaceUser(ctx, accountID, id, in, []int64{cur.Version})
		if roster.ErrorCode(err) != roster.EPRECONDITION {
			return res, err
		}
		if attempt == editAttempts {
			return nil, &roster.Error{Code: roster.EUNAVAILABLE, Err: err,
				Message: "The user kept changing while this change was made; retry it."}
		}
	}
}
