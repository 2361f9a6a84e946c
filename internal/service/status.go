package service

import (
	"context"
	"fmt"
	"maps"

	"github.com/roster-cc/roster/internal/roster"
)

// UserStatus returns the status of a user's latest change; a deleted
// user's for 24 hours. Errors: ENOTFOUND.
func (s *Service) UserStatus(ctx context.Context, accountID, id string) (*roster.UserStatus, error) {
	var st *roster.UserStatus
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		if pr := roster.PrincipalFrom(ctx); pr != nil && !pr.CanRead() {
			if _, _, err := readableUser(ctx, tx, accountID, id); err != nil {
				return err
			}
		}
		st, err = userStatus(ctx, tx, accountID, id)
		return err
	})
	return st, err
}

// ListUserStatuses returns the statuses of the known users among ids.
// Errors: ENOTFOUND (account), EINVALID.
func (s *Service) ListUserStatuses(ctx context.Context, accountID string, ids []string) ([]roster.UserStatus, error) {
	if err := checkIDList("userIds", ids); err != nil {
		return nil, err
	}
	out := []roster.UserStatus{}
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		for _, id := range roster.FoldDuplicates(ids) {
			st, err := userStatus(ctx, tx, accountID, id)
			if roster.ErrorCode(err) == roster.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, *st)
		}
		return nil
	})
	return out, err
}

func checkIDList(field string, ids []string) error {
	if len(ids) < 1 || len(ids) > 50 {
		return roster.Invalid(roster.Violation{Field: field, Code: roster.VOutOfRange, Message: "must hold 1 to 50 ids"})
	}
	return nil
}

func userStatus(ctx context.Context, tx roster.Tx, accountID, id string) (*roster.UserStatus, error) {
	action, err := tx.UserStatusAction(ctx, accountID, id)
	deleted := false
	if roster.ErrorCode(err) == roster.ENOTFOUND {
		if deleted, err = tx.UserDeleted(ctx, accountID, id); err == nil && !deleted {
			return nil, roster.NotFound("User")
		}
		action = roster.ActionDelete
	}
	if err != nil {
		return nil, err
	}
	aspects, err := tx.Aspects(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	latest := roster.LatestStamp(aspects)
	if !deleted { // a deletion's action is DELETE (its stamps are a client's)
		action = roster.StatusAction(action, latest)
	}
	st := &roster.UserStatus{UserID: id, Action: action}
	var states []string
	for name, a := range aspects {
		if !a.Shown(latest) {
			continue
		}
		as := aspectStatus(a, deleted)
		states = append(states, a.State)
		if name == roster.AspectRole {
			st.Role = &as
			continue
		}
		if st.Features == nil {
			st.Features = map[string]roster.AspectStatus{}
		}
		st.Features[name] = as
	}
	st.Status, st.Message = overall(states, deleted, "")
	return st, nil
}

// overall folds aspect states into the top-level status: in progress while
// any aspect is, then FAILED if any failed, else completed.
func overall(states []string, deleted bool, failMessage string) (status, message string) {
	pending, failed := false, false
	for _, s := range states {
		pending = pending || s == roster.AspectPending
		failed = failed || s == roster.AspectFailed
	}
	switch {
	case pending && deleted:
		return roster.StatusDeleteInProgress, roster.MsgInProgress
	case pending:
		return roster.StatusInProgress, roster.MsgInProgress
	case failed && failMessage != "":
		return roster.StatusFailed, failMessage
	case failed:
		return roster.StatusFailed, roster.MsgFailed
	case deleted:
		return roster.StatusDeleted, roster.MsgCompleted
	}
	return roster.StatusCompleted, roster.MsgCompleted
}

func aspectStatus(a roster.Aspect, deleted bool) roster.AspectStatus {
	as := roster.AspectStatus{Action: a.Action}
	switch a.State {
	case roster.AspectPending:
		as.Status, as.Message = roster.StatusInProgress, roster.MsgInProgress
		if deleted {
			as.Status = roster.StatusDeleteInProgress
		}
	case roster.AspectFailed:
		as.Status, as.Message = roster.StatusFailed, a.Message
		if as.Message == "" {
			as.Message = failedMessage(a.Name, a.Action)
		}
	default:
		as.Status, as.Message = roster.StatusCompleted, doneMessage(a.Name, a.Action)
		if deleted {
			as.Status = roster.StatusDeleted
		}
	}
	return as
}

func doneMessage(aspect, action string) string {
	if aspect == roster.AspectRole {
		return map[string]string{roster.ActionAdd: "Added successfully", roster.ActionUpdate: "Updated successfully",
			roster.ActionDelete: "Removed successfully"}[action]
	}
	return map[string]string{roster.ActionAdd: "Feature added successfully", roster.ActionUpdate: "Feature updated successfully",
		roster.ActionDelete: "Feature deleted successfully"}[action]
}

func failedMessage(aspect, action string) string {
	verb := map[string]string{roster.ActionAdd: "added", roster.ActionUpdate: "updated", roster.ActionDelete: "deleted"}[action]
	if aspect == roster.AspectRole {
		return "The requested roles could not be " + verb
	}
	return "The feature could not be " + verb
}

// ProfileStatus returns the status of the propagation of the profile's
// latest change; a deleted profile's for 24 hours. Errors: ENOTFOUND.
func (s *Service) ProfileStatus(ctx context.Context, accountID, id string) (*roster.ProfileStatus, error) {
	var st *roster.ProfileStatus
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		st, err = profileStatus(ctx, tx, accountID, id)
		return err
	})
	return st, err
}

// ListProfileStatuses returns the statuses of the known profiles among ids.
// Errors: ENOTFOUND (account), EINVALID.
func (s *Service) ListProfileStatuses(ctx context.Context, accountID string, ids []string) ([]roster.ProfileStatus, error) {
	if err := checkIDList("profileIds", ids); err != nil {
		return nil, err
	}
	out := []roster.ProfileStatus{}
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		for _, id := range roster.FoldDuplicates(ids) {
			st, err := profileStatus(ctx, tx, accountID, id)
			if roster.ErrorCode(err) == roster.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, *st)
		}
		return nil
	})
	return out, err
}

func profileStatus(ctx context.Context, tx roster.Tx, accountID, id string) (*roster.ProfileStatus, error) {
	_, ch, err := tx.ProfileStatusOf(ctx, accountID, id)
	if roster.ErrorCode(err) == roster.ENOTFOUND {
		return deletedProfileStatus(ctx, tx, accountID, id)
	}
	if err != nil {
		return nil, err
	}
	prop, err := tx.GetPropagation(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	progress, err := tx.ProfileUnsettledAspects(ctx, accountID, id, ch.Since)
	if err != nil {
		return nil, err
	}
	// Every record is counted only to word failures.
	counts, users, failedUsers := map[string]roster.AspectCounts{}, 0, 0
	for _, p := range progress {
		if p.Failed {
			if counts, users, failedUsers, err = tx.ProfileProgress(ctx, accountID, id, ch.Since); err != nil {
				return nil, err
			}
			break
		}
	}
	// The aspects of the changes, and any other its users are busy with.
	actions := maps.Clone(ch.Aspects)
	for name, p := range progress {
		if _, ok := actions[name]; !ok {
			actions[name] = p.Action
		}
	}
	st := &roster.ProfileStatus{ProfileID: id, Action: ch.Action}
	var states []string
	for name, act := range actions {
		c, p := counts[name], progress[name]
		state := roster.AspectDone
		switch {
		case !prop.Done || p.Pending:
			state = roster.AspectPending
		case p.Failed:
			state = roster.AspectFailed
		}
		as := aspectStatus(roster.Aspect{Name: name, Action: act, State: state,
			Message: fmt.Sprintf("%d of %d users failed", c.Failed, c.Total)}, false)
		states = append(states, state)
		if name == roster.AspectRole {
			st.Role = &as
			continue
		}
		if st.Features == nil {
			st.Features = map[string]roster.AspectStatus{}
		}
		st.Features[name] = as
	}
	st.Status, st.Message = overall(states, false, fmt.Sprintf("%d of %d users failed", failedUsers, users))
	return st, nil
}

func deletedProfileStatus(ctx context.Context, tx roster.Tx, accountID, id string) (*roster.ProfileStatus, error) {
	changes, err := tx.ProfileTombstone(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	st := &roster.ProfileStatus{ProfileID: id, Action: roster.ActionDelete, Status: roster.StatusCompleted, Message: roster.MsgCompleted}
	for name := range changes {
		as := roster.AspectStatus{Action: roster.ActionDelete, Status: roster.StatusCompleted, Message: doneMessage(name, roster.ActionDelete)}
		if name == roster.AspectRole {
			st.Role = &as
			continue
		}
		if st.Features == nil {
			st.Features = map[string]roster.AspectStatus{}
		}
		st.Features[name] = as
	}
	return st, nil
}
