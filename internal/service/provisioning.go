package service

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// change describes why a user's desired state is being recomputed.
type change struct {
	// client is true for a client's create, replace or delete of the user:
	// aspects that stay the same drop out of the status, and FAILED ones
	// are retried.
	client  bool
	created bool // a new user: it has no records yet
	deleted bool
	// propagating is true when a change of the user's profile is carried
	// to it: FAILED aspects the profile gave are retried (a repeated
	// profile PUT retries, as the seed says).
	propagating bool
}

// cause names the profile whose change an aspect's record follows, for
// the profile's status: every aspect a propagation changes, and the
// aspects a user inherits from its profile.
func cause(c change, p *roster.Profile, inherited map[string]bool, name string) (string, int64) {
	if p == nil || c.deleted || !c.propagating && !inherited[name] {
		return "", 0
	}
	return p.ID, p.Version
}

// ensureVoice allocates the user's voice identity when its effective view
// has voice and frees it when it no longer has; it reports a change.
func ensureVoice(ctx context.Context, tx roster.Tx, u *roster.User, p *roster.Profile, deleted bool) (bool, error) {
	want := !deleted && roster.HasEffectiveVoice(u, p)
	switch {
	case want && u.Voice == nil:
		ext, provider, err := tx.AllocateExtension(ctx, u.AccountID)
		if err != nil {
			return false, err
		}
		u.Voice = &roster.VoiceIdentity{
			UserExtension:                         ext,
			EmergencyLocationIdentificationNumber: newDigits(10),
			Providers:                             []roster.VoiceProvider{{ProviderAgentID: newUUID(), ChannelProviderID: provider}},
		}
		return true, nil
	case !want && u.Voice != nil:
		u.Voice = nil
		return true, nil
	}
	return false, nil
}

// applyDesired records the desired state of every aspect of the user's
// effective view (none when deleted) in the same transaction as the change,
// and reports whether any aspect changed. Unchanged aspects are not
// touched, so users a profile change does not affect see no status change.
func applyDesired(ctx context.Context, tx roster.Tx, u *roster.User, p *roster.Profile, c change) (bool, error) {
	var old map[string]roster.Aspect
	if !c.created {
		var err error
		if old, err = tx.Aspects(ctx, u.AccountID, u.ID); err != nil {
			return false, err
		}
	}
	var w aspectWrites
	changed := w.plan(u, p, c, old, tx.Now())
	return changed, w.flush(ctx, tx, u.AccountID)
}

// aspectWrites collects the record writes of the changes of one or more
// users of an account, to be written together.
type aspectWrites struct {
	puts   []roster.Aspect
	stamps []roster.AspectStamp
	// settled names the aspects whose provisioner needs no call (local):
	// their records are written settled, as the reconciler would settle
	// them. Only a propagation batch sets it: its records are seen for the
	// first time settled, where a client's change shows IN_PROGRESS until
	// the reconciler has run (the seed's flow). The store keeps a record
	// pending while a worker's lease on it runs (PutAspects).
	settled map[string]bool
}

// plan decides the records of the user's desired state (none when
// deleted) given its records old, adds their writes to w and reports
// whether any aspect changed.
func (w *aspectWrites) plan(u *roster.User, p *roster.Profile, c change, old map[string]roster.Aspect, now time.Time) bool {
	desired := map[string]json.RawMessage{}
	if !c.deleted {
		desired = roster.Desired(u, p)
	}
	names := make([]string, 0, len(old)+len(desired))
	for n := range old {
		names = append(names, n)
	}
	for n := range desired {
		if _, ok := old[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	inherited := roster.InheritedAspects(u, p)
	// A propagated change's stamp tells the user's status its action
	// (UPDATE, roster.StatusAction): a propagation writes the user's row
	// only when its voice identity changes.
	stamp := roster.NextStamp(roster.LatestStamp(old), c.propagating)
	var changed []string
	for _, n := range names {
		prev, had := old[n]
		causeID, causeVer := cause(c, p, inherited, n)
		next, ok := nextAspect(prev, had, desired[n], c, causeID, causeVer)
		if !ok {
			continue
		}
		next.AccountID, next.UserID, next.Name, next.NextAttemptAt, next.Stamp = u.AccountID, u.ID, n, now, stamp
		if w.settled[n] {
			next.State, next.Provisioned, next.Attempts, next.Message = roster.AspectDone, next.Desired, 0, ""
		}
		w.puts = append(w.puts, next)
		changed = append(changed, n)
	}
	if len(changed) == 0 && !c.client {
		return false
	}
	// The status shows the latest change, and what is not done yet (see
	// roster.Aspect.Shown): the records this change touched carry its stamp,
	// and the settled ones it did not drop out as the latest stamp moves
	// past them, without a write. A record still in progress is stamped to
	// stay when it settles. A change that touched nothing moves the latest
	// stamp only if something is in progress, so it clears the stamps of
	// every settled record: the latest may not fall back to an earlier one.
	for _, n := range names {
		a, had := old[n]
		switch {
		case !had || contains(changed, n):
		case a.State != roster.AspectDone:
			w.stamps = append(w.stamps, roster.AspectStamp{UserID: u.ID, Name: n, Stamp: stamp})
		case len(changed) == 0 && a.Stamp != 0:
			w.stamps = append(w.stamps, roster.AspectStamp{UserID: u.ID, Name: n})
		}
	}
	return len(changed) > 0
}

// flush writes the collected records of the account's users.
func (w *aspectWrites) flush(ctx context.Context, tx roster.Tx, accountID string) error {
	if len(w.puts) > 0 {
		if err := tx.PutAspects(ctx, w.puts); err != nil {
			return err
		}
	}
	if len(w.stamps) > 0 {
		return tx.StampAspects(ctx, accountID, w.stamps)
	}
	return nil
}

// nextAspect decides the new record of one aspect; ok is false when the
// record stays as it is.
func nextAspect(prev roster.Aspect, had bool, desired json.RawMessage, c change, causeID string, causeVer int64) (roster.Aspect, bool) {
	if !had {
		if desired == nil {
			return prev, false
		}
		return roster.Aspect{Desired: desired, DesiredVersion: 1, Action: roster.ActionAdd, State: roster.AspectPending,
			CauseProfileID: causeID, CauseProfileVer: causeVer}, true
	}
	next := prev
	next.Attempts, next.Message, next.State = 0, "", roster.AspectPending
	next.CauseProfileID, next.CauseProfileVer = causeID, causeVer
	if bytes.Equal(prev.Desired, desired) {
		// Unchanged: a client's repeat of a failed aspect retries it, and so
		// does a repeat of the profile change that failed it.
		retry := c.client || c.propagating && prev.CauseProfileID != "" && prev.CauseProfileID == causeID
		if prev.State == roster.AspectFailed && retry {
			return next, true
		}
		return prev, false
	}
	next.Desired = desired
	next.DesiredVersion++
	switch {
	case desired == nil:
		next.Action = roster.ActionDelete
	case prev.Provisioned == nil:
		next.Action = roster.ActionAdd
	default:
		next.Action = roster.ActionUpdate
	}
	return next, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
