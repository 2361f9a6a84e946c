package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/roster-cc/roster/internal/roster"
)

// GetIdempotency returns the stored answer for an idempotency key, or nil.
func (t *Tx) GetIdempotency(ctx context.Context, accountID, key string) (*roster.IdempotentAnswer, error) {
	a := roster.IdempotentAnswer{}
	var created int64
	err := t.queryRow(ctx, `SELECT request_hash, status, headers, body, created_at FROM idempotency_keys
		WHERE account_id = ? AND idem_key = ? AND created_at > ?`, accountID, key, ms(t.now.Add(-roster.TombstoneTTL))).
		Scan(&a.RequestHash, &a.Status, &a.Headers, &a.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	a.CreatedAt = fromMS(created)
	return &a, err
}

// PutIdempotency stores the answer for an idempotency key, replacing an
// expired one. A live key held by another request is ECONFLICT.
func (t *Tx) PutIdempotency(ctx context.Context, accountID, key string, a *roster.IdempotentAnswer) error {
	if _, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ? AND created_at <= ?`,
		accountID, key, ms(t.now.Add(-roster.TombstoneTTL))); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO idempotency_keys (account_id, idem_key, request_hash, status, headers, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, idem_key) DO UPDATE SET status = excluded.status, headers = excluded.headers, body = excluded.body
		WHERE idempotency_keys.request_hash = excluded.request_hash AND idempotency_keys.status = 0`,
		accountID, key, a.RequestHash, a.Status, a.Headers, a.Body, ms(t.now))
	return err
}

// DeleteIdempotency forgets an idempotency key (a reservation whose request
// failed, so that a retry runs again).
func (t *Tx) DeleteIdempotency(ctx context.Context, accountID, key string) error {
	_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ?`, accountID, key)
	return err
}
