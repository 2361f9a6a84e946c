package service

import (
	"context"
	"unicode/utf8"

	"github.com/roster-cc/roster/internal/roster"
)

// QueueInput is the body of a queue upsert.
type QueueInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// PutQueue creates or replaces a queue of the catalog under the caller's id
// and reports whether it was created. Errors: ENOTFOUND (account), EINVALID.
func (s *Service) PutQueue(ctx context.Context, accountID, id string, in QueueInput) (*roster.Queue, bool, error) {
	var vs roster.Violations
	if n := utf8.RuneCountInString(id); n == 0 || n > roster.MaxName || !roster.Printable(id) {
		vs.Add("queueId", roster.VInvalid, "must be 1 to %d printable characters", roster.MaxName)
	}
	checkName(&vs, "name", in.Name)
	if utf8.RuneCountInString(in.Description) > roster.MaxDescription {
		vs.Add("description", roster.VTooLong, "must be at most %d characters", roster.MaxDescription)
	}
	if err := vs.Err(); err != nil {
		return nil, false, err
	}
	q := &roster.Queue{AccountID: accountID, ID: id, Name: in.Name, Description: in.Description}
	var created bool
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) (err error) {
		old, err := tx.GetQueue(ctx, accountID, id)
		if err != nil && roster.ErrorCode(err) != roster.ENOTFOUND {
			return err
		}
		if created, err = tx.PutQueue(ctx, q); err != nil {
			return err
		}
		return auditPut(ctx, tx, accountID, resQueue, id, created, old, q)
	})
	return q, created, err
}

// GetQueue returns a queue. Errors: ENOTFOUND.
func (s *Service) GetQueue(ctx context.Context, accountID, id string) (*roster.Queue, error) {
	var q *roster.Queue
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		q, err = tx.GetQueue(ctx, accountID, id)
		return err
	})
	return q, err
}

// DeleteQueue deletes a queue. Errors: ENOTFOUND, ECONFLICT (in use).
func (s *Service) DeleteQueue(ctx context.Context, accountID, id string) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetQueue(ctx, accountID, id); err != nil {
			return err
		}
		used, err := tx.QueueInUse(ctx, accountID, id)
		if err == nil && used {
			return roster.Errorf(roster.ECONFLICT, "Queue %s is used by users or profiles; remove it from them first.", id)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteQueue(ctx, accountID, id); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resQueue, id, nil)
	})
}

// ListQueues returns a page of queues. Errors: ENOTFOUND.
func (s *Service) ListQueues(ctx context.Context, accountID string, lp ListParams) (p roster.Page[roster.Queue], err error) {
	err = s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		p, err = tx.ListQueues(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}

// AttributeInput is the (optional) body of an attribute upsert.
type AttributeInput struct {
	Description string `json:"description"`
}

// PutAttribute creates or replaces a routing attribute "Category.Value" and
// reports whether it was created. Errors: ENOTFOUND (account), EINVALID.
func (s *Service) PutAttribute(ctx context.Context, accountID, name string, in AttributeInput) (*roster.Attribute, bool, error) {
	var vs roster.Violations
	cat, val, ok := roster.SplitAttribute(name)
	if !ok {
		vs.Add("name", roster.VInvalid, "must be Category.Value, such as Language.English")
	}
	if utf8.RuneCountInString(in.Description) > roster.MaxDescription {
		vs.Add("description", roster.VTooLong, "must be at most %d characters", roster.MaxDescription)
	}
	if err := vs.Err(); err != nil {
		return nil, false, err
	}
	a := &roster.Attribute{AccountID: accountID, Name: name, Category: cat, Value: val, Description: in.Description}
	var created bool
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) (err error) {
		old, err := tx.GetAttribute(ctx, accountID, name)
		if err != nil && roster.ErrorCode(err) != roster.ENOTFOUND {
			return err
		}
		if created, err = tx.PutAttribute(ctx, a); err != nil {
			return err
		}
		return auditPut(ctx, tx, accountID, resAttribute, name, created, old, a)
	})
	return a, created, err
}

// GetAttribute returns an attribute. Errors: ENOTFOUND.
func (s *Service) GetAttribute(ctx context.Context, accountID, name string) (*roster.Attribute, error) {
	var a *roster.Attribute
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		a, err = tx.GetAttribute(ctx, accountID, name)
		return err
	})
	return a, err
}

// DeleteAttribute deletes an attribute. Errors: ENOTFOUND, ECONFLICT (in use).
func (s *Service) DeleteAttribute(ctx context.Context, accountID, name string) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetAttribute(ctx, accountID, name); err != nil {
			return err
		}
		used, err := tx.AttributeInUse(ctx, accountID, name)
		if err == nil && used {
			return roster.Errorf(roster.ECONFLICT, "Attribute %s is used by users or profiles; remove it from them first.", name)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteAttribute(ctx, accountID, name); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resAttribute, name, nil)
	})
}

// ListAttributes returns a page of attributes. Errors: ENOTFOUND.
func (s *Service) ListAttributes(ctx context.Context, accountID string, lp ListParams) (p roster.Page[roster.Attribute], err error) {
	err = s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		p, err = tx.ListAttributes(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}

// checkRefs reports each reference of a user or profile request that does
// not exist in the account's catalogs.
func checkRefs(ctx context.Context, tx roster.Tx, accountID string, refs roster.UserRefs) (roster.Violations, error) {
	var vs roster.Violations
	for _, k := range []struct {
		kind string
		refs []roster.Ref
		what string
	}{{"group", refs.Groups, "group"}, {"queue", refs.Queues, "queue"}, {"attribute", refs.Attributes, "attribute"}} {
		if len(k.refs) == 0 {
			continue
		}
		missing, err := tx.MissingRefs(ctx, accountID, k.kind, k.refs)
		if err != nil {
			return nil, err
		}
		for _, m := range missing {
			vs.Add(m.Field, roster.VNotFound, "no %s %q in this account", k.what, m.ID)
		}
	}
	return vs, nil
}
