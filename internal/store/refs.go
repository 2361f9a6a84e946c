package store

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"github.com/roster-cc/roster/internal/roster"
)

// refs are what a user or profile refers to, each kept in a table of its
// own for the queries by reference: roles, groups (member of, owned) and,
// from its matching feature, queues and attributes.
type refs struct {
	roles, member, owned []string
	matching             json.RawMessage
	unknown              bool // anyRefs
}

// anyRefs stands for references not known: every table is replaced.
var anyRefs = refs{unknown: true}

func userRefs(u *roster.User) refs {
	return refs{roles: u.Roles, member: u.MemberOfGroups, owned: u.OwnedGroups, matching: u.Features[roster.FeatureMatching]}
}

func profileRefs(p *roster.Profile) refs {
	return refs{roles: p.Roles, member: p.MemberOfGroups, owned: p.OwnedGroups, matching: p.Features[roster.FeatureMatching]}
}

// writeRefs stores an owner's references, one multi-row insert per table.
// prev is what it referred to before: nil for a new owner; otherwise the
// rows of each table whose references changed are replaced, and the
// others left alone.
func (t *Tx) writeRefs(ctx context.Context, owner, accountID, id string, prev *refs, r refs) error {
	col := owner + "_id"
	var groups [][]any
	for i, list := range [][]string{r.member, r.owned} {
		for _, g := range list {
			groups = append(groups, []any{g, i})
		}
	}
	var queues, attrs []string
	if r.matching != nil {
		m, err := roster.DecodeMatching(r.matching)
		if err != nil {
			return err
		}
		for _, q := range m.Queues {
			queues = append(queues, q.QueueID)
		}
		attrs = m.Attributes
	}
	// A table is left alone when its references are known not to change.
	var was refs
	if prev != nil {
		was = *prev
	}
	known := prev != nil && !prev.unknown
	sameMatching := known && bytes.Equal(was.matching, r.matching)
	for _, tb := range []struct {
		table, cols, row string
		rows             [][]any
		same             bool
	}{
		{"_roles", "role", "(?, ?, ?)", oneColumn(r.roles), known && slices.Equal(was.roles, r.roles)},
		{"_groups", "group_id, owned", "(?, ?, ?, ?)", groups,
			known && slices.Equal(was.member, r.member) && slices.Equal(was.owned, r.owned)},
		{"_queues", "queue_id", "(?, ?, ?)", oneColumn(queues), sameMatching},
		{"_attributes", "attribute", "(?, ?, ?)", oneColumn(attrs), sameMatching},
	} {
		if tb.same {
			continue
		}
		if prev != nil {
			if _, err := t.exec(ctx, `DELETE FROM `+owner+tb.table+` WHERE account_id = ? AND `+col+` = ?`, accountID, id); err != nil {
				return err
			}
		}
		head := `INSERT INTO ` + owner + tb.table + ` (account_id, ` + col + `, ` + tb.cols + `) VALUES `
		if err := t.insertRows(ctx, head, tb.row, accountID, id, tb.rows); err != nil {
			return err
		}
	}
	return nil
}

// insertRows inserts rows of (accountID, id, row...) in multi-row statements.
func (t *Tx) insertRows(ctx context.Context, head, row, accountID, id string, rows [][]any) error {
	return eachChunk(len(rows), 64, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*4)
		for _, r := range rows[lo:hi] {
			args = append(append(args, accountID, id), r...)
		}
		_, err := t.exec(ctx, multi(head, row, "", hi-lo), args...)
		return err
	})
}

func oneColumn(values []string) [][]any {
	out := make([][]any, len(values))
	for i, v := range values {
		out[i] = []any{v}
	}
	return out
}
