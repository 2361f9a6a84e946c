package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/roster"
)

// BenchmarkUserWriteRead measures the store's write of a new user (one
// transaction) and its read by id (one snapshot), on each database.
func BenchmarkUserWriteRead(b *testing.B) {
	ctx := context.Background()
	for _, backend := range dbtest.Backends() {
		s := mustOpen(b, backend)
		err := s.Write(ctx, func(tx roster.Tx) error {
			return tx.CreateAccount(ctx, &roster.Account{ID: "BENCHS", Name: "Bench"}, "provider")
		})
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		b.Run("write/"+backend, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("user-%d", len(ids))
				u := &roster.User{ID: id, AccountID: "BENCHS", OrganizationNodeID: "BENCHS", LoginID: id + "@example.com",
					FirstName: "Bench", LastName: "User", Roles: []string{"Agent"}}
				if err := s.Write(ctx, func(tx roster.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, id)
			}
		})
		b.Run("read/"+backend, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				err := s.Read(ctx, func(tx roster.Tx) error {
					_, err := tx.GetUser(ctx, "BENCHS", ids[i%len(ids)])
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListUsers measures a page of 100 users filtered by a last-name
// prefix that matches 11% of an account of 50,000, in login order: the
// bench tool's list scenario, on the store alone.
func BenchmarkListUsers(b *testing.B) {
	ctx := context.Background()
	for _, backend := range dbtest.Backends() {
		s := mustOpen(b, backend)
		if err := s.Write(ctx, func(tx roster.Tx) error {
			return tx.CreateAccount(ctx, &roster.Account{ID: "BENCHL", Name: "Bench"}, "provider")
		}); err != nil {
			b.Fatal(err)
		}
		for chunk := range 50 {
			err := s.Write(ctx, func(tx roster.Tx) error {
				for i := range 1000 {
					n := chunk*1000 + i
					id := fmt.Sprintf("user-%05d", n)
					u := &roster.User{ID: id, AccountID: "BENCHL", OrganizationNodeID: "BENCHL",
						LoginID:   fmt.Sprintf("l%08x@example.com", uint32(n)*2654435761),
						FirstName: "Bench", LastName: fmt.Sprintf("User%d", n*7919%100), Roles: []string{"Agent"}}
					if err := tx.CreateUser(ctx, u); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		f := roster.UserFilter{Where: &roster.Condition{Key: "lastName", Operator: roster.OpStartsWith, Value: "User1"},
			Page: 1, PageSize: 100}
		b.Run(backend, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				err := s.Read(ctx, func(tx roster.Tx) error {
					p, err := tx.ListUsers(ctx, "BENCHL", f)
					if err == nil && (len(p.Items) != 100 || p.Total != 5500) {
						err = fmt.Errorf("page of %d, total %d", len(p.Items), p.Total)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
