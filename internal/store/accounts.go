package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/roster-cc/roster/internal/roster"
)

// FirstExtension is the first voice extension handed out in a new account.
const FirstExtension = 10000

// CreateAccount inserts the account and its root organization node, whose
// id is the account id.
func (t *Tx) CreateAccount(ctx context.Context, a *roster.Account, channelProviderID string) error {
	if _, err := t.exec(ctx, `INSERT INTO accounts (id, name, next_extension, channel_provider_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.Name, FirstExtension, channelProviderID, ms(t.now)); err != nil {
		return err
	}
	a.CreatedAt = t.now
	_, err := t.exec(ctx, `INSERT INTO org_nodes (account_id, id, name, parent_id) VALUES (?, ?, ?, NULL)`, a.ID, a.ID, a.Name)
	return err
}

// GetAccount returns the account or ENOTFOUND.
func (t *Tx) GetAccount(ctx context.Context, id string) (*roster.Account, error) {
	var a roster.Account
	var created int64
	err := t.queryRow(ctx, `SELECT id, name, created_at FROM accounts WHERE id = ?`, id).Scan(&a.ID, &a.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Account")
	}
	a.CreatedAt = fromMS(created)
	return &a, err
}

// AllocateExtension hands out the account's next voice extension and
// returns it with the account's voice channel provider id.
func (t *Tx) AllocateExtension(ctx context.Context, accountID string) (ext, channelProviderID string, err error) {
	var n int64
	err = t.queryRow(ctx, `UPDATE accounts SET next_extension = next_extension + 1 WHERE id = ? RETURNING next_extension - 1, channel_provider_id`,
		accountID).Scan(&n, &channelProviderID)
	return strconv.FormatInt(n, 10), channelProviderID, err
}

// CreateNode inserts an organization node.
func (t *Tx) CreateNode(ctx context.Context, n *roster.OrganizationNode) error {
	_, err := t.exec(ctx, `INSERT INTO org_nodes (account_id, id, name, parent_id) VALUES (?, ?, ?, ?)`,
		n.AccountID, n.ID, n.Name, nullable(n.ParentID))
	return err
}

// GetNode returns an organization node or ENOTFOUND.
func (t *Tx) GetNode(ctx context.Context, accountID, id string) (*roster.OrganizationNode, error) {
	n := roster.OrganizationNode{AccountID: accountID}
	var parent sql.NullString
	err := t.queryRow(ctx, `SELECT id, name, parent_id FROM org_nodes WHERE account_id = ? AND id = ?`, accountID, id).
		Scan(&n.ID, &n.Name, &parent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, roster.NotFound("Organization node")
	}
	n.ParentID = parent.String
	return &n, err
}

// UpdateNode replaces a node's name and parent.
func (t *Tx) UpdateNode(ctx context.Context, n *roster.OrganizationNode) error {
	_, err := t.exec(ctx, `UPDATE org_nodes SET name = ?, parent_id = ? WHERE account_id = ? AND id = ?`,
		n.Name, nullable(n.ParentID), n.AccountID, n.ID)
	return err
}

// DeleteNode removes a node; the caller checks NodeInUse first.
func (t *Tx) DeleteNode(ctx context.Context, accountID, id string) error {
	_, err := t.exec(ctx, `DELETE FROM org_nodes WHERE account_id = ? AND id = ?`, accountID, id)
	return err
}

// NodeInUse reports whether a node has children or users.
func (t *Tx) NodeInUse(ctx context.Context, accountID, id string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM org_nodes WHERE account_id = ? AND parent_id = ? LIMIT 1) c) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE account_id = ? AND org_node_id = ? LIMIT 1) u)`,
		accountID, id, accountID, id).Scan(&n)
	return n > 0, err
}

// NodeAncestors returns the ids from the node up to the root, for cycle checks.
func (t *Tx) NodeAncestors(ctx context.Context, accountID, id string) ([]string, error) {
	var out []string
	for id != "" && len(out) < 1000 {
		out = append(out, id)
		var parent sql.NullString
		err := t.queryRow(ctx, `SELECT parent_id FROM org_nodes WHERE account_id = ? AND id = ?`, accountID, id).Scan(&parent)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, err
		}
		id = parent.String
	}
	return out, nil
}

// ListNodes returns a page of the account's organization nodes by id.
func (t *Tx) ListNodes(ctx context.Context, accountID string, page, size int) (roster.Page[roster.OrganizationNode], error) {
	return pageOf(ctx, t, page, size,
		`SELECT COUNT(*) FROM org_nodes WHERE account_id = ?`,
		`SELECT id, name, parent_id FROM org_nodes WHERE account_id = ? ORDER BY id LIMIT ? OFFSET ?`,
		[]any{accountID}, func(rows *sql.Rows) (roster.OrganizationNode, error) {
			n := roster.OrganizationNode{AccountID: accountID}
			var parent sql.NullString
			err := rows.Scan(&n.ID, &n.Name, &parent)
			n.ParentID = parent.String
			return n, err
		})
}

// pageOf runs a count and a page query; the page query takes the args
// followed by LIMIT and OFFSET.
func pageOf[T any](ctx context.Context, t *Tx, page, size int, countQ, listQ string, args []any, scan func(*sql.Rows) (T, error)) (roster.Page[T], error) {
	p, err := countPage[T](ctx, t, page, size, countQ, args)
	if err == nil {
		_, err = fillPage(ctx, t, &p, listQ, args, func(rows *sql.Rows, item *T) (err error) {
			*item, err = scan(rows)
			return err
		})
	}
	return p, err
}

// countPage returns an empty page with the count of countQ as its total.
func countPage[T any](ctx context.Context, t *Tx, page, size int, countQ string, args []any) (roster.Page[T], error) {
	p := roster.Page[T]{PageNumber: page, PageSize: size, Items: []T{}}
	err := t.queryRow(ctx, countQ, args...).Scan(&p.Total)
	return p, err
}

// fillPage sets the page's items to those of listQ, which takes the args
// followed by LIMIT and OFFSET, and reports whether it found every item
// the page's total says the page has. A page past the total needs no query.
// scan reads each row into its zero item, in place: the page is allocated
// once, at the size the total gives it.
func fillPage[T any](ctx context.Context, t *Tx, p *roster.Page[T], listQ string, args []any, scan func(*sql.Rows, *T) error) (bool, error) {
	p.Items = p.Items[:0]
	if p.Total == 0 || p.PageNumber-1 >= (p.Total+p.PageSize-1)/p.PageSize {
		return true, nil // past the last page (and no offset to overflow)
	}
	offset := (p.PageNumber - 1) * p.PageSize
	want := min(p.PageSize, p.Total-offset)
	rows, err := t.query(ctx, listQ, append(args[:len(args):len(args)], p.PageSize, offset)...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	p.Items = slices.Grow(p.Items, want)
	var zero T
	for rows.Next() {
		p.Items = append(p.Items, zero)
		if err := scan(rows, &p.Items[len(p.Items)-1]); err != nil {
			return false, err
		}
	}
	return len(p.Items) == want, rows.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
