package service

import (
	"bytes"
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
	for _, f := range b {
		if w, ok := fieldOf(a, f.key); !ok || !bytes.Equal(w, f.raw) {
			out = append(out, f.key)
		}
	}
	for _, f := range a {
		if _, ok := fieldOf(b, f.key); !ok {
			out = append(out, f.key)
		}
	}
	slices.Sort(out)
	return out
}

// jsonField is a top-level field of a JSON object: its key and its value.
type jsonField struct {
	key string
	raw []byte
}

func fieldOf(fs []jsonField, key string) ([]byte, bool) {
	for _, f := range fs {
		if f.key == key {
			return f.raw, true
		}
	}
	return nil, false
}

// jsonFields returns v's top-level fields, leaving out empty ones.
func jsonFields(v any) []jsonField {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	fs, ok := splitObject(b)
	if !ok { // not an object, or keys with escapes: decode it
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		fs = fs[:0]
		for k, v := range m {
			fs = append(fs, jsonField{k, v})
		}
	}
	return slices.DeleteFunc(fs, func(f jsonField) bool {
		switch string(f.raw) {
		case "null", `""`, "[]", "{}", "false", "0":
			return true
		}
		return false
	})
}

// splitObject splits a JSON object as json.Marshal writes it (compact,
// valid) into its members, without decoding them. ok is false for
// anything else, and for a key with an escape in it.
func splitObject(b []byte) (fs []jsonField, ok bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	for i := 1; i < len(b)-1; {
		if b[i] == ',' {
			i++
		}
		if b[i] != '"' {
			return nil, false
		}
		n := bytes.IndexByte(b[i+1:], '"')
		if n < 0 || bytes.IndexByte(b[i+1:i+1+n], '\\') >= 0 || i+n+2 >= len(b) || b[i+n+2] != ':' {
			return nil, false
		}
		key := string(b[i+1 : i+1+n])
		i += n + 3
		end := valueEnd(b, i)
		if end <= i {
			return nil, false
		}
		fs = append(fs, jsonField{key, b[i:end]})
		i = end
	}
	return fs, true
}

// valueEnd returns where the JSON value that starts at b[i] ends: after
// its closing quote or bracket, or at the comma or brace after a scalar.
func valueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			for j++; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j
			}
			if depth--; depth == 0 {
				return j + 1
			}
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return -1
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
