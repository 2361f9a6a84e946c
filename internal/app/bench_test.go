package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// benchApp wires a roster on a fresh SQLite directory or PostgreSQL schema.
func benchApp(b *testing.B, backend string) *App { return benchAppT(b, backend) }

func benchAppT(b testing.TB, backend string) *App {
	b.Helper()
	cfg := Defaults
	cfg.DataDir = b.TempDir()
	if backend == "postgres" {
		cfg.DatabaseURL = dbtest.PostgresURL(b)
	}
	a, err := New(context.Background(), cfg, io.Discard, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if _, err := a.Service.CreateAccount(context.Background(), service.AccountInput{AccountID: "ABCDEF", Name: "Bench"}); err != nil {
		b.Fatal(err)
	}
	return a
}

func benchUser(i int, profile string) roster.UserInput {
	var f roster.Features
	json.Unmarshal([]byte(`{"voice": {"autoAnswer": true}}`), &f)
	return roster.UserInput{OrganizationNodeID: "ABCDEF", LoginID: fmt.Sprintf("u%d@example.com", i), FirstName: "Bench",
		LastName: "User", ProfileID: profile, Roles: []string{"Agent"}, Features: f}
}

// BenchmarkUserCRUD measures the service's create, get and replace of a
// user (no HTTP), one at a time, on each database.
func BenchmarkUserCRUD(b *testing.B) {
	ctx := context.Background()
	for _, backend := range dbtest.Backends() {
		a := benchApp(b, backend)
		var ids []string
		b.Run("create/"+backend, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				res, err := a.Service.CreateUser(ctx, "ABCDEF", benchUser(len(ids), ""))
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, res.View.ID)
			}
		})
		b.Run("get/"+backend, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := a.Service.GetUser(ctx, "ABCDEF", ids[i%len(ids)], false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("replace/"+backend, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				in := benchUser(i%len(ids), "")
				in.FirstName = fmt.Sprintf("Name%d", i%2)
				if _, err := a.Service.ReplaceUser(ctx, "ABCDEF", ids[i%len(ids)], in, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateConcurrent measures creates (no HTTP) made 16 at a time,
// as `roster bench create` makes them, with the reconciler settling their
// records: on SQLite, how many the committer gets through (group commit,
// checkpoints).
func BenchmarkCreateConcurrent(b *testing.B) {
	for _, backend := range dbtest.Backends() {
		b.Run(backend, func(b *testing.B) {
			a := benchApp(b, backend)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- a.Reconciler.Run(ctx) }()
			defer func() { cancel(); <-done }()
			var n atomic.Int64
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // goroutines per CPU
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					in := benchUser(int(n.Add(1)), "")
					in.Features = nil
					if _, err := a.Service.CreateUser(ctx, "ABCDEF", in); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
		})
	}
}

// BenchmarkPropagate10k measures one profile change over 10,000 users,
// from the PUT until every user's provisioning is done (local provisioner).
func BenchmarkPropagate10k(b *testing.B) {
	ctx := context.Background()
	for _, backend := range dbtest.Backends() {
		b.Run(backend, func(b *testing.B) {
			a := benchApp(b, backend)
			p, err := a.Service.CreateProfile(ctx, "ABCDEF", roster.ProfileInput{ProfileName: "P", Roles: []string{"Agent"}})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 10000 {
				if _, err := a.Service.CreateUser(ctx, "ABCDEF", benchUser(i, p.Profile.ID)); err != nil {
					b.Fatal(err)
				}
			}
			drain(b, a)
			for i := 0; b.Loop(); i++ {
				roles := []string{"Agent", "Reporting"}[:2-i%2] // every iteration changes the role
				if _, err := a.Service.ReplaceProfile(ctx, "ABCDEF", p.Profile.ID, roster.ProfileInput{ProfileName: "P", Roles: roles}, nil); err != nil {
					b.Fatal(err)
				}
				drain(b, a)
			}
		})
	}
}

func drain(b *testing.B, a *App) {
	for {
		worked, err := a.Reconciler.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if !worked {
			return
		}
	}
}
