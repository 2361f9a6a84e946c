package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// CreateProfile inserts a profile with version 1 and the status of its ADD.
func (t *Tx) CreateProfile(ctx context.Context, p *roster.Profile, ch roster.ProfileChange) error {
	p.Version, p.CreatedAt, p.UpdatedAt = 1, t.now, t.now
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	st, _ := json.Marshal(ch.Aspects)
	if _, err := t.exec(ctx, `INSERT INTO profiles (account_id, id, name_lower, doc, version, status_action, status_since,
		status_aspects, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`, p.AccountID, p.ID,
		strings.ToLower(p.Name), string(doc), ch.Action, ch.Since, string(st), ms(t.now), ms(t.now)); err != nil {
		return err
	}
	return t.writeRefs(ctx, "profile", p.AccountID, p.ID, nil, profileRefs(p))
}

// UpdateProfile stores the profile's new fields and the status of the
// change; p.Version must already be the new version.
func (t *Tx) UpdateProfile(ctx context.Context, p *roster.Profile, ch roster.ProfileChange) error {
	p.UpdatedAt = t.now
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	st, _ := json.Marshal(ch.Aspects)
	if _, err := t.exec(ctx, `UPDATE profiles SET name_lower = ?, doc = ?, version = ?, status_action = ?, status_since = ?,
		status_aspects = ?, updated_at = ? WHERE account_id = ? AND id = ?`, strings.ToLower(p.Name), string(doc), p.Version,
		ch.Action, ch.Since, string(st), ms(t.now), p.AccountID, p.ID); err != nil {
		return err
	}
	return t.writeRefs(ctx, "profile", p.AccountID, p.ID, &anyRefs, profileRefs(p))
}

const profileCols = `doc, version, created_at, updated_at, status_action, status_since, status_aspects`

// GetProfile returns a profile or ENOTFOUND.
func (t *Tx) GetProfile(ctx context.Context, accountID, id string) (*roster.Profile, error) {
	p, _, err := scanProfile(t.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE account_id = ? AND id = ?`, accountID, id), accountID)
	return p, err
}

// ProfileStatusOf returns the profile and what its status reports.
func (t *Tx) ProfileStatusOf(ctx context.Context, accountID, id string) (*roster.Profile, roster.ProfileChange, error) {
	return scanProfile(t.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE account_id = ? AND id = ?`, accountID, id), accountID)
}

type scanner interface{ Scan(...any) error }

func scanProfile(row scanner, accountID string) (*roster.Profile, roster.ProfileChange, error) {
	var doc, aspects string
	var ch roster.ProfileChange
	var version, created, updated int64
	err := row.Scan(&doc, &version, &created, &updated, &ch.Action, &ch.Since, &aspects)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ch, roster.NotFound("Profile")
	}
	if err != nil {
		return nil, ch, err
	}
	var p roster.Profile
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, ch, err
	}
	p.AccountID, p.Version, p.CreatedAt, p.UpdatedAt = accountID, version, fromMS(created), fromMS(updated)
	err = json.Unmarshal([]byte(aspects), &ch.Aspects)
	return &p, ch, err
}

// ProfileHasGroupOwners reports whether a user on the profile owns groups
// and takes its roles from the profile (so it needs the profile's Supervisor).
func (t *Tx) ProfileHasGroupOwners(ctx context.Context, accountID, profileID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users u WHERE u.account_id = ? AND u.profile_id = ? AND u.has_roles = 0
		AND EXISTS (SELECT 1 FROM user_groups g WHERE g.account_id = u.account_id AND g.user_id = u.id AND g.owned = 1) LIMIT 1) o`,
		accountID, profileID).Scan(&n)
	return n > 0, err
}

// ProfileNameTaken reports whether another profile of the account has the name.
func (t *Tx) ProfileNameTaken(ctx context.Context, accountID, name, exceptID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM profiles WHERE account_id = ? AND name_lower = ? AND id <> ?`,
		accountID, strings.ToLower(name), exceptID).Scan(&n)
	return n > 0, err
}

// ProfileInUse reports whether any user is on the profile.
func (t *Tx) ProfileInUse(ctx context.Context, accountID, id string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE account_id = ? AND profile_id = ? LIMIT 1) u`, accountID, id).Scan(&n)
	return n > 0, err
}

// DeleteProfile removes a profile and keeps its status as a tombstone.
func (t *Tx) DeleteProfile(ctx context.Context, accountID, id string, statusAspects map[string]string) error {
	if _, err := t.exec(ctx, `DELETE FROM propagations WHERE account_id = ? AND profile_id = ?`, accountID, id); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM profiles WHERE account_id = ? AND id = ?`, accountID, id); err != nil {
		return err
	}
	st, _ := json.Marshal(statusAspects)
	_, err := t.exec(ctx, `INSERT INTO profile_tombstones (account_id, profile_id, aspects, deleted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, profile_id) DO UPDATE SET aspects = excluded.aspects, deleted_at = excluded.deleted_at`,
		accountID, id, string(st), ms(t.now))
	return err
}

// ProfileTombstone returns the per-aspect actions of a deleted profile, or ENOTFOUND.
func (t *Tx) ProfileTombstone(ctx context.Context, accountID, id string) (map[string]string, error) {
	var aspects string
	err := t.queryRow(ctx, `SELECT aspects FROM profile_tombstones WHERE account_id = ? AND profile_id = ? AND deleted_at > ?`,
		accountID, id, ms(t.now.Add(-roster.TombstoneTTL))).Scan(&aspects)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Profile")
	}
	var st map[string]string
	if err == nil {
		err = json.Unmarshal([]byte(aspects), &st)
	}
	return st, err
}

// ListProfiles returns a page of the account's profiles by name.
func (t *Tx) ListProfiles(ctx context.Context, accountID string, page, size int) (roster.Page[roster.Profile], error) {
	return pageOf(ctx, t, page, size,
		`SELECT COUNT(*) FROM profiles WHERE account_id = ?`,
		`SELECT `+profileCols+` FROM profiles WHERE account_id = ? ORDER BY name_lower, id LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.Profile, error) {
			p, _, err := scanProfile(rows, accountID)
			if err != nil {
				return roster.Profile{}, err
			}
			return *p, nil
		})
}
