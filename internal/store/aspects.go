package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// The column reported holds a record's stamp (roster.Aspect.Stamp). It
// held a flag before, 1 on the records of the user's latest change and on
// every record not done: those are valid stamps (a client's change, whose
// action the user's row holds), so the meaning changed without a
// migration, and replicas of both versions run side by side during an
// upgrade (a user changed by an older one may show an earlier change's
// records until its next change).
const aspectCols = `account_id, user_id, name, desired, desired_version, provisioned, action, state, message,
	attempts, next_attempt_at, reported, cause_profile, cause_version`

func scanAspect(row scanner) (roster.Aspect, error) {
	var a roster.Aspect
	var desired, provisioned sql.NullString
	var next int64
	err := row.Scan(&a.AccountID, &a.UserID, &a.Name, &desired, &a.DesiredVersion, &provisioned, &a.Action, &a.State,
		&a.Message, &a.Attempts, &next, &a.Stamp, &a.CauseProfileID, &a.CauseProfileVer)
	if desired.Valid {
		a.Desired = []byte(desired.String)
	}
	if provisioned.Valid {
		a.Provisioned = []byte(provisioned.String)
	}
	a.NextAttemptAt = fromMS(next)
	return a, err
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// Aspects returns the provisioning records of a user, by name.
func (t *Tx) Aspects(ctx context.Context, accountID, userID string) (map[string]roster.Aspect, error) {
	// In a write transaction the rows are locked (PostgreSQL), so a worker
	// recording an outcome cannot slip in between this read and the write
	// that follows it; it waits, then sees the new desired version.
	lock := ""
	if t.writable {
		lock = t.d.forUpdate
	}
	rows, err := t.query(ctx, `SELECT `+aspectCols+` FROM aspects WHERE account_id = ? AND user_id = ? ORDER BY name`+lock, accountID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]roster.Aspect{}
	for rows.Next() {
		a, err := scanAspect(rows)
		if err != nil {
			return nil, err
		}
		out[a.Name] = a
	}
	return out, rows.Err()
}

// ClaimAspects leases up to limit due records to owner until now+lease and
// returns them. A record whose lease ran out (its worker died) is due again.
func (t *Tx) ClaimAspects(ctx context.Context, owner string, limit int, lease time.Duration) ([]roster.Aspect, error) {
	rows, err := t.query(ctx, `UPDATE aspects SET lease_owner = ?, lease_until = ?
		WHERE (account_id, user_id, name) IN (SELECT account_id, user_id, name FROM aspects
			WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at LIMIT ?`+t.d.skipLocked+`)
		RETURNING `+aspectCols, owner, ms(t.now.Add(lease)), ms(t.now), ms(t.now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []roster.Aspect
	for rows.Next() {
		a, err := scanAspect(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SettleDue marks up to limit due records of the named aspects done as
// their desired state, in one statement, and returns how many. A record
// whose lease ran out is taken from its holder, as a claim would take it:
// that worker's late outcome is not recorded.
func (t *Tx) SettleDue(ctx context.Context, names []string, limit int) (int, error) {
	if len(names) == 0 {
		return 0, nil
	}
	q := `UPDATE aspects SET provisioned = desired, state = 'done', message = '', attempts = 0,
		lease_owner = '', lease_until = 0
		WHERE (account_id, user_id, name) IN (SELECT account_id, user_id, name FROM aspects
			WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ? AND ` + t.d.inSQL("name", len(names)) +
		` ORDER BY next_attempt_at LIMIT ?` + t.d.skipLocked + `)`
	args := append([]any{ms(t.now), ms(t.now)}, t.d.inArgs(names)...)
	res, err := t.exec(ctx, q, append(args, limit)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// NextDue returns when the earliest pending record becomes due (lease
// expiry included); ok is false when nothing is pending.
func (t *Tx) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	var v sql.NullInt64
	err = t.queryRow(ctx, `SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END)
		FROM aspects WHERE state = 'pending'`).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, false, err
	}
	return fromMS(v.Int64), true, nil
}

// causedBy selects the records a profile caused since a version (its
// arguments: account, profile, version). It repeats the condition of the
// partial index aspects_cause (migration 0007), since SQLite and
// PostgreSQL use a partial index only for a query that states it.
const causedBy = `account_id = ? AND cause_profile = ? AND cause_profile <> '' AND cause_version >= ?`

// The queries of a profile's status (ProfileProgress, ProfileUnsettled).
const (
	progressByAspect = `SELECT name, COUNT(*), SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END)
		FROM aspects WHERE ` + causedBy + ` GROUP BY name`
	progressUsers = `SELECT COUNT(DISTINCT user_id), COUNT(DISTINCT CASE WHEN state = 'failed' THEN user_id END)
		FROM aspects WHERE ` + causedBy
	unsettledAny = `SELECT COUNT(*) FROM (SELECT 1 FROM aspects WHERE ` + causedBy + ` AND state IN ('pending', 'failed') LIMIT 1) u`
)

// ProfileProgress returns the counts per aspect of the records the profile
// caused since its version since (all and failed), and the numbers of
// users affected and failed. It reads every such record: the status asks only to word
// failures (ProfileUnsettledAspects tells whether there are any).
func (t *Tx) ProfileProgress(ctx context.Context, accountID, profileID string, since int64) (map[string]roster.AspectCounts, int, int, error) {
	rows, err := t.query(ctx, progressByAspect, accountID, profileID, since)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	out := map[string]roster.AspectCounts{}
	for rows.Next() {
		var name string
		var c roster.AspectCounts
		if err := rows.Scan(&name, &c.Total, &c.Failed); err != nil {
			return nil, 0, 0, err
		}
		out[name] = c
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, err
	}
	var users, failed int
	err = t.queryRow(ctx, progressUsers, accountID, profileID, since).Scan(&users, &failed)
	return out, users, failed, err
}

// unsettledProbe finds one record of each aspect and unsettled state that
// the profile caused since a version: one index probe each, however many
// records there are.
var unsettledProbe = func() string {
	var parts []string
	for _, name := range roster.AspectNames {
		for _, state := range []string{roster.AspectPending, roster.AspectFailed} {
			parts = append(parts, `SELECT * FROM (SELECT name, state, action FROM aspects WHERE `+causedBy+`
				AND state = '`+state+`' AND name = '`+name+`' ORDER BY action LIMIT 1) p`)
		}
	}
	return strings.Join(parts, " UNION ALL ")
}()

// ProfileUnsettledAspects returns the aspects with records the profile
// caused since its version since that are pending or failed, with the
// least action among those (ADD before DELETE before UPDATE).
func (t *Tx) ProfileUnsettledAspects(ctx context.Context, accountID, profileID string, since int64) (map[string]roster.AspectProgress, error) {
	n := 2 * len(roster.AspectNames) // a probe per aspect and unsettled state
	args := make([]any, 0, 3*n)
	for range n {
		args = append(args, accountID, profileID, since)
	}
	rows, err := t.query(ctx, unsettledProbe, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]roster.AspectProgress{}
	for rows.Next() {
		var name, state, action string
		if err := rows.Scan(&name, &state, &action); err != nil {
			return nil, err
		}
		p := out[name]
		if p.Action == "" {
			p.Action = action
		}
		p.Pending = p.Pending || state == roster.AspectPending
		p.Failed = p.Failed || state == roster.AspectFailed
		out[name] = p
	}
	return out, rows.Err()
}

// ProfileUnsettled reports whether a record the profile caused since its
// version since is still pending or failed.
func (t *Tx) ProfileUnsettled(ctx context.Context, accountID, profileID string, since int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, unsettledAny, accountID, profileID, since).Scan(&n)
	return n > 0, err
}

// StartPropagation (re)starts carrying the profile's change at version to
// its users from the first one. A propagation under way restarts: users
// are compared with the profile as it is now, so nothing is lost.
func (t *Tx) StartPropagation(ctx context.Context, accountID, profileID string, version int64) error {
	_, err := t.exec(ctx, `INSERT INTO propagations (account_id, profile_id, version, cursor, done, lease_owner, lease_until)
		VALUES (?, ?, ?, '', 0, '', 0)
		ON CONFLICT (account_id, profile_id) DO UPDATE SET version = excluded.version, cursor = '', done = 0,
			lease_owner = '', lease_until = 0`, accountID, profileID, version)
	return err
}

// GetPropagation returns the profile's propagation, or ENOTFOUND.
func (t *Tx) GetPropagation(ctx context.Context, accountID, profileID string) (*roster.Propagation, error) {
	p := roster.Propagation{AccountID: accountID, ProfileID: profileID}
	var done int
	err := t.queryRow(ctx, `SELECT version, cursor, done, lease_owner FROM propagations WHERE account_id = ? AND profile_id = ?`,
		accountID, profileID).Scan(&p.Version, &p.Cursor, &done, &p.LeaseOwner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("roster.Propagation")
	}
	p.Done = done == 1
	return &p, err
}

// ClaimPropagation leases one unfinished propagation to owner: one whose
// lease ran out, or one owner already holds (its last batch failed).
func (t *Tx) ClaimPropagation(ctx context.Context, owner string, lease time.Duration) (*roster.Propagation, error) {
	p := roster.Propagation{}
	err := t.queryRow(ctx, `UPDATE propagations SET lease_owner = ?, lease_until = ?
		WHERE (account_id, profile_id) IN (SELECT account_id, profile_id FROM propagations
			WHERE `+claimable+` LIMIT 1`+t.d.skipLocked+`)
		RETURNING account_id, profile_id, version, cursor`, owner, ms(t.now.Add(lease)), ms(t.now), owner).
		Scan(&p.AccountID, &p.ProfileID, &p.Version, &p.Cursor)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	p.LeaseOwner = owner
	return &p, err
}

// claimable is a propagation a worker may claim, given the time and the
// worker: not done, and its lease over or the worker's own.
const claimable = `done = 0 AND (lease_until <= ? OR lease_owner = ?)`

// PropagationWaiting reports whether ClaimPropagation would find a
// propagation for owner now.
func (t *Tx) PropagationWaiting(ctx context.Context, owner string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM propagations WHERE `+claimable+` LIMIT 1) AS w`,
		ms(t.now), owner).Scan(&n)
	return n > 0, err
}

// AdvancePropagation records a finished batch, if owner still holds the
// propagation at that version; it reports whether it did.
func (t *Tx) AdvancePropagation(ctx context.Context, owner string, p *roster.Propagation, lease time.Duration) (bool, error) {
	res, err := t.exec(ctx, `UPDATE propagations SET cursor = ?, done = ?, lease_until = ?
		WHERE account_id = ? AND profile_id = ? AND version = ? AND lease_owner = ?`,
		p.Cursor, b2i(p.Done), ms(t.now.Add(lease)), p.AccountID, p.ProfileID, p.Version, owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PurgeExpired removes tombstones past their TTL, the records of deleted
// users and old idempotency keys. The settled records of removed aspects of
// live users stay: their version must never restart, or a provisioner
// could see one version with two payloads.
func (t *Tx) PurgeExpired(ctx context.Context) error {
	cutoff := ms(t.now.Add(-roster.TombstoneTTL))
	for _, q := range []string{
		`DELETE FROM aspects WHERE (account_id, user_id) IN (SELECT account_id, user_id FROM user_tombstones WHERE deleted_at <= ?)`,
		`DELETE FROM user_tombstones WHERE deleted_at <= ?`,
		`DELETE FROM profile_tombstones WHERE deleted_at <= ?`,
		`DELETE FROM idempotency_keys WHERE created_at <= ?`,
		`DELETE FROM login_failures WHERE updated_at <= ? AND locked_until <= updated_at + 86400000`,
	} {
		if _, err := t.exec(ctx, q, cutoff); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, `DELETE FROM tokens WHERE expires_at > 0 AND expires_at <= ?`, ms(t.now))
	return err
}
