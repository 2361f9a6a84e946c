package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roster-cc/roster/internal/password"
)

// Config is one run of the bench.
type Config struct {
	Target      string        // a running roster's URL; empty: start one
	Token       string        // the operator token for Target
	DB          string        // sqlite or postgres, for a started server
	DatabaseURL string        // the PostgreSQL server for --db postgres
	Concurrency int           // requests in flight
	Duration    time.Duration // per scenario
	Users       int           // propagate: users on the profile
	Pool        int           // users created to read and replace
	Scenarios   []string      // in order
	JSON        string        // also write the results here
}

// All is every scenario, in the order a full run takes them.
var All = []string{"baseline", "argon2id", "create", "create-password", "get", "replace", "list", "search", "mixed", "delete", "propagate"}

// Report is a run's results, as printed and as written with --json.
type Report struct {
	Started     time.Time `json:"started"`
	Target      string    `json:"target"`
	DB          string    `json:"db"`
	Concurrency int       `json:"concurrency"`
	Duration    string    `json:"duration"`
	CPUs        int       `json:"cpus"`
	Results     []Result  `json:"results"`
	targeted    bool      // the run measured a running server (--target)
}

// Run runs the scenarios and prints the table to out.
func Run(ctx context.Context, cfg Config, out, log io.Writer) error {
	for _, s := range cfg.Scenarios {
		if !slices.Contains(All, s) {
			return fmt.Errorf("unknown scenario %q; the scenarios are %s", s, strings.Join(All, ", "))
		}
	}
	rn := &runner{cfg: cfg, log: log, rep: &Report{Started: time.Now().UTC(), Target: cfg.Target, DB: cfg.DB,
		Concurrency: cfg.Concurrency, Duration: cfg.Duration.String(), CPUs: runtime.NumCPU()}}
	if cfg.Target != "" {
		rn.rep.DB, rn.rep.targeted = "(running server)", true
	}
	defer rn.stopServer()
	for _, name := range cfg.Scenarios {
		r, err := rn.run(ctx, name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rn.rep.Results = append(rn.rep.Results, r)
		fmt.Fprintf(log, "%s: %.0f ops/s, p99 %.1f ms, %d errors\n", name, r.OpsPerSec, r.P99Ms, r.Errors)
	}
	rn.rep.print(out)
	if cfg.JSON != "" {
		b, _ := json.MarshalIndent(rn.rep, "", "  ")
		return os.WriteFile(cfg.JSON, append(b, '\n'), 0o644)
	}
	return nil
}

// runner holds a run's state: the server it started (if any) and the
// fixtures on it.
type runner struct {
	cfg Config
	log io.Writer
	rep *Report
	srv *server
	f   *fixtures
}

// run runs one scenario. propagate gets a server of its own (when the
// bench starts them), so that its peak memory is its own.
func (rn *runner) run(ctx context.Context, name string) (Result, error) {
	switch name {
	case "baseline":
		return baseline(ctx, rn.cfg)
	case "argon2id":
		return hashing(ctx, rn.cfg), nil
	}
	if name == "propagate" && rn.srv != nil {
		rn.stopServer()
	}
	if rn.f == nil {
		pool := rn.cfg.Pool
		if name == "propagate" {
			pool = 1
		}
		if err := rn.connect(ctx, pool); err != nil {
			return Result{}, err
		}
	}
	r, err := rn.measure(ctx, name)
	r.Scenario = name
	if rn.srv != nil {
		r.PeakRSSMiB = rn.srv.peakRSS()
	}
	return r, err
}

// connect starts a server (or takes the target) and sets up the fixtures.
func (rn *runner) connect(ctx context.Context, pool int) error {
	base, token := rn.cfg.Target, rn.cfg.Token
	if base == "" {
		srv, err := startServer(ctx, rn.cfg.DB, rn.cfg.DatabaseURL, rn.log)
		if err != nil {
			return err
		}
		rn.srv, base, token = srv, srv.url, srv.token
		rn.rep.Target = srv.url
	}
	rn.f = &fixtures{c: newClient(base, token, rn.cfg.Concurrency), run: randomHex(3)}
	return rn.f.setup(ctx, pool, rn.cfg.Concurrency)
}

func (rn *runner) measure(ctx context.Context, name string) (Result, error) {
	f, c := rn.f, rn.cfg.Concurrency
	switch name {
	case "propagate":
		return f.propagate(ctx, rn.cfg.Users, c)
	case "delete":
		if len(f.dead) == 0 {
			var err error
			if f.dead, err = f.createMany(ctx, rn.cfg.Pool*5, c, "d", ""); err != nil {
				return Result{}, err
			}
		}
	}
	return load(ctx, name, c, rn.cfg.Duration, f.scenarios()[name]), nil
}

func (rn *runner) stopServer() {
	if rn.srv != nil {
		rn.srv.stop()
		rn.srv, rn.f = nil, nil
	}
}

// baseline measures a bare net/http JSON handler in this process: what
// the machine can do at all, to read the other figures against.
func baseline(ctx context.Context, cfg Config) (Result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"userId": "0585aad8-decd-402c-b13f-bc05bd989fca", "loginId": "alex@example.com"})
	})}
	go hs.Serve(ln)
	defer hs.Close()
	c := newClient("http://"+ln.Addr().String(), "", cfg.Concurrency)
	r := load(ctx, "baseline", cfg.Concurrency, cfg.Duration, func(ctx context.Context, w, i int) (bool, error) {
		return false, c.call(ctx, "GET", "/", nil, 200, nil)
	})
	r.Note = "bare net/http JSON handler, same process as the load"
	return r, nil
}

// hashing measures argon2id hashes at roster's cost (password.Default),
// GOMAXPROCS at a time as the server runs them (its hash slots), in this
// process: the most that create-password can reach on this machine. A full
// run takes it before the server starts, on a quiet machine, so that the
// ratio it gives create-password is not flattered by a busy one.
func hashing(ctx context.Context, cfg Config) Result {
	slots := runtime.GOMAXPROCS(0)
	r := load(ctx, "argon2id", slots, cfg.Duration, func(context.Context, int, int) (bool, error) {
		_, err := password.Hash("Bench!Passw0rd", password.Default)
		return false, err
	})
	r.Note = fmt.Sprintf("argon2id (m=%d KiB, t=%d, p=%d), %d at a time, in the bench's process",
		password.Default.Memory, password.Default.Time, password.Default.Threads, slots)
	return r
}

func (rep *Report) print(out io.Writer) {
	fmt.Fprintf(out, "roster bench: %s, -c %d, -d %s, %d CPUs, %s\n\n", rep.DB, rep.Concurrency, rep.Duration, rep.CPUs,
		rep.Started.Format(time.RFC3339))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tops\tops/s\tp50 ms\tp99 ms\terrors\tcut off\tdone s\tpeak RSS MiB\t")
	for _, r := range rep.Results {
		done, rss := "", ""
		if r.DoneSeconds > 0 {
			done = fmt.Sprintf("%.2f", r.DoneSeconds)
		}
		if r.PeakRSSMiB > 0 {
			rss = fmt.Sprintf("%.0f", r.PeakRSSMiB)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%d\t%d\t%s\t%s\t\n", r.Scenario, r.Ops, r.OpsPerSec, r.P50Ms, r.P99Ms,
			r.Errors, r.Unfinished, done, rss)
	}
	tw.Flush()
	for _, r := range rep.Results {
		if r.FirstError != "" {
			fmt.Fprintf(out, "%s: first error: %s\n", r.Scenario, r.FirstError)
		}
		if r.Note != "" && r.Scenario == "propagate" {
			fmt.Fprintf(out, "%s: %s\n", r.Scenario, r.Note)
		}
	}
	// With --target the argon2id row measured this machine, not the server's.
	if ratio, ok := rep.ratio("create-password", "argon2id"); ok && !rep.targeted {
		fmt.Fprintf(out, "create-password: %.0f%% of what argon2id allows on this machine (the argon2id row)\n", ratio*100)
	}
}

// ratio is scenario a's ops/s over scenario b's, when both ran.
func (rep *Report) ratio(a, b string) (float64, bool) {
	var x, y float64
	for _, r := range rep.Results {
		switch r.Scenario {
		case a:
			x = r.OpsPerSec
		case b:
			y = r.OpsPerSec
		}
	}
	return x / y, x > 0 && y > 0
}
