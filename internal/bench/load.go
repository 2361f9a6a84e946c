// Package bench is roster's load generator: it drives a roster server
// (one it starts, or a running one) through HTTP scenarios and reports
// throughput, latency percentiles, errors and the server's peak memory.
package bench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one scenario measured.
type Result struct {
	Scenario    string  `json:"scenario"`
	Ops         int     `json:"ops"`
	Errors      int     `json:"errors"`
	Unfinished  int     `json:"unfinished"` // requests the end of the run cut off
	Seconds     float64 `json:"seconds"`
	OpsPerSec   float64 `json:"opsPerSec"`
	P50Ms       float64 `json:"p50Ms"`
	P99Ms       float64 `json:"p99Ms"`
	FirstError  string  `json:"firstError,omitempty"`
	PeakRSSMiB  float64 `json:"peakRssMiB,omitempty"`
	Note        string  `json:"note,omitempty"`
	DoneSeconds float64 `json:"doneSeconds,omitempty"` // propagate: PUT until all COMPLETED
}

// op is one request of a scenario; worker is the caller's number and i
// counts its calls. It returns an error for an unexpected answer; stop
// ends the scenario early (a pool ran dry).
type op func(ctx context.Context, worker, i int) (stop bool, err error)

// load runs op from c workers for d (or until ctx ends or an op stops it)
// and measures every call.
func load(ctx context.Context, name string, c int, d time.Duration, fn op) Result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     atomic.Int64
		cut      atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := range c {
		wg.Go(func() {
			var mine []time.Duration
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				stop, err := fn(ctx, w, i)
				if ctx.Err() != nil && err != nil {
					cut.Add(1) // cut off by the end of the run: shown, not timed
					return
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				if stop {
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := Result{Scenario: name, Ops: len(lat), Errors: int(errs.Load()), Unfinished: int(cut.Load()), Seconds: elapsed.Seconds()}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstError = s
	}
	r.OpsPerSec = float64(r.Ops) / elapsed.Seconds()
	r.P50Ms, r.P99Ms = percentile(lat, 0.50), percentile(lat, 0.99)
	return r
}

// percentile returns the q-th latency in milliseconds.
func percentile(lat []time.Duration, q float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	i := min(int(float64(len(lat))*q), len(lat)-1)
	return float64(lat[i].Microseconds()) / 1000
}
