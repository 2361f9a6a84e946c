package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// AddAudit appends an audit record in the transaction of the change.
func (t *Tx) AddAudit(ctx context.Context, r *roster.AuditRecord) error {
	r.Time = t.now
	if r.Fields == nil {
		r.Fields = []string{}
	}
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO audit_records (account_id, at, actor_kind, actor_id, action, resource_type, resource_id, fields)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.AccountID, ms(t.now), r.ActorType, r.ActorID, r.Action, r.ResourceType,
		r.ResourceID, string(fields))
	return err
}

// ListAudit returns a page of the account's audit records, newest first.
func (t *Tx) ListAudit(ctx context.Context, accountID string, f roster.AuditFilter) (roster.Page[roster.AuditRecord], error) {
	where := []string{"account_id = ?"}
	args := []any{accountID}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if !f.From.IsZero() {
		add("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", ms(f.To))
	}
	for _, c := range []struct{ cond, v string }{{"actor_id = ?", f.ActorID}, {"resource_type = ?", f.ResourceType},
		{"resource_id = ?", f.ResourceID}, {"action = ?", f.Action}} {
		if c.v != "" {
			add(c.cond, c.v)
		}
	}
	w := strings.Join(where, " AND ")
	return pageOf(ctx, t, f.Page, f.PageSize, `SELECT COUNT(*) FROM audit_records WHERE `+w,
		`SELECT id, account_id, at, actor_kind, actor_id, action, resource_type, resource_id, fields
		FROM audit_records WHERE `+w+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
		args, func(rows *sql.Rows) (roster.AuditRecord, error) {
			var r roster.AuditRecord
			var at int64
			var fields string
			err := rows.Scan(&r.ID, &r.AccountID, &at, &r.ActorType, &r.ActorID, &r.Action, &r.ResourceType, &r.ResourceID, &fields)
			if err != nil {
				return r, err
			}
			r.Time = fromMS(at)
			return r, json.Unmarshal([]byte(fields), &r.Fields)
		})
}
