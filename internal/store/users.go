package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/roster-cc/roster/internal/roster"
)

const userCols = `u.doc, u.password_hash, u.password_changed_at, u.voice, u.version, u.status_action, u.created_at, u.updated_at, u.last_login_at`

// CreateUser inserts a user with version 1.
func (t *Tx) CreateUser(ctx context.Context, u *roster.User) error {
	u.Version, u.CreatedAt, u.UpdatedAt = 1, t.now, t.now
	if u.PasswordHash != "" {
		u.PasswordChangedAt = t.now
	}
	doc, voice, err := userDocs(u)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO users (account_id, id, login_lower, first_name, last_name, first_lower, last_lower,
		org_node_id, profile_id, has_roles, has_groups, doc, password_hash, password_changed_at, voice, version, status_action,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
		u.AccountID, u.ID, strings.ToLower(u.LoginID), u.FirstName, u.LastName, strings.ToLower(u.FirstName),
		strings.ToLower(u.LastName), u.OrganizationNodeID, nullable(u.ProfileID),
		b2i(u.Roles != nil), b2i(u.MemberOfGroups != nil), doc, u.PasswordHash, ms(u.PasswordChangedAt), voice, roster.ActionAdd,
		ms(t.now), ms(t.now)); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM user_tombstones WHERE account_id = ? AND user_id = ?`, u.AccountID, u.ID); err != nil {
		return err
	}
	return t.writeRefs(ctx, "user", u.AccountID, u.ID, nil, userRefs(u))
}

// UpdateUser stores the user's fields and bumps its version. old is the
// user as stored, read in this transaction: an indexed column is set only
// when its value changes, and so are the references, as SQLite rewrites
// the index entries of every column an UPDATE sets, changed or not (7 of
// the 8 indexes of users). action is the status action of the change
// (UPDATE for a client's replace; a password change keeps the current one
// by passing ""). A new password hash restarts the password's age.
func (t *Tx) UpdateUser(ctx context.Context, old, u *roster.User, action string) error {
	u.Version++
	u.UpdatedAt = t.now
	doc, voice, err := userDocs(u)
	if err != nil {
		return err
	}
	q := []byte(`UPDATE users SET first_name = ?, last_name = ?, has_roles = ?, has_groups = ?, doc = ?, password_hash = ?,
		password_changed_at = CASE WHEN password_hash = ? THEN password_changed_at ELSE ? END, voice = ?, version = ?,
		status_action = COALESCE(NULLIF(?, ''), status_action), updated_at = ?`)
	args := []any{u.FirstName, u.LastName, b2i(u.Roles != nil), b2i(u.MemberOfGroups != nil), doc, u.PasswordHash,
		u.PasswordHash, ms(t.now), voice, u.Version, action, ms(t.now)}
	for _, c := range []struct {
		col      string
		was, now any
	}{
		{"login_lower", strings.ToLower(old.LoginID), strings.ToLower(u.LoginID)},
		{"first_lower", strings.ToLower(old.FirstName), strings.ToLower(u.FirstName)},
		{"last_lower", strings.ToLower(old.LastName), strings.ToLower(u.LastName)},
		{"org_node_id", old.OrganizationNodeID, u.OrganizationNodeID},
		{"profile_id", nullable(old.ProfileID), nullable(u.ProfileID)},
	} {
		if c.was != c.now {
			q = append(q, ", "+c.col+" = ?"...)
			args = append(args, c.now)
		}
	}
	q = append(q, " WHERE account_id = ? AND id = ?"...)
	if _, err := t.exec(ctx, string(q), append(args, u.AccountID, u.ID)...); err != nil {
		return err
	}
	prev := userRefs(old)
	return t.writeRefs(ctx, "user", u.AccountID, u.ID, &prev, userRefs(u))
}

// SetUserProvisioning stores a user's voice identity and, when action is
// not empty, its status action, without a new version: a propagated
// profile change is server state, not a client change of the user.
func (t *Tx) SetUserProvisioning(ctx context.Context, u *roster.User, action string) error {
	_, voice, err := userDocs(u)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE users SET voice = ?, status_action = COALESCE(NULLIF(?, ''), status_action)
		WHERE account_id = ? AND id = ?`, voice, action, u.AccountID, u.ID)
	return err
}

func userDocs(u *roster.User) (doc string, voice any, err error) {
	b, err := json.Marshal(u)
	if err != nil {
		return "", nil, err
	}
	if u.Voice != nil {
		v, err := json.Marshal(u.Voice)
		if err != nil {
			return "", nil, err
		}
		voice = string(v)
	}
	return string(b), voice, nil
}

// GetUser returns a user or ENOTFOUND.
func (t *Tx) GetUser(ctx context.Context, accountID, id string) (*roster.User, error) {
	u, _, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users u WHERE u.account_id = ? AND u.id = ?`, accountID, id), accountID)
	return u, err
}

// UserStatusAction returns the status action the user's row holds: that of
// its latest client change, or of a propagation that changed its voice
// (a propagation's is otherwise read from the stamps: roster.StatusAction).
func (t *Tx) UserStatusAction(ctx context.Context, accountID, id string) (string, error) {
	var a string
	err := t.queryRow(ctx, `SELECT status_action FROM users WHERE account_id = ? AND id = ?`, accountID, id).Scan(&a)
	if errors.Is(err, sql.ErrNoRows) {
		return "", roster.NotFound("User")
	}
	return a, err
}

// UserByLogin returns the user with the login id (case-insensitive) or ENOTFOUND.
func (t *Tx) UserByLogin(ctx context.Context, accountID, loginID string) (*roster.User, error) {
	u, _, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users u WHERE u.account_id = ? AND u.login_lower = ?`,
		accountID, strings.ToLower(loginID)), accountID)
	return u, err
}

// LoginTaken reports whether another user of the account has the login id
// (case-insensitive).
func (t *Tx) LoginTaken(ctx context.Context, accountID, loginID, exceptID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE account_id = ? AND login_lower = ? AND id <> ?`,
		accountID, strings.ToLower(loginID), exceptID).Scan(&n)
	return n > 0, err
}

func scanUser(row scanner, accountID string) (*roster.User, string, error) {
	u := new(roster.User)
	action, err := scanUserTo(row, accountID, u)
	if err != nil {
		return nil, "", err
	}
	return u, action, nil
}

// scanUserTo reads a user of userCols into u, which must be zero, and
// returns the row's status action.
func scanUserTo(row scanner, accountID string, u *roster.User) (string, error) {
	var doc, hash, action string
	var voice sql.NullString
	var version, pwChanged, created, updated int64
	var lastLogin sql.NullInt64
	err := row.Scan(&doc, &hash, &pwChanged, &voice, &version, &action, &created, &updated, &lastLogin)
	if errors.Is(err, sql.ErrNoRows) {
		return "", roster.NotFound("User")
	}
	if err != nil {
		return "", err
	}
	// The documents are json.Marshal's, so the decoder need not be v1's,
	// which costs twice as much: a page of users reads a hundred of them.
	if err := jsonv2.Unmarshal([]byte(doc), u); err != nil {
		return "", err
	}
	if voice.Valid {
		u.Voice = new(roster.VoiceIdentity)
		if err := jsonv2.Unmarshal([]byte(voice.String), u.Voice); err != nil {
			return "", err
		}
	}
	u.AccountID, u.PasswordHash, u.Version = accountID, hash, version
	if hash != "" {
		u.PasswordChangedAt = fromMS(pwChanged)
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	if lastLogin.Valid {
		u.LastLoginAt = fromMS(lastLogin.Int64)
	}
	return action, nil
}

// DeleteUser removes a user and leaves a tombstone for its status.
func (t *Tx) DeleteUser(ctx context.Context, accountID, id string) error {
	for _, q := range []string{
		`DELETE FROM users WHERE account_id = ? AND id = ?`,
		`DELETE FROM tokens WHERE account_id = ? AND kind = 'user' AND subject_id = ?`,
		`DELETE FROM password_history WHERE account_id = ? AND user_id = ?`,
	} {
		if _, err := t.exec(ctx, q, accountID, id); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, `INSERT INTO user_tombstones (account_id, user_id, deleted_at) VALUES (?, ?, ?)
		ON CONFLICT (account_id, user_id) DO UPDATE SET deleted_at = excluded.deleted_at`, accountID, id, ms(t.now))
	return err
}

// UserDeleted reports whether the user was deleted within the tombstone TTL.
func (t *Tx) UserDeleted(ctx context.Context, accountID, id string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM user_tombstones WHERE account_id = ? AND user_id = ? AND deleted_at > ?`,
		accountID, id, ms(t.now.Add(-roster.TombstoneTTL))).Scan(&n)
	return n > 0, err
}

// ListUsers returns a page of users matching the filter. The page is
// chosen on the indexes alone (they cover the filters and the order), then
// only its users' documents are read. On SQLite a page in login order
// with a filter on names may walk the index in login order (loginWalk).
func (t *Tx) ListUsers(ctx context.Context, accountID string, f roster.UserFilter) (roster.Page[roster.User], error) {
	p, err := t.countUsers(ctx, accountID, f)
	if err != nil {
		return p, err
	}
	walk, err := t.loginWalk(ctx, f, p.Total)
	if err != nil {
		return p, err
	}
	if walk > 0 {
		if full, err := t.walkUsers(ctx, &p, accountID, f, walk); err != nil || full {
			return p, err
		}
	}
	where, args := whereUsers(accountID, f.Where)
	order := orderUsers(f.OrderBy, f.Desc)
	_, err = fillPage(ctx, t, &p, `WITH page AS (SELECT u.account_id, u.id FROM users u WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?)`+
		pageUsers(order), args, scanListed(accountID))
	return p, err
}

// countUsers returns an empty page of the filter with its total.
func (t *Tx) countUsers(ctx context.Context, accountID string, f roster.UserFilter) (roster.Page[roster.User], error) {
	where, args := whereUsers(accountID, f.Where)
	return countPage[roster.User](ctx, t, f.Page, f.PageSize, `SELECT COUNT(*) FROM users u WHERE `+where, args)
}

// walkUsers fills the page with the first matches in login order among the
// first depth users of the account in that order, and reports whether it
// found them all.
func (t *Tx) walkUsers(ctx context.Context, p *roster.Page[roster.User], accountID string, f roster.UserFilter, depth int) (bool, error) {
	q, args := walkQuery(accountID, f, depth)
	return fillPage(ctx, t, p, q, args, scanListed(accountID))
}

// walkQuery is walkUsers' query, without its LIMIT and OFFSET arguments. It
// walks the index in login order, which holds the names, and ends the walk
// at the login of the depth-th user (found by stepping over the index, a
// third of the cost of walking it with the filter); it reads the documents
// of the listed users only. The account has that many users: depth is at
// most the number of matches counted in the same transaction (were it not,
// the bound would be NULL, the walk would find nothing, and the sort run).
func walkQuery(accountID string, f roster.UserFilter, depth int) (string, []any) {
	where, args := whereUsers(accountID, f.Where)
	cmp, dir := "<=", ""
	if f.Desc {
		cmp, dir = ">=", " DESC"
	}
	bound := `(SELECT b.login_lower FROM users b INDEXED BY users_login_order WHERE b.account_id = ?
		ORDER BY b.login_lower` + dir + `, b.id` + dir + ` LIMIT 1 OFFSET ?)`
	return `SELECT ` + userCols + ` FROM users u INDEXED BY users_login_order WHERE ` + where +
			` AND u.login_lower ` + cmp + ` ` + bound + ` ORDER BY ` + orderUsers("loginId", f.Desc) + ` LIMIT ? OFFSET ?`,
		append(args, accountID, depth-1)
}

// pageUsers reads the users of the page (a CTE of their keys), in order.
func pageUsers(order string) string {
	return ` SELECT ` + userCols + ` FROM page JOIN users u ON u.account_id = page.account_id AND u.id = page.id ORDER BY ` + order
}

// scanListed reads a listed user into its place in the page.
func scanListed(accountID string) func(*sql.Rows, *roster.User) error {
	return func(rows *sql.Rows, u *roster.User) error {
		_, err := scanUserTo(rows, accountID, u)
		return err
	}
}

// loginWalk returns how many users of the account in login order a page
// query may walk (walkUsers), or 0 to sort the users that match instead.
// Walking finds a first page of a filter that matches 10% of an account's
// users in 1,000 entries, where sorting reads every match; for a rare name,
// or a page far from the first, it would walk most of the account. The
// walk is chosen when its expected length, were the matches spread evenly,
// is within the number of matches (the length of the sort's read), taking
// the users of every account as those of this one. It stops at twice that
// length, or at the number of matches if fewer, and the sort runs after a
// walk that fell short: a walk never costs much more than the sort would.
func (t *Tx) loginWalk(ctx context.Context, f roster.UserFilter, total int) (int, error) {
	if !t.d.loginWalk || f.OrderBy != "" && f.OrderBy != "loginId" || !namesOnly(f.Where) || total == 0 {
		return 0, nil
	}
	var users int // at least the users of every account: rowids are not reused below the last one
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM users`).Scan(&users); err != nil {
		return 0, err
	}
	expected := float64(f.Page) * float64(f.PageSize) * float64(users) / float64(total)
	if expected > float64(total) {
		return 0, nil
	}
	return int(min(float64(total), math.Ceil(2*expected))), nil
}

// UsersOfProfile returns up to limit users on the profile with ids after
// the cursor, in id order: the batches of a propagation.
func (t *Tx) UsersOfProfile(ctx context.Context, accountID, profileID, after string, limit int) ([]*roster.User, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users u WHERE u.account_id = ? AND u.profile_id = ? AND u.id > ?
		ORDER BY u.id LIMIT ?`, accountID, profileID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*roster.User
	for rows.Next() {
		u, _, err := scanUser(rows, accountID)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
