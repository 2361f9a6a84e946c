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
