package provision

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// Propagator carries pending profile changes to users, a few batches of
// one change per call (a slice of time); the records of the aspects named
// settled are written settled (their provisioner needs no call).
type Propagator interface {
	Propagate(ctx context.Context, owner string, lease time.Duration, settled []string) (bool, error)
}

// Reconciler claims due provisioning records, runs their provisioners and
// records the outcomes. It is level-triggered: it provisions the latest
// desired state, so quick changes to one aspect coalesce into one call.
type Reconciler struct {
	Store        roster.Store
	Propagator   Propagator
	Provisioners Set
	Log          *slog.Logger
	Owner        string        // this process's name in leases
	Batch        int           // records claimed per round
	Concurrency  int           // provisioner calls at once
	Lease        time.Duration // a dead worker's records are taken over after this
	CallTimeout  time.Duration // the longest one provisioner call may take
	Retry        Backoff

	wake      chan struct{}
	once      sync.Once
	immediate []string     // aspects settled without a call (Local)
	slowest   atomic.Int64 // the last round's slowest call, in nanoseconds
}

// Backoff is the retry policy of temporary failures.
type Backoff struct {
	Base, Max time.Duration
	Attempts  int // total attempts before FAILED
}

// maxInto raises v to n if n is larger.
func maxInto(v *atomic.Int64, n int64) {
	for {
		cur := v.Load()
		if n <= cur || v.CompareAndSwap(cur, n) {
			return
		}
	}
}

// Delay returns the wait before attempt n+1 (n ≥ 1): exponential with jitter.
func (b Backoff) Delay(n int) time.Duration {
	d := b.Base << min(n-1, 20)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	return d/2 + rand.N(d/2+1)
}

func (r *Reconciler) init() {
	r.once.Do(func() {
		r.wake = make(chan struct{}, 1)
		r.immediate = r.Provisioners.Immediate()
		if r.Log == nil {
			r.Log = slog.New(slog.DiscardHandler)
		}
		if r.Batch <= 0 {
			r.Batch = 1000
		}
		if r.Concurrency <= 0 {
			r.Concurrency = 16
		}
		if r.Lease <= 0 {
			r.Lease = time.Minute
		}
		if r.CallTimeout <= 0 || r.CallTimeout > r.Lease/2 {
			r.CallTimeout = r.Lease / 2
		}
		if r.Retry.Attempts <= 0 {
			r.Retry = Backoff{Base: time.Second, Max: time.Minute, Attempts: 5}
		}
	})
}

// Wake tells the reconciler that work was committed. It never blocks.
func (r *Reconciler) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled, then finishes the round in flight
// (provisioner calls and the recording of their outcomes) and returns.
func (r *Reconciler) Run(ctx context.Context) error {
	r.init()
	purge := time.NewTicker(time.Hour)
	defer purge.Stop()
	r.purge()
	for ctx.Err() == nil {
		select { // due even while rounds follow each other
		case <-purge.C:
			r.purge()
		default:
		}
		o, err := r.round(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Error("provisioning round failed; retrying", "err", err)
			o = idle
		}
		switch o {
		case busy:
			continue
		case settledSome:
			select {
			case <-ctx.Done():
			case <-time.After(settleGap):
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-purge.C:
			r.purge()
		case <-time.After(r.idleWait(ctx)):
		}
	}
	return nil
}

func (r *Reconciler) purge() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.Store.Write(ctx, func(tx roster.Tx) error { return tx.PurgeExpired(ctx) }); err != nil {
		r.Log.Error("purge of expired statuses failed", "err", err)
	}
}

// idleWait is how long to sleep when there is nothing to do: until the
// next retry or lease expiry is due, at most a second.
func (r *Reconciler) idleWait(ctx context.Context) time.Duration {
	wait := time.Second
	_ = r.Store.Read(ctx, func(tx roster.Tx) error {
		at, ok, err := tx.NextDue(ctx)
		if err == nil && ok {
			wait = min(wait, max(time.Until(at), 5*time.Millisecond))
		}
		return nil
	})
	return wait
}

// RunOnce does one round of work without waiting: one slice of a
// propagation and one batch of due records. It reports whether there was
// work. Tests use it to step provisioning until nothing is left.
func (r *Reconciler) RunOnce(ctx context.Context) (bool, error) {
	r.init()
	o, err := r.round(ctx)
	return o != idle, err
}

// outcome is what a round found to do.
type outcome int

const (
	idle        outcome = iota // nothing
	settledSome                // only records of immediate aspects, fewer than a batch
	busy                       // a slice of a propagation, calls, or a full batch
)

// settleGap is the least time between two rounds that only settled
// records of immediate aspects (settledSome). Under a stream of client
// writes the next round then settles the records of the last few
// milliseconds' writes in one statement, where back-to-back rounds
// settled those of one or two writes each, at a round's cost on the
// single writer each time. A lone write is settled as soon as it wakes
// the reconciler; a stream's records settle at most this much later.
const settleGap = 5 * time.Millisecond

// round propagates a slice of a profile change and provisions one batch
// of due records; it reports what it found to do.
func (r *Reconciler) round(ctx context.Context) (outcome, error) {
	// The batches write the records of immediate aspects settled: they are
	// written once, not twice.
	propagated, err := r.Propagator.Propagate(ctx, r.Owner, r.Lease, r.immediate)
	if err != nil {
		return idle, fmt.Errorf("propagate: %w", err)
	}
	var jobs []roster.Aspect
	settled := 0
	claimedAt := time.Now()
	err = r.Store.Write(ctx, func(tx roster.Tx) (err error) {
		if settled, err = tx.SettleDue(ctx, r.immediate, r.Batch); err != nil {
			return err
		}
		jobs, err = tx.ClaimAspects(ctx, r.Owner, r.claimSize(), r.Lease)
		return err
	})
	switch {
	case err != nil && propagated:
		return busy, fmt.Errorf("claim: %w", err)
	case err != nil:
		return idle, fmt.Errorf("claim: %w", err)
	case len(jobs) > 0:
		// Outcomes are recorded even when shutting down, so no call is lost.
		return busy, r.provisionAll(context.WithoutCancel(ctx), jobs, claimedAt)
	case propagated || settled >= r.Batch:
		return busy, nil
	case settled > 0:
		return settledSome, nil
	}
	return idle, nil
}

// claimSize bounds a claim by how many calls can start within the start
// window at the pace of the last round's slowest call (the call timeout
// before any): a few waves when calls are slow, up to Batch when they are
// quick. Should calls slow down, the records left when the window closes
// are released unattempted (provisionAll).
func (r *Reconciler) claimSize() int {
	slowest := time.Duration(r.slowest.Load())
	if slowest <= 0 || slowest > r.CallTimeout {
		slowest = r.CallTimeout
	}
	waves := max(1, int(r.startWindow()/max(slowest, time.Millisecond)))
	return min(r.Batch, r.Concurrency*waves)
}

// startWindow is how long after a claim its calls may start: a call may
// take the whole call timeout and must still end with a quarter of the
// lease left to record its outcome. It is at least a quarter of the lease
// (the call timeout is at most half of it).
func (r *Reconciler) startWindow() time.Duration {
	return r.Lease*3/4 - r.CallTimeout
}

// flushEvery and flushSize bound how long a finished attempt waits to be
// recorded: outcomes are written together, but a slow call does not hold
// back the others.
const (
	flushEvery = 100 * time.Millisecond
	flushSize  = 64
)

// provisionAll runs the claimed records' provisioners, Concurrency at a
// time, and records their outcomes in groups as they finish. Calls start
// within the start window (the first wave always does); the records left
// are released unattempted.
func (r *Reconciler) provisionAll(ctx context.Context, jobs []roster.Aspect, claimedAt time.Time) error {
	results := make(chan roster.Attempt, len(jobs))
	go func() {
		sem := make(chan struct{}, r.Concurrency)
		var wg sync.WaitGroup
		var slowest atomic.Int64
		for i, a := range jobs {
			sem <- struct{}{}
			if i >= r.Concurrency && time.Since(claimedAt) > r.startWindow() {
				<-sem
				results <- roster.Attempt{Aspect: a, Outcome: roster.Outcome{Unattempted: true}}
				continue
			}
			wg.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				o := r.provision(a)
				maxInto(&slowest, int64(time.Since(start)))
				results <- roster.Attempt{Aspect: a, Outcome: o}
			})
		}
		wg.Wait()
		r.slowest.Store(slowest.Load())
		close(results)
	}()
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	var pending []roster.Attempt
	var errs []error
	for open := true; open; {
		ticked := false
		select {
		case f, ok := <-results:
			if open = ok; ok {
				pending = append(pending, f)
			}
		case <-tick.C:
			ticked = true
		}
		if len(pending) > 0 && (len(pending) >= flushSize || !open || ticked) {
			errs = append(errs, r.record(ctx, pending))
			pending = nil
		}
	}
	return errors.Join(errs...)
}

// record writes the outcomes of finished attempts in one transaction.
func (r *Reconciler) record(ctx context.Context, done []roster.Attempt) error {
	ctx, cancel := context.WithTimeout(ctx, r.Lease)
	defer cancel()
	// One order for every writer of these rows (account, user, aspect), so
	// transactions that lock several of them never deadlock.
	slices.SortFunc(done, func(a, b roster.Attempt) int {
		return cmp.Or(strings.Compare(a.Aspect.AccountID, b.Aspect.AccountID),
			strings.Compare(a.Aspect.UserID, b.Aspect.UserID), strings.Compare(a.Aspect.Name, b.Aspect.Name))
	})
	return r.Store.Write(ctx, func(tx roster.Tx) error { return tx.FinishAspects(ctx, r.Owner, done) })
}

func (r *Reconciler) provision(a roster.Aspect) (o roster.Outcome) {
	ctx, cancel := context.WithTimeout(context.Background(), r.CallTimeout)
	defer cancel()
	job := roster.Job{AccountID: a.AccountID, UserID: a.UserID, Aspect: a.Name, Action: a.Action,
		Version: a.DesiredVersion, Desired: a.Desired, Attempt: a.Attempts + 1, Worker: r.Owner}
	if a.Desired == nil && a.Provisioned == nil {
		// Removing what was never provisioned: nothing to undo.
		return roster.Outcome{Done: true}
	}
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("provisioner panicked", "aspect", a.Name, "userId", a.UserID, "panic", p)
			o = roster.Outcome{Failed: true, Message: "The provisioner failed unexpectedly"}
		}
	}()
	err := r.Provisioners.For(a.Name).Provision(ctx, job)
	if err == nil {
		return roster.Outcome{Done: true}
	}
	var pe *roster.ProvisionError
	if !errors.As(err, &pe) {
		pe = &roster.ProvisionError{Message: err.Error(), Temporary: true}
	}
	log := r.Log.With("accountId", a.AccountID, "userId", a.UserID, "aspect", a.Name, "attempt", job.Attempt)
	if !pe.Temporary || job.Attempt >= r.Retry.Attempts {
		log.Warn("provisioning failed", "message", pe.Message)
		return roster.Outcome{Failed: true, Message: pe.Message}
	}
	log.Info("provisioning will be retried", "message", pe.Message)
	return roster.Outcome{RetryAt: time.Now().Add(r.Retry.Delay(job.Attempt)), Message: pe.Message}
}
