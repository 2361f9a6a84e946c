package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// PutToken stores a bearer token (by its hash).
func (t *Tx) PutToken(ctx context.Context, tok *roster.Token) error {
	tok.CreatedAt = t.now
	var exp int64
	if !tok.ExpiresAt.IsZero() {
		exp = ms(tok.ExpiresAt)
	}
	_, err := t.exec(ctx, `INSERT INTO tokens (hash, kind, account_id, subject_id, scopes, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tok.Hash, tok.Kind, nullable(tok.AccountID), tok.SubjectID,
		strings.Join(tok.Scopes, " "), exp, ms(t.now))
	return err
}

// GetToken returns the unexpired token with the hash, or ENOTFOUND.
func (t *Tx) GetToken(ctx context.Context, hash string) (*roster.Token, error) {
	var tok roster.Token
	var account sql.NullString
	var scopes string
	var exp, created int64
	err := t.queryRow(ctx, `SELECT hash, kind, account_id, subject_id, scopes, expires_at, created_at FROM tokens
		WHERE hash = ? AND (expires_at = 0 OR expires_at > ?)`, hash, ms(t.now)).
		Scan(&tok.Hash, &tok.Kind, &account, &tok.SubjectID, &scopes, &exp, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Token")
	}
	if err != nil {
		return nil, err
	}
	tok.AccountID, tok.Scopes, tok.CreatedAt = account.String, strings.Fields(scopes), fromMS(created)
	if exp > 0 {
		tok.ExpiresAt = fromMS(exp)
	}
	return &tok, nil
}

// DeleteToken removes a token; removing one that is gone is no error.
func (t *Tx) DeleteToken(ctx context.Context, hash string) error {
	_, err := t.exec(ctx, `DELETE FROM tokens WHERE hash = ?`, hash)
	return err
}

// DeleteTokensOf removes every token of a client or user of the account.
func (t *Tx) DeleteTokensOf(ctx context.Context, accountID, kind, subjectID string) error {
	_, err := t.exec(ctx, `DELETE FROM tokens WHERE account_id = ? AND kind = ? AND subject_id = ?`, accountID, kind, subjectID)
	return err
}

// DeleteOperatorTokens removes every operator token but the one given.
func (t *Tx) DeleteOperatorTokens(ctx context.Context, exceptHash string) error {
	_, err := t.exec(ctx, `DELETE FROM tokens WHERE kind = 'operator' AND hash <> ?`, exceptHash)
	return err
}

// HasOperatorToken reports whether any operator credential exists.
func (t *Tx) HasOperatorToken(ctx context.Context) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM tokens WHERE kind = 'operator'`).Scan(&n)
	return n > 0, err
}

const clientCols = `account_id, id, name, secret_hash, scopes, created_at`

// CreateClient stores an API client.
func (t *Tx) CreateClient(ctx context.Context, c *roster.APIClient) error {
	c.CreatedAt = fromMS(ms(t.now)) // as it reads back
	_, err := t.exec(ctx, `INSERT INTO api_clients (`+clientCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		c.AccountID, c.ClientID, c.Name, c.SecretHash, strings.Join(c.Scopes, " "), ms(t.now))
	return err
}

// GetClient returns an API client of the account, or ENOTFOUND. An empty
// accountID finds the client in any account (for the token endpoint).
func (t *Tx) GetClient(ctx context.Context, accountID, id string) (*roster.APIClient, error) {
	c, err := scanClient(t.queryRow(ctx, `SELECT `+clientCols+` FROM api_clients WHERE id = ? AND (account_id = ? OR ? = '')`,
		id, accountID, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("API client")
	}
	return c, err
}

// ListClients returns a page of the account's API clients.
func (t *Tx) ListClients(ctx context.Context, accountID string, page, size int) (roster.Page[roster.APIClient], error) {
	return pageOf(ctx, t, page, size, `SELECT COUNT(*) FROM api_clients WHERE account_id = ?`,
		`SELECT `+clientCols+` FROM api_clients WHERE account_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.APIClient, error) {
			c, err := scanClient(rows)
			if err != nil {
				return roster.APIClient{}, err
			}
			return *c, nil
		})
}

// DeleteClient removes an API client and every token it was given.
func (t *Tx) DeleteClient(ctx context.Context, accountID, id string) error {
	res, err := t.exec(ctx, `DELETE FROM api_clients WHERE account_id = ? AND id = ?`, accountID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return roster.NotFound("API client")
	}
	return t.DeleteTokensOf(ctx, accountID, roster.KindClient, id)
}

func scanClient(row scanner) (*roster.APIClient, error) {
	var c roster.APIClient
	var scopes string
	var created int64
	if err := row.Scan(&c.AccountID, &c.ClientID, &c.Name, &c.SecretHash, &scopes, &created); err != nil {
		return nil, err
	}
	c.Scopes, c.CreatedAt = strings.Fields(scopes), fromMS(created)
	return &c, nil
}

// GetPasswordPolicy returns the account's policy, the default when it has
// set none.
func (t *Tx) GetPasswordPolicy(ctx context.Context, accountID string) (roster.PasswordPolicy, error) {
	p := roster.DefaultPasswordPolicy
	var doc string
	err := t.queryRow(ctx, `SELECT doc FROM password_policies WHERE account_id = ?`, accountID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal([]byte(doc), &p)
}

// PutPasswordPolicy stores the account's policy.
func (t *Tx) PutPasswordPolicy(ctx context.Context, accountID string, p roster.PasswordPolicy) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO password_policies (account_id, doc, version) VALUES (?, ?, 1)
		ON CONFLICT (account_id) DO UPDATE SET doc = excluded.doc, version = password_policies.version + 1`, accountID, string(doc))
	return err
}

// AddPasswordHistory keeps a user's earlier password hash, and no more than
// keep of them.
func (t *Tx) AddPasswordHistory(ctx context.Context, accountID, userID, hash string, keep int) error {
	if _, err := t.exec(ctx, `INSERT INTO password_history (account_id, user_id, hash, changed_at) VALUES (?, ?, ?, ?)`,
		accountID, userID, hash, ms(t.now)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM password_history WHERE account_id = ? AND user_id = ? AND hash NOT IN
		(SELECT hash FROM password_history WHERE account_id = ? AND user_id = ? ORDER BY changed_at DESC LIMIT ?)`,
		accountID, userID, accountID, userID, keep)
	return err
}

// PasswordHistory returns up to n earlier password hashes, newest first.
func (t *Tx) PasswordHistory(ctx context.Context, accountID, userID string, n int) ([]string, error) {
	return scanStrings(t.query(ctx, `SELECT hash FROM password_history WHERE account_id = ? AND user_id = ?
		ORDER BY changed_at DESC LIMIT ?`, accountID, userID, n))
}

// LoginLockedUntil returns until when the login name is locked (zero or
// past: it is not).
func (t *Tx) LoginLockedUntil(ctx context.Context, accountID, login string) (time.Time, error) {
	var until int64
	err := t.queryRow(ctx, `SELECT locked_until FROM login_failures WHERE account_id = ? AND login_lower = ?`,
		accountID, strings.ToLower(login)).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMS(until), err
}

// RecordLoginFailure counts a login attempt as failed (until it succeeds)
// and returns the count so far and until when the name was locked. The
// row stays locked to the transaction's end, so attempts take turns.
func (t *Tx) RecordLoginFailure(ctx context.Context, accountID, login string) (int, time.Time, error) {
	var n int
	var until int64
	err := t.queryRow(ctx, `INSERT INTO login_failures (account_id, login_lower, failures, locked_until, updated_at)
		VALUES (?, ?, 1, 0, ?) ON CONFLICT (account_id, login_lower)
		DO UPDATE SET failures = login_failures.failures + 1, updated_at = excluded.updated_at
		RETURNING failures, locked_until`, accountID, strings.ToLower(login), ms(t.now)).Scan(&n, &until)
	return n, fromMS(until), err
}

// LockLogin locks a login name until the time given.
func (t *Tx) LockLogin(ctx context.Context, accountID, login string, until time.Time) error {
	_, err := t.exec(ctx, `UPDATE login_failures SET locked_until = ? WHERE account_id = ? AND login_lower = ?`,
		ms(until), accountID, strings.ToLower(login))
	return err
}

// ClearLoginFailures forgets a login name's failures (after a success).
func (t *Tx) ClearLoginFailures(ctx context.Context, accountID, login string) error {
	_, err := t.exec(ctx, `DELETE FROM login_failures WHERE account_id = ? AND login_lower = ?`, accountID, strings.ToLower(login))
	return err
}

// SetLastLogin records a user's successful login.
func (t *Tx) SetLastLogin(ctx context.Context, accountID, userID string) error {
	_, err := t.exec(ctx, `UPDATE users SET last_login_at = ? WHERE account_id = ? AND id = ?`, ms(t.now), accountID, userID)
	return err
}

// LockedLogins returns which of the login names are locked out now.
func (t *Tx) LockedLogins(ctx context.Context, accountID string, logins []string) (map[string]bool, error) {
	lower := make([]string, len(logins))
	for i, l := range logins {
		lower[i] = strings.ToLower(l)
	}
	out := map[string]bool{}
	err := t.eachStatement(len(lower), 128, func(lo, hi int) error {
		names, err := scanStrings(t.query(ctx, `SELECT login_lower FROM login_failures
			WHERE account_id = ? AND locked_until > ? AND `+t.d.inSQL("login_lower", hi-lo),
			append([]any{accountID, ms(t.now)}, t.d.inArgs(lower[lo:hi])...)...))
		for _, n := range names {
			out[n] = true
		}
		return err
	})
	return out, err
}

// AccountsWithLogin returns the accounts that have a user with the login
// name (case-insensitive), at most limit of them, the account whose user
// has had it longest first. On SQLite, which has no index on login names
// across accounts (it would cost every user write), it probes each
// account's unique index on the login name: the accounts come first, as
// CROSS JOIN keeps SQLite's planner to that order. PostgreSQL, free to
// reorder, reads its index on login names (migration 0007).
func (t *Tx) AccountsWithLogin(ctx context.Context, login string, limit int) ([]string, error) {
	return scanStrings(t.query(ctx, accountsWithLogin, strings.ToLower(login), limit))
}

const accountsWithLogin = `SELECT u.account_id FROM accounts a CROSS JOIN users u
	WHERE u.account_id = a.id AND u.login_lower = ? ORDER BY u.created_at, u.account_id LIMIT ?`
