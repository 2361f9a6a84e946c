package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// CreateGroup inserts a group; a duplicate name is ECONFLICT.
func (t *Tx) CreateGroup(ctx context.Context, g *roster.Group) error {
	_, err := t.exec(ctx, `INSERT INTO roster_groups (account_id, id, name, name_lower, description) VALUES (?, ?, ?, ?, ?)`,
		g.AccountID, g.ID, g.Name, strings.ToLower(g.Name), g.Description)
	return err
}

// UpdateGroup replaces a group's name and description.
func (t *Tx) UpdateGroup(ctx context.Context, g *roster.Group) error {
	_, err := t.exec(ctx, `UPDATE roster_groups SET name = ?, name_lower = ?, description = ? WHERE account_id = ? AND id = ?`,
		g.Name, strings.ToLower(g.Name), g.Description, g.AccountID, g.ID)
	return err
}

// GetGroup returns a group or ENOTFOUND.
func (t *Tx) GetGroup(ctx context.Context, accountID, id string) (*roster.Group, error) {
	g := roster.Group{AccountID: accountID}
	err := t.queryRow(ctx, `SELECT id, name, description FROM roster_groups WHERE account_id = ? AND id = ?`, accountID, id).
		Scan(&g.ID, &g.Name, &g.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Group")
	}
	return &g, err
}

// GroupNameTaken reports whether another group of the account has the name.
func (t *Tx) GroupNameTaken(ctx context.Context, accountID, name, exceptID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM roster_groups WHERE account_id = ? AND name_lower = ? AND id <> ?`,
		accountID, strings.ToLower(name), exceptID).Scan(&n)
	return n > 0, err
}

// DeleteGroup removes a group; the caller checks GroupInUse first.
func (t *Tx) DeleteGroup(ctx context.Context, accountID, id string) error {
	_, err := t.exec(ctx, `DELETE FROM roster_groups WHERE account_id = ? AND id = ?`, accountID, id)
	return err
}

// GroupInUse reports whether a user or profile refers to the group.
func (t *Tx) GroupInUse(ctx context.Context, accountID, id string) (bool, error) {
	return t.inUse(ctx, accountID, id, "user_groups", "profile_groups", "group_id")
}

func (t *Tx) inUse(ctx context.Context, accountID, id, userTable, profileTable, col string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM `+userTable+` WHERE account_id = ? AND `+col+` = ? LIMIT 1) a) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM `+profileTable+` WHERE account_id = ? AND `+col+` = ? LIMIT 1) b)`,
		accountID, id, accountID, id).Scan(&n)
	return n > 0, err
}

// ListGroups returns a page of the account's groups by name.
func (t *Tx) ListGroups(ctx context.Context, accountID string, page, size int) (roster.Page[roster.Group], error) {
	return pageOf(ctx, t, page, size,
		`SELECT COUNT(*) FROM roster_groups WHERE account_id = ?`,
		`SELECT id, name, description FROM roster_groups WHERE account_id = ? ORDER BY name_lower, id LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.Group, error) {
			g := roster.Group{AccountID: accountID}
			return g, rows.Scan(&g.ID, &g.Name, &g.Description)
		})
}

// PutQueue inserts or replaces a queue and reports whether it was created.
func (t *Tx) PutQueue(ctx context.Context, q *roster.Queue) (created bool, err error) {
	res, err := t.exec(ctx, `UPDATE queues SET name = ?, description = ? WHERE account_id = ? AND id = ?`,
		q.Name, q.Description, q.AccountID, q.ID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = t.exec(ctx, `INSERT INTO queues (account_id, id, name, description) VALUES (?, ?, ?, ?)`,
		q.AccountID, q.ID, q.Name, q.Description)
	return err == nil, err
}

// GetQueue returns a queue or ENOTFOUND.
func (t *Tx) GetQueue(ctx context.Context, accountID, id string) (*roster.Queue, error) {
	q := roster.Queue{AccountID: accountID}
	err := t.queryRow(ctx, `SELECT id, name, description FROM queues WHERE account_id = ? AND id = ?`, accountID, id).
		Scan(&q.ID, &q.Name, &q.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Queue")
	}
	return &q, err
}

// DeleteQueue removes a queue; the caller checks QueueInUse first.
func (t *Tx) DeleteQueue(ctx context.Context, accountID, id string) error {
	_, err := t.exec(ctx, `DELETE FROM queues WHERE account_id = ? AND id = ?`, accountID, id)
	return err
}

// QueueInUse reports whether a user or profile refers to the queue.
func (t *Tx) QueueInUse(ctx context.Context, accountID, id string) (bool, error) {
	return t.inUse(ctx, accountID, id, "user_queues", "profile_queues", "queue_id")
}

// ListQueues returns a page of the account's queues by name.
func (t *Tx) ListQueues(ctx context.Context, accountID string, page, size int) (roster.Page[roster.Queue], error) {
	return pageOf(ctx, t, page, size,
		`SELECT COUNT(*) FROM queues WHERE account_id = ?`,
		`SELECT id, name, description FROM queues WHERE account_id = ? ORDER BY name, id LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.Queue, error) {
			q := roster.Queue{AccountID: accountID}
			return q, rows.Scan(&q.ID, &q.Name, &q.Description)
		})
}

// PutAttribute inserts or replaces an attribute and reports whether it was created.
func (t *Tx) PutAttribute(ctx context.Context, a *roster.Attribute) (created bool, err error) {
	res, err := t.exec(ctx, `UPDATE attributes SET description = ? WHERE account_id = ? AND name = ?`,
		a.Description, a.AccountID, a.Name)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = t.exec(ctx, `INSERT INTO attributes (account_id, name, description) VALUES (?, ?, ?)`, a.AccountID, a.Name, a.Description)
	return err == nil, err
}

// GetAttribute returns an attribute or ENOTFOUND.
func (t *Tx) GetAttribute(ctx context.Context, accountID, name string) (*roster.Attribute, error) {
	a := roster.Attribute{AccountID: accountID}
	err := t.queryRow(ctx, `SELECT name, description FROM attributes WHERE account_id = ? AND name = ?`, accountID, name).
		Scan(&a.Name, &a.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Attribute")
	}
	a.Category, a.Value, _ = roster.SplitAttribute(a.Name)
	return &a, err
}

// DeleteAttribute removes an attribute; the caller checks AttributeInUse first.
func (t *Tx) DeleteAttribute(ctx context.Context, accountID, name string) error {
	_, err := t.exec(ctx, `DELETE FROM attributes WHERE account_id = ? AND name = ?`, accountID, name)
	return err
}

// AttributeInUse reports whether a user or profile refers to the attribute.
func (t *Tx) AttributeInUse(ctx context.Context, accountID, name string) (bool, error) {
	return t.inUse(ctx, accountID, name, "user_attributes", "profile_attributes", "attribute")
}

// ListAttributes returns a page of the account's attributes by name.
func (t *Tx) ListAttributes(ctx context.Context, accountID string, page, size int) (roster.Page[roster.Attribute], error) {
	return pageOf(ctx, t, page, size,
		`SELECT COUNT(*) FROM attributes WHERE account_id = ?`,
		`SELECT name, description FROM attributes WHERE account_id = ? ORDER BY name LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.Attribute, error) {
			a := roster.Attribute{AccountID: accountID}
			err := rows.Scan(&a.Name, &a.Description)
			a.Category, a.Value, _ = roster.SplitAttribute(a.Name)
			return a, err
		})
}

// MissingRefs returns the references whose ids do not exist in the account's
// catalog of the kind ("group", "queue", "attribute").
func (t *Tx) MissingRefs(ctx context.Context, accountID, kind string, refs []roster.Ref) ([]roster.Ref, error) {
	rt, ok := refTables[kind]
	if !ok {
		return nil, errors.New("store: unknown reference kind " + kind)
	}
	var missing []roster.Ref
	for _, r := range refs {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM `+rt.table+` WHERE account_id = ? AND `+rt.col+` = ?`, accountID, r.ID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			missing = append(missing, r)
		}
	}
	return missing, nil
}

var refTables = map[string]struct{ table, col string }{
	"group":     {"roster_groups", "id"},
	"queue":     {"queues", "id"},
	"attribute": {"attributes", "name"},
}
