package store

import (
	"context"
	"slices"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// AspectsOf returns the provisioning records of the users, by user id and
// name. In a write transaction the rows are locked, in key order.
//
// Here and below, a list of ids comes with its range too (a batch's ids
// are consecutive; StampAspects only on PostgreSQL, see boundJoins):
// PostgreSQL, before it has statistics of a table, plans the list alone
// as a scan of every row of the account (163 ms for 256 ids of 20,000
// records; 4 ms with the range). The range is computed in Go's
// byte order; user ids are lowercase UUIDs made by roster, which sort the
// same under any collation (equal-length hex, hyphens in the same places).
func (t *Tx) AspectsOf(ctx context.Context, accountID string, userIDs []string) (map[string]map[string]roster.Aspect, error) {
	lock := ""
	if t.writable {
		lock = t.d.forUpdate
	}
	out := make(map[string]map[string]roster.Aspect, len(userIDs))
	err := t.eachStatement(len(userIDs), 256, func(lo, hi int) error {
		ids := userIDs[lo:hi]
		q := `SELECT ` + aspectCols + ` FROM aspects WHERE account_id = ? AND user_id >= ? AND user_id <= ? AND ` +
			t.d.inSQL("user_id", len(ids)) + ` ORDER BY user_id, name` + lock
		args := append([]any{accountID, slices.Min(ids), slices.Max(ids)}, t.d.inArgs(ids)...)
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAspect(rows)
			if err != nil {
				return err
			}
			if out[a.UserID] == nil {
				out[a.UserID] = map[string]roster.Aspect{}
			}
			out[a.UserID][a.Name] = a
		}
		return rows.Err()
	})
	return out, err
}

// PutAspects writes provisioning records as the service decided them. A
// lease held by a worker stays: the worker finishes its attempt, sees the
// new desired version and leaves the record pending, so one aspect is
// never provisioned by two workers at once. A record written settled
// (done: its provisioner needs no call) ends a lease that has run out, as
// SettleDue does, so a late outcome of the old holder is not recorded; a
// lease still running (a replica that provisions the aspect otherwise, in
// a rolling change of ROSTER_PROVISIONERS) keeps the record pending, for
// SettleDue once the holder is done. The records' keys must be distinct:
// PostgreSQL writes them in one statement, which cannot change a row twice.
func (t *Tx) PutAspects(ctx context.Context, as []roster.Aspect) error {
	return t.eachStatement(len(as), 64, func(lo, hi int) error {
		q := t.d.tableSQL(`INSERT INTO aspects (`+aspectCols+`, lease_owner, lease_until) SELECT v.*, '', 0 FROM `,
			aspectTypes, ` WHERE true ON CONFLICT (account_id, user_id, name) DO UPDATE SET desired = excluded.desired,
			desired_version = excluded.desired_version, action = excluded.action,
			message = excluded.message, attempts = excluded.attempts,
			next_attempt_at = excluded.next_attempt_at, reported = excluded.reported,
			cause_profile = excluded.cause_profile, cause_version = excluded.cause_version,
			provisioned = CASE WHEN excluded.state = 'done' AND aspects.lease_until > ? THEN aspects.provisioned
				ELSE excluded.provisioned END,
			state = CASE WHEN excluded.state = 'done' AND aspects.lease_until > ? THEN 'pending' ELSE excluded.state END,
			lease_owner = CASE WHEN excluded.state = 'done' AND aspects.lease_until <= ? THEN '' ELSE aspects.lease_owner END,
			lease_until = CASE WHEN excluded.state = 'done' AND aspects.lease_until <= ? THEN 0 ELSE aspects.lease_until END`, hi-lo)
		values := make([]any, 0, len(aspectTypes)*(hi-lo))
		for _, a := range as[lo:hi] {
			values = append(values, a.AccountID, a.UserID, a.Name, nullJSON(a.Desired), a.DesiredVersion, nullJSON(a.Provisioned),
				a.Action, a.State, a.Message, a.Attempts, ms(a.NextAttemptAt), a.Stamp, a.CauseProfileID, a.CauseProfileVer)
		}
		args, err := t.d.tableArgs(aspectTypes, values)
		if err != nil {
			return err
		}
		now := ms(t.now)
		_, err = t.exec(ctx, q, append(args, now, now, now, now)...)
		return err
	})
}

// aspectTypes are the types of aspectCols.
var aspectTypes = []string{colText, colText, colText, colText, colBigint, colText, colText, colText, colText,
	colBigint, colBigint, colBigint, colText, colBigint}

// StampAspects sets the stamps of records (see roster.Aspect.Shown) the
// transaction has read with Aspects or AspectsOf, so it takes no new lock.
// The keys are joined as a table: the list form (user_id, name) IN
// (VALUES …) was planned by PostgreSQL as a comparison of every key with
// every row of the range (6.6 ms for 256 keys).
func (t *Tx) StampAspects(ctx context.Context, accountID string, stamps []roster.AspectStamp) error {
	return t.eachStatement(len(stamps), 256, func(lo, hi int) error {
		part := stamps[lo:hi]
		values := make([]any, 0, 3*len(part))
		for _, k := range part {
			values = append(values, k.UserID, k.Name, k.Stamp)
		}
		args, err := t.d.tableArgs(stampTypes, values)
		if err != nil {
			return err
		}
		args = append(args, accountID)
		bound := ""
		if t.d.boundJoins {
			byUser := func(a, b roster.AspectStamp) int { return strings.Compare(a.UserID, b.UserID) }
			first, last := slices.MinFunc(part, byUser), slices.MaxFunc(part, byUser)
			bound, args = ` AND aspects.user_id >= ? AND aspects.user_id <= ?`, append(args, first.UserID, last.UserID)
		}
		q := t.d.tableSQL(`UPDATE aspects SET reported = v.column3 FROM `, stampTypes,
			` WHERE aspects.account_id = ? AND aspects.user_id = v.column1 AND aspects.name = v.column2`+bound, len(part))
		_, err = t.exec(ctx, q, args...)
		return err
	})
}

var stampTypes = []string{colText, colText, colBigint}

// Outcome kinds in FinishAspects' rows.
const (
	outcomeDone  = roster.AspectDone
	outcomeFail  = roster.AspectFailed
	outcomeRetry = "retry"
	outcomeLeave = "release" // not attempted: only the lease ends
)

// FinishAspects records the outcomes of claimed records that owner still
// holds. When a record's desired state changed meanwhile it stays pending
// (the new state is provisioned next), so quick changes coalesce: only
// what was provisioned (a done attempt's claimed state) is kept.
func (t *Tx) FinishAspects(ctx context.Context, owner string, attempts []roster.Attempt) error {
	return t.eachStatement(len(attempts), 64, func(lo, hi int) error {
		part := attempts[lo:hi]
		if err := t.lockAttempted(ctx, part); err != nil {
			return err
		}
		q := t.d.tableSQL(`UPDATE aspects SET
			provisioned = CASE WHEN v.column6 = 'done' THEN v.column5 ELSE aspects.provisioned END,
			message = CASE WHEN v.column6 = 'release' THEN aspects.message ELSE v.column7 END,
			attempts = CASE WHEN v.column6 = 'done' THEN 0 WHEN v.column6 = 'release' THEN aspects.attempts
				ELSE aspects.attempts + 1 END,
			state = CASE WHEN v.column6 IN ('retry', 'release') THEN aspects.state
				WHEN aspects.desired_version = v.column4 THEN v.column6 ELSE 'pending' END,
			next_attempt_at = CASE WHEN v.column6 = 'retry' AND aspects.desired_version = v.column4 THEN v.column8
				ELSE aspects.next_attempt_at END,
			lease_owner = '', lease_until = 0
			FROM `, outcomeTypes, ` WHERE aspects.account_id = v.column1 AND aspects.user_id = v.column2
			AND aspects.name = v.column3 AND aspects.lease_owner = ?`, hi-lo)
		values := make([]any, 0, len(outcomeTypes)*(hi-lo))
		for _, at := range part {
			a, o := at.Aspect, at.Outcome
			kind, provisioned := outcomeRetry, any(nil)
			switch {
			case o.Done:
				kind, provisioned = outcomeDone, nullJSON(a.Desired)
			case o.Failed:
				kind = outcomeFail
			case o.Unattempted:
				kind = outcomeLeave
			}
			values = append(values, a.AccountID, a.UserID, a.Name, a.DesiredVersion, provisioned, kind, o.Message, ms(o.RetryAt))
		}
		args, err := t.d.tableArgs(outcomeTypes, values)
		if err != nil {
			return err
		}
		_, err = t.exec(ctx, q, append(args, owner)...)
		return err
	})
}

var outcomeTypes = []string{colText, colText, colText, colBigint, colText, colText, colText, colBigint}

// lockAttempted locks the records in key order (PostgreSQL) before they
// are updated, so that it never waits in the opposite order of a user's
// write, which locks its records in that order too.
func (t *Tx) lockAttempted(ctx context.Context, part []roster.Attempt) error {
	if t.d.forUpdate == "" {
		return nil
	}
	q := t.d.tableSQL(`SELECT 1 FROM aspects WHERE (account_id, user_id, name) IN (SELECT column1, column2, column3 FROM `,
		keyTypes, `) ORDER BY account_id, user_id, name`+t.d.forUpdate, len(part))
	values := make([]any, 0, 3*len(part))
	for _, at := range part {
		values = append(values, at.Aspect.AccountID, at.Aspect.UserID, at.Aspect.Name)
	}
	args, err := t.d.tableArgs(keyTypes, values)
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

var keyTypes = []string{colText, colText, colText}
