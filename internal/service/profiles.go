package service

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// ProfileResult is a profile as stored after a change, with its version.
type ProfileResult struct {
	Profile roster.Profile
	Version int64
}

func profileFromInput(accountID, id string, in roster.ProfileInput) *roster.Profile {
	f := in.Features
	if len(f) == 0 {
		f = nil
	}
	return &roster.Profile{ID: id, AccountID: accountID, Name: in.ProfileName, Description: in.Description,
		UXProfileID: in.UXProfileID, Roles: in.Roles, MemberOfGroups: in.MemberOfGroups, OwnedGroups: in.OwnedGroups,
		Features: f}
}

// checkProfile checks the rules that need the account's data and reports
// them with the violations found before (vs).
func (s *Service) checkProfile(ctx context.Context, tx roster.Tx, p *roster.Profile, in roster.ProfileInput, vs roster.Violations) error {
	refs, err := checkRefs(ctx, tx, p.AccountID, in.Refs())
	if err != nil {
		return err
	}
	vs = append(vs, refs...)
	if len(p.OwnedGroups) > 0 && !contains(p.Roles, "Supervisor") {
		vs.Add("ownedGroups", roster.VInvalid, "only a profile with the role Supervisor can own groups")
	}
	if err := vs.Err(); err != nil {
		return err
	}
	taken, err := tx.ProfileNameTaken(ctx, p.AccountID, p.Name, p.ID)
	if err == nil && taken {
		return roster.Errorf(roster.ECONFLICT, "A profile named %q already exists.", p.Name)
	}
	return err
}

// CreateProfile stores a new profile. Errors: ENOTFOUND (account),
// EINVALID, ECONFLICT (name taken).
func (s *Service) CreateProfile(ctx context.Context, accountID string, in roster.ProfileInput) (*ProfileResult, error) {
	vs := in.Validate()
	var res *ProfileResult
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		p := profileFromInput(accountID, "", in)
		for p.ID == "" {
			p.ID = newCode6()
			if _, err := tx.GetProfile(ctx, accountID, p.ID); err == nil {
				p.ID = ""
			}
		}
		if err := s.checkProfile(ctx, tx, p, in, vs); err != nil {
			return err
		}
		ch := roster.ProfileChange{Action: roster.ActionAdd, Since: 1, Aspects: profileChanges(nil, p)}
		if err := tx.CreateProfile(ctx, p, ch); err != nil {
			return err
		}
		if err := tx.StartPropagation(ctx, accountID, p.ID, p.Version); err != nil {
			return err
		}
		res = &ProfileResult{Profile: *p, Version: p.Version}
		return audit(ctx, tx, accountID, roster.AuditCreate, resProfile, p.ID, changedFields(nil, p))
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return res, nil
}

// ReplaceProfile replaces the profile (seed: a complete replacement). The
// change is visible on every user's effective view at once; provisioning
// is carried to the users in batches by the reconciler, never here.
// Errors: ENOTFOUND, EINVALID, ECONFLICT, EPRECONDITION.
func (s *Service) ReplaceProfile(ctx context.Context, accountID, id string, in roster.ProfileInput, ifMatch []int64) (*ProfileResult, error) {
	vs := in.Validate()
	var res *ProfileResult
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		old, oldCh, err := tx.ProfileStatusOf(ctx, accountID, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, old.Version); err != nil {
			return err
		}
		p := profileFromInput(accountID, id, in)
		p.Version, p.CreatedAt = old.Version+1, old.CreatedAt
		if err := s.checkProfile(ctx, tx, p, in, vs); err != nil {
			return err
		}
		if err := keepSupervisors(ctx, tx, p); err != nil {
			return err
		}
		ch, err := nextProfileChange(ctx, tx, old, p, oldCh)
		if err != nil {
			return err
		}
		if err := tx.UpdateProfile(ctx, p, ch); err != nil {
			return err
		}
		if err := tx.StartPropagation(ctx, accountID, id, p.Version); err != nil {
			return err
		}
		res = &ProfileResult{Profile: *p, Version: p.Version}
		return audit(ctx, tx, accountID, roster.AuditUpdate, resProfile, id, changedFields(old, p))
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return res, nil
}

// nextProfileChange is the status of a profile change: its own aspects,
// plus those of the earlier changes while any of them is unsettled (still
// propagating, provisioning or failed, which this change retries).
func nextProfileChange(ctx context.Context, tx roster.Tx, old, p *roster.Profile, oldCh roster.ProfileChange) (roster.ProfileChange, error) {
	ch := roster.ProfileChange{Action: roster.ActionUpdate, Since: p.Version, Aspects: profileChanges(old, p)}
	unsettled := true
	prop, err := tx.GetPropagation(ctx, p.AccountID, p.ID)
	if err != nil {
		return ch, err
	}
	if prop.Done {
		if unsettled, err = tx.ProfileUnsettled(ctx, p.AccountID, p.ID, oldCh.Since); err != nil {
			return ch, err
		}
	}
	if unsettled {
		ch.Since = oldCh.Since
		for k, v := range oldCh.Aspects {
			if _, ok := ch.Aspects[k]; !ok {
				ch.Aspects[k] = v
			}
		}
	}
	return ch, nil
}

// keepSupervisors refuses a profile change that takes the role Supervisor
// from users who own groups and take their roles from the profile.
func keepSupervisors(ctx context.Context, tx roster.Tx, p *roster.Profile) error {
	if contains(p.Roles, "Supervisor") {
		return nil
	}
	owners, err := tx.ProfileHasGroupOwners(ctx, p.AccountID, p.ID)
	if err == nil && owners {
		return roster.Errorf(roster.ECONFLICT, "Users on profile %s own groups and take the role Supervisor from it; keep the role or change those users first.", p.ID)
	}
	return err
}

// profileChanges returns the action per aspect ("role", feature keys)
// between two versions of a profile; old is nil for a new profile.
func profileChanges(old, p *roster.Profile) map[string]string {
	out := map[string]string{}
	var oldRoles []string
	var oldFeatures roster.Features
	if old != nil {
		oldRoles, oldFeatures = old.Roles, old.Features
	}
	a, b := slices.Sorted(slices.Values(oldRoles)), slices.Sorted(slices.Values(p.Roles))
	if action := diffAction(len(a) > 0, len(b) > 0, slices.Equal(a, b)); action != "" {
		out[roster.AspectRole] = action
	}
	for _, k := range roster.FeatureKeys {
		o, had := oldFeatures[k]
		n, has := p.Features[k]
		if action := diffAction(had, has, bytes.Equal(o, n)); action != "" {
			out[k] = action
		}
	}
	return out
}

func diffAction(had, has, equal bool) string {
	switch {
	case !had && has:
		return roster.ActionAdd
	case had && !has:
		return roster.ActionDelete
	case had && has && !equal:
		return roster.ActionUpdate
	}
	return ""
}

// DeleteProfile deletes a profile that no user is on. Errors: ENOTFOUND,
// ECONFLICT (users are on it), EPRECONDITION.
func (s *Service) DeleteProfile(ctx context.Context, accountID, id string, ifMatch []int64) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		p, err := tx.GetProfile(ctx, accountID, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, p.Version); err != nil {
			return err
		}
		used, err := tx.ProfileInUse(ctx, accountID, id)
		if err != nil {
			return err
		}
		if used {
			return roster.Errorf(roster.ECONFLICT, "Users are on profile %s; move them to another profile first.", id)
		}
		gone := map[string]string{}
		for k := range profileChanges(nil, p) {
			gone[k] = roster.ActionDelete
		}
		if err := tx.DeleteProfile(ctx, accountID, id, gone); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resProfile, id, nil)
	})
}

// GetProfile returns a profile. Errors: ENOTFOUND.
func (s *Service) GetProfile(ctx context.Context, accountID, id string) (*ProfileResult, error) {
	var res *ProfileResult
	err := s.readOne(ctx, accountID, func(tx roster.Tx) error {
		p, err := tx.GetProfile(ctx, accountID, id)
		if err == nil {
			res = &ProfileResult{Profile: *p, Version: p.Version}
		}
		return err
	})
	return res, err
}

// ListProfiles returns a page of profiles. Errors: ENOTFOUND.
func (s *Service) ListProfiles(ctx context.Context, accountID string, lp ListParams) (p roster.Page[roster.Profile], err error) {
	err = s.inAccount(ctx, accountID, false, func(tx roster.Tx) error {
		p, err = tx.ListProfiles(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}

// PropagationBatch is how many users one propagation transaction handles.
const PropagationBatch = 500

// Propagate carries batches of one pending profile change to the
// profile's users, for about Config.PropagationSlice; it reports whether
// there was work. The change is claimed with a lease in a transaction of
// its own, then each batch runs under the account's lock, so it never
// holds the propagation's row while waiting for the account (a profile PUT
// takes them in the other order). The claim is kept from one batch to the
// next and released after the last of the slice: a claim costs a
// transaction, as does the caller's round of provisioning between two
// calls, and on PostgreSQL each of their round trips waits for a CPU when
// the CPUs are busy. A crash loses nothing: the cursor advances with the
// batch it covers, and another worker takes the claim over when the lease
// runs out. settled names the aspects whose provisioner needs no call:
// the batch writes their records settled (see aspectWrites).
func (s *Service) Propagate(ctx context.Context, owner string, lease time.Duration, settled []string) (bool, error) {
	// Most rounds find nothing to claim: a read says so without a write
	// transaction (on SQLite a commit of its own between the clients'
	// groups, on PostgreSQL a transaction and its round trips). A change
	// committed after the read wakes the worker for another round.
	var waiting bool
	err := s.store.Read(ctx, func(tx roster.Tx) (err error) {
		waiting, err = tx.PropagationWaiting(ctx, owner)
		return err
	})
	if err != nil || !waiting {
		return false, err
	}
	var prop *roster.Propagation
	err = s.store.Write(ctx, func(tx roster.Tx) (err error) {
		prop, err = tx.ClaimPropagation(ctx, owner, lease)
		return err
	})
	if err != nil || prop == nil {
		return false, err
	}
	end := time.Now().Add(s.slice)
	// A batch started is finished even when ctx ends (shutdown), and the
	// last batch of the slice releases the claim (lease 0), so the next
	// may run on any worker at once: a batch that kept the claim when ctx
	// ended is followed by one that releases it.
	batchCtx := context.WithoutCancel(ctx)
	for more := true; more && err == nil; {
		keep := time.Now().Before(end) && ctx.Err() == nil
		more, err = s.propagateClaimed(batchCtx, owner, prop, keep, lease, settled)
		more = more && keep
	}
	if err == nil {
		s.wake()
	}
	return true, err
}

// propagateClaimed runs the next batch of a claimed propagation and
// reports whether the claim is still held with users left; keep holds the
// claim for another lease after the batch.
func (s *Service) propagateClaimed(ctx context.Context, owner string, prop *roster.Propagation, keep bool,
	lease time.Duration, settled []string) (more bool, err error) {
	err = s.store.Write(ctx, func(tx roster.Tx) error {
		more = false // a run again starts over (roster.Store)
		if err := tx.LockScope(ctx, prop.AccountID); err != nil {
			return err
		}
		cur, err := tx.GetPropagation(ctx, prop.AccountID, prop.ProfileID)
		if roster.ErrorCode(err) == roster.ENOTFOUND || err == nil && (cur.LeaseOwner != owner || cur.Version != prop.Version) {
			return nil // the profile changed or was deleted since the claim: the new claim will do it
		}
		if err != nil {
			return err
		}
		next := time.Duration(0)
		if keep {
			next = lease
		}
		if err := s.propagateBatch(ctx, tx, owner, cur, settled, next); err != nil {
			return err
		}
		more = !cur.Done
		return nil
	})
	return more && err == nil, err
}

// propagateBatch carries the change to the next batch of users and
// advances the propagation's cursor, holding its claim for lease more.
func (s *Service) propagateBatch(ctx context.Context, tx roster.Tx, owner string, prop *roster.Propagation,
	settled []string, lease time.Duration) error {
	p, err := tx.GetProfile(ctx, prop.AccountID, prop.ProfileID)
	if err != nil {
		return err
	}
	users, err := tx.UsersOfProfile(ctx, prop.AccountID, prop.ProfileID, prop.Cursor, PropagationBatch)
	if err != nil {
		return err
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	records, err := tx.AspectsOf(ctx, prop.AccountID, ids)
	if err != nil {
		return err
	}
	// The batch's records are decided user by user, then written together.
	w := aspectWrites{settled: map[string]bool{}}
	for _, n := range settled {
		w.settled[n] = true
	}
	for _, u := range users {
		voiceChanged, err := ensureVoice(ctx, tx, u, p, false)
		if err != nil {
			return err
		}
		changed := w.plan(u, p, change{propagating: true}, records[u.ID], tx.Now())
		if voiceChanged {
			if err := tx.SetUserProvisioning(ctx, u, statusAction(changed)); err != nil {
				return err
			}
		}
		prop.Cursor = u.ID
	}
	if err := w.flush(ctx, tx, prop.AccountID); err != nil {
		return err
	}
	prop.Done = len(users) < PropagationBatch
	_, err = tx.AdvancePropagation(ctx, owner, prop, lease)
	return err
}

// statusAction is the status action a propagation gives a user whose
// aspects changed (UPDATE), or none.
func statusAction(changed bool) string {
	if changed {
		return roster.ActionUpdate
	}
	return ""
}
