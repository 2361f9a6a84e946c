package service

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/roster-cc/roster/internal/roster"
)

// Audited resource types.
const (
	resAccount    = "account"
	resNode       = "organizationNode"
	resGroup      = "group"
	resQueue      = "queue"
	resAttribute  = "attribute"
	resProfile    = "profile"
	resUser       = "user"
	resClient     = "apiClient"
	resPolicy     = "passwordPolicy"
	resToken      = "token"
	fieldPassword = "password"
)

// audit records, in tx, that the caller of ctx did action to a resource.
// fields names what changed; values are never recorded.
func audit(ctx context.Context, tx roster.Tx, accountID, action, resType, resID string, fields []string) error {
	kind, id := roster.PrincipalFrom(ctx).Actor()
	return tx.AddAudit(ctx, &roster.AuditRecord{
		AccountID: accountID, ActorType: kind, ActorID: id, Action: action,
		ResourceType: resType, ResourceID: resID, Fields: fields,
	})
}

// auditPut audits a create-or-replace; old is nil when it created.
func auditPut[T any](ctx context.Context, tx roster.Tx, accountID, resType, id string, created bool, old, new *T) error {
	if created {
		return audit(ctx, tx, accountID, roster.AuditCreate, resType, id, changedFields(nil, new))
	}
	return audit(ctx, tx, accountID, roster.AuditUpdate, resType, id, changedFields(old, new))
}

// changedFields names the top-level JSON fields that differ between old
// and new (a created resource: old is nil; a deleted one: new is nil).
func changedFields(old, new any) []string {
	a, b := jsonFields(old), jsonFields(new)
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok || string(w) != string(v) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// jsonFields returns v's top-level fields, leaving out empty ones.
func jsonFields(v any) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if v == nil {
		return m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return m
	}
	_ = json.Unmarshal(b, &m)
	for k, v := range m {
		switch string(v) {
		case "null", `""`, "[]", "{}", "false", "0":
			delete(m, k)
		}
	}
	return m
}

// ListAudit returns a page of the account's audit records, newest first.
// Errors: ENOTFOUND (account).
func (s *Service) ListAudit(ctx context.Context, accountID string, f roster.AuditFilter) (roster.Page[roster.AuditRecord], error) {
	var p roster.Page[roster.AuditRecord]
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return p, roster.Invalid(roster.Violation{Field: "to", Code: roster.VOutOfRange, Message: "must be after from"})
	}
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		p, err = tx.ListAudit(ctx, accountID, f)
		return err
	})
	return p, err
}
