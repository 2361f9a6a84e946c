package service

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/roster-cc/roster/internal/roster"
)

// AccountInput is the body of an account create.
type AccountInput struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
}

// CreateAccount creates an account and its root organization node.
// Errors: EINVALID, ECONFLICT (the id is taken).
func (s *Service) CreateAccount(ctx context.Context, in AccountInput) (*roster.Account, error) {
	var vs roster.Violations
	if in.AccountID != "" && !roster.IsCode6(in.AccountID) {
		vs.Add("accountId", roster.VInvalid, "must be six upper-case letters")
	}
	checkName(&vs, "name", in.Name)
	if err := vs.Err(); err != nil {
		return nil, err
	}
	a := &roster.Account{ID: in.AccountID, Name: in.Name}
	chosen := a.ID != ""
	err := s.store.Write(ctx, func(tx roster.Tx) error {
		if err := tx.LockScope(ctx, "accounts"); err != nil {
			return err
		}
		for range 10 {
			if !chosen {
				a.ID = newCode6()
			}
			_, err := tx.GetAccount(ctx, a.ID)
			if roster.ErrorCode(err) == roster.ENOTFOUND {
				if err := tx.CreateAccount(ctx, a, newUUID()); err != nil {
					return err
				}
				return audit(ctx, tx, a.ID, roster.AuditCreate, resAccount, a.ID, changedFields(nil, a))
			}
			if err != nil {
				return err
			}
			if chosen {
				return roster.Errorf(roster.ECONFLICT, "Account %s already exists.", a.ID)
			}
		}
		return errors.New("service: no free account id after 10 tries")
	})
	return a, err
}

// GetAccount returns an account. Errors: ENOTFOUND.
func (s *Service) GetAccount(ctx context.Context, id string) (*roster.Account, error) {
	var a *roster.Account
	err := s.store.Read(ctx, func(tx roster.Tx) (err error) {
		a, err = tx.GetAccount(ctx, id)
		return err
	})
	return a, err
}

func checkName(vs *roster.Violations, field, name string) {
	n := utf8.RuneCountInString(name)
	switch {
	case strings.TrimSpace(name) == "":
		vs.Add(field, roster.VRequired, "is required")
	case n > roster.MaxName:
		vs.Add(field, roster.VTooLong, "must be at most %d characters", roster.MaxName)
	case !roster.Printable(name):
		vs.Add(field, roster.VInvalidChars, "must not contain control characters")
	}
}

// inAccount runs fn in a transaction after checking that the account
// exists, so that every id of an unknown account is ENOTFOUND. An account
// seen to exist is not looked up again: accounts are never deleted, so
// the set of known accounts (s.accounts) never goes stale, whichever
// replica created them. It is filled only after a transaction that found
// the account ended well, so never from a write that was rolled back. (A
// database restored from a backup older than an account it had would
// answer that account's writes with a foreign key's conflict, not 404,
// until roster restarts.)
func (s *Service) inAccount(ctx context.Context, accountID string, write bool, fn func(tx roster.Tx) error) error {
	run := s.store.Read
	if write {
		run = s.store.Write
	}
	_, known := s.accounts.Load(accountID)
	err := run(ctx, func(tx roster.Tx) error {
		if write {
			if err := tx.LockScope(ctx, accountID); err != nil {
				return err
			}
		}
		if !known {
			if _, err := tx.GetAccount(ctx, accountID); err != nil {
				return err
			}
		}
		return fn(tx)
	})
	if err == nil && !known {
		s.accounts.Store(accountID, struct{}{})
	}
	return err
}

// readOne runs fn, a read of one resource of the account, and looks the
// account up only when fn finds nothing, so that every id of an unknown
// account is still ENOTFOUND (the account's): a resource found proves that
// its account exists, as accounts are never deleted and everything in one
// refers to it. It saves the account's lookup on most reads.
func (s *Service) readOne(ctx context.Context, accountID string, fn func(tx roster.Tx) error) error {
	return s.store.Read(ctx, func(tx roster.Tx) error {
		err := fn(tx)
		if roster.ErrorCode(err) != roster.ENOTFOUND {
			return err
		}
		if _, aerr := tx.GetAccount(ctx, accountID); aerr != nil {
			return aerr
		}
		return err
	})
}

// NodeInput is the body of an organization node create or replace.
type NodeInput struct {
	OrganizationNodeID string `json:"organizationNodeId"`
	Name               string `json:"name"`
	ParentID           string `json:"parentId"`
}

// CreateNode creates an organization node under parentId (default: the
// root). Errors: ENOTFOUND (account), EINVALID, ECONFLICT.
func (s *Service) CreateNode(ctx context.Context, accountID string, in NodeInput) (*roster.OrganizationNode, error) {
	var vs roster.Violations
	if in.OrganizationNodeID != "" && !roster.IsCode6(in.OrganizationNodeID) {
		vs.Add("organizationNodeId", roster.VInvalid, "must be six upper-case letters")
	}
	checkName(&vs, "name", in.Name)
	if err := vs.Err(); err != nil {
		return nil, err
	}
	n := &roster.OrganizationNode{AccountID: accountID, ID: in.OrganizationNodeID, Name: in.Name, ParentID: in.ParentID}
	if n.ParentID == "" {
		n.ParentID = accountID
	}
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetNode(ctx, accountID, n.ParentID); err != nil {
			return roster.Invalid(roster.Violation{Field: "parentId", Code: roster.VNotFound, Message: "no such organization node"})
		}
		if n.ID == "" {
			for n.ID == "" || n.ID == accountID {
				n.ID = newCode6()
			}
		}
		if _, err := tx.GetNode(ctx, accountID, n.ID); err == nil {
			return roster.Errorf(roster.ECONFLICT, "Organization node %s already exists.", n.ID)
		}
		if err := tx.CreateNode(ctx, n); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditCreate, resNode, n.ID, changedFields(nil, n))
	})
	return n, err
}

// GetNode returns an organization node. Errors: ENOTFOUND.
func (s *Service) GetNode(ctx context.Context, accountID, id string) (*roster.OrganizationNode, error) {
	var n *roster.OrganizationNode
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		n, err = tx.GetNode(ctx, accountID, id)
		return err
	})
	return n, err
}

// ReplaceNode renames or moves a node. The root cannot move; a node cannot
// move under itself. Errors: ENOTFOUND, EINVALID.
func (s *Service) ReplaceNode(ctx context.Context, accountID, id string, in NodeInput) (*roster.OrganizationNode, error) {
	var vs roster.Violations
	if in.OrganizationNodeID != "" && in.OrganizationNodeID != id {
		vs.Add("organizationNodeId", roster.VInvalid, "does not match the node in the path; a node's id cannot change")
	}
	checkName(&vs, "name", in.Name)
	if err := vs.Err(); err != nil {
		return nil, err
	}
	var n *roster.OrganizationNode
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) (err error) {
		if n, err = tx.GetNode(ctx, accountID, id); err != nil {
			return err
		}
		old := *n
		defer func() {
			if err == nil {
				err = audit(ctx, tx, accountID, roster.AuditUpdate, resNode, id, changedFields(old, n))
			}
		}()
		n.Name = in.Name
		if id == accountID {
			if in.ParentID != "" {
				return roster.Invalid(roster.Violation{Field: "parentId", Code: roster.VInvalid, Message: "the root node has no parent"})
			}
			return tx.UpdateNode(ctx, n)
		}
		n.ParentID = in.ParentID
		if n.ParentID == "" {
			n.ParentID = accountID
		}
		up, err := tx.NodeAncestors(ctx, accountID, n.ParentID)
		if err != nil {
			return err
		}
		if len(up) == 0 || up[0] != n.ParentID {
			return roster.Invalid(roster.Violation{Field: "parentId", Code: roster.VNotFound, Message: "no such organization node"})
		}
		for _, a := range up {
			if a == id {
				return roster.Invalid(roster.Violation{Field: "parentId", Code: roster.VInvalid, Message: "a node cannot move under itself"})
			}
		}
		return tx.UpdateNode(ctx, n)
	})
	return n, err
}

// DeleteNode deletes a node. Errors: ENOTFOUND, ECONFLICT (the root, or a
// node holding users or children).
func (s *Service) DeleteNode(ctx context.Context, accountID, id string) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetNode(ctx, accountID, id); err != nil {
			return err
		}
		if id == accountID {
			return roster.Errorf(roster.ECONFLICT, "The root organization node cannot be deleted.")
		}
		used, err := tx.NodeInUse(ctx, accountID, id)
		if err != nil {
			return err
		}
		if used {
			return roster.Errorf(roster.ECONFLICT, "Organization node %s holds users or child nodes; move or delete them first.", id)
		}
		if err := tx.DeleteNode(ctx, accountID, id); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resNode, id, nil)
	})
}

// ListNodes returns a page of organization nodes. Errors: ENOTFOUND.
func (s *Service) ListNodes(ctx context.Context, accountID string, lp ListParams) (p roster.Page[roster.OrganizationNode], err error) {
	err = s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		p, err = tx.ListNodes(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}
