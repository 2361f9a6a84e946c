package service

import (
	"context"
	"unicode/utf8"

	"github.com/roster-cc/roster/internal/roster"
)

// GroupInput is the body of a group create or replace.
type GroupInput struct {
	GroupID     string `json:"groupId"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (in *GroupInput) validate() error {
	var vs roster.Violations
	checkName(&vs, "name", in.Name)
	if utf8.RuneCountInString(in.Description) > roster.MaxDescription {
		vs.Add("description", roster.VTooLong, "must be at most %d characters", roster.MaxDescription)
	}
	return vs.Err()
}

// CreateGroup creates a group, with the client's UUID when given.
// Errors: ENOTFOUND (account), EINVALID, ECONFLICT (name or id taken).
func (s *Service) CreateGroup(ctx context.Context, accountID string, in GroupInput) (*roster.Group, error) {
	if in.GroupID != "" && !roster.IsUUID(in.GroupID) {
		return nil, roster.Invalid(roster.Violation{Field: "groupId", Code: roster.VInvalid, Message: "must be a UUID"})
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	g := &roster.Group{AccountID: accountID, ID: in.GroupID, Name: in.Name, Description: in.Description}
	if g.ID == "" {
		g.ID = newUUID()
	}
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetGroup(ctx, accountID, g.ID); err == nil {
			return roster.Errorf(roster.ECONFLICT, "Group %s already exists.", g.ID)
		}
		if err := groupNameFree(ctx, tx, accountID, g.Name, g.ID); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditCreate, resGroup, g.ID, changedFields(nil, g))
	})
	return g, err
}

func groupNameFree(ctx context.Context, tx roster.Tx, accountID, name, id string) error {
	taken, err := tx.GroupNameTaken(ctx, accountID, name, id)
	if err == nil && taken {
		return roster.Errorf(roster.ECONFLICT, "A group named %q already exists.", name)
	}
	return err
}

// GetGroup returns a group. Errors: ENOTFOUND.
func (s *Service) GetGroup(ctx context.Context, accountID, id string) (*roster.Group, error) {
	var g *roster.Group
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		g, err = tx.GetGroup(ctx, accountID, id)
		return err
	})
	return g, err
}

// ReplaceGroup renames a group. Errors: ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) ReplaceGroup(ctx context.Context, accountID, id string, in GroupInput) (*roster.Group, error) {
	if in.GroupID != "" && in.GroupID != id {
		return nil, roster.Invalid(roster.Violation{Field: "groupId", Code: roster.VInvalid,
			Message: "does not match the group in the path; a group's id cannot change"})
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var g *roster.Group
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) (err error) {
		if g, err = tx.GetGroup(ctx, accountID, id); err != nil {
			return err
		}
		if err := groupNameFree(ctx, tx, accountID, in.Name, id); err != nil {
			return err
		}
		old := *g
		g.Name, g.Description = in.Name, in.Description
		if err := tx.UpdateGroup(ctx, g); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditUpdate, resGroup, id, changedFields(old, g))
	})
	return g, err
}

// DeleteGroup deletes a group. Errors: ENOTFOUND, ECONFLICT (in use).
func (s *Service) DeleteGroup(ctx context.Context, accountID, id string) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if _, err := tx.GetGroup(ctx, accountID, id); err != nil {
			return err
		}
		used, err := tx.GroupInUse(ctx, accountID, id)
		if err == nil && used {
			return roster.Errorf(roster.ECONFLICT, "Group %s is used by users or profiles; remove it from them first.", id)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteGroup(ctx, accountID, id); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resGroup, id, nil)
	})
}

// ListGroups returns a page of groups. Errors: ENOTFOUND.
func (s *Service) ListGroups(ctx context.Context, accountID string, lp ListParams) (p roster.Page[roster.Group], err error) {
	err = s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		p, err = tx.ListGroups(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}

// GroupMembers returns a page of the users whose effective memberOfGroups
// holds the group, in their effective view. Errors: ENOTFOUND.
func (s *Service) GroupMembers(ctx context.Context, accountID, id string, lp ListParams) (roster.Page[roster.UserView], error) {
	f := roster.UserFilter{Where: &roster.Condition{Key: "groupId", Operator: roster.OpEquals, Value: id},
		Page: lp.Page, PageSize: lp.PageSize}
	var out roster.Page[roster.UserView]
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		if _, err := tx.GetGroup(ctx, accountID, id); err != nil {
			return err
		}
		if pr := roster.PrincipalFrom(ctx); pr != nil && !pr.CanRead() && !contains(pr.OwnedGroups, id) {
			return roster.NotFound("Group")
		}
		var err error
		out, err = s.listUsersTx(ctx, tx, accountID, f)
		return err
	})
	return out, err
}
