package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// TestListUsersPages: every page of name filters, in both directions,
// holds the users a plain filter and sort in Go finds, whether SQLite
// walks the index in login order (the first pages of a common name), sorts
// the matches (a rare name, a page far from the first) or walks and falls
// short (matches that all come late in login order), then sorts.
func TestListUsersPages(t *testing.T) { forEachDB(t, testListUsersPages) }

type listCase struct {
	name  string
	where *roster.Condition
	match func(u *roster.User) bool
}

func testListUsersPages(t *testing.T, s *Store) {
	ctx := context.Background()
	users := listFixture(t, s)
	eq := func(key, v string) *roster.Condition {
		return &roster.Condition{Key: key, Operator: roster.OpEquals, Value: v}
	}
	join := func(l *roster.Condition, op string, r *roster.Condition) *roster.Condition {
		return &roster.Condition{Left: l, Join: op, Right: r}
	}
	cases := []listCase{
		{"common", eq("lastName", "Common"), func(u *roster.User) bool { return u.LastName == "Common" }},
		{"prefix", &roster.Condition{Key: "lastName", Operator: roster.OpStartsWith, Value: "co"},
			func(u *roster.User) bool { return strings.HasPrefix(u.LastName, "Co") }},
		{"late", eq("lastName", "Late"), func(u *roster.User) bool { return u.LastName == "Late" }},
		{"rare", eq("lastName", "Rare"), func(u *roster.User) bool { return u.LastName == "Rare" }},
		{"not common", &roster.Condition{Key: "lastName", Operator: roster.OpNotEquals, Value: "common"},
			func(u *roster.User) bool { return u.LastName != "Common" }},
		{"and", join(eq("firstName", "Ann"), "AND", eq("lastName", "Common")),
			func(u *roster.User) bool { return u.FirstName == "Ann" && u.LastName == "Common" }},
		{"or", join(eq("lastName", "Rare"), "OR", eq("firstName", "Bob")),
			func(u *roster.User) bool { return u.LastName == "Rare" || u.FirstName == "Bob" }},
	}
	for _, c := range cases {
		for _, desc := range []bool{false, true} {
			want := listExpected(users, c.match, desc)
			for page := 1; page <= len(want)/100+2; page++ {
				f := roster.UserFilter{Where: c.where, Page: page, PageSize: 100, Desc: desc}
				read(t, s, func(tx roster.Tx) error {
					p, err := tx.ListUsers(ctx, "LISTS", f)
					got := []string{}
					for _, u := range p.Items {
						got = append(got, u.ID)
					}
					end := min(page*100, len(want))
					if wantPage := want[min((page-1)*100, end):end]; err != nil || p.Total != len(want) || !cmp.Equal(got, wantPage) {
						t.Errorf("%s, desc %v, page %d: total %d, %v; want total %d, diff (-want +got):\n%s",
							c.name, desc, page, p.Total, err, len(want), cmp.Diff(wantPage, got))
					}
					return nil
				})
			}
		}
	}
	if s.dialect.loginWalk {
		checkWalks(t, s, cases)
	}
}

// checkWalks checks that the cases above take each way on SQLite.
func checkWalks(t *testing.T, s *Store, cases []listCase) {
	ctx := context.Background()
	read(t, s, func(tx roster.Tx) error {
		for _, w := range []struct {
			c          listCase
			page       int
			walk, full bool
			desc       bool
		}{
			{cases[0], 1, true, true, false}, // Common: the 100th of 418 comes ~110th; the walk stops at 388, twice 100 × 810 rowids (both accounts) / 418
			{cases[0], 2, true, true, false},
			{cases[0], 3, false, false, false}, // expected ~580 entries, more than the 418 matches
			// In descending order the 300 Late users come first: the
			// 100th Common is ~410th, past twice the expected length.
			{cases[0], 1, true, false, true},
			{cases[2], 1, true, false, false}, // Late, ascending: none among the first 300
			{cases[2], 1, true, true, true},
			{cases[3], 1, false, false, false}, // Rare: 3 matches
		} {
			f := roster.UserFilter{Where: w.c.where, Page: w.page, PageSize: 100, Desc: w.desc}
			p, err := tx.(*Tx).countUsers(ctx, "LISTS", f)
			if err != nil {
				return err
			}
			walk, err := tx.(*Tx).loginWalk(ctx, f, p.Total)
			if err != nil || (walk > 0) != w.walk {
				t.Errorf("%s, page %d, desc %v: walk %d, %v; want a walk: %v", w.c.name, w.page, w.desc, walk, err, w.walk)
				continue
			}
			if walk > 0 {
				if full, err := tx.(*Tx).walkUsers(ctx, &p, "LISTS", f, walk); err != nil || full != w.full {
					t.Errorf("%s, page %d, desc %v: the walk filled the page: %v, %v; want %v", w.c.name, w.page, w.desc, full, err, w.full)
				}
				checkWalkEnds(t, tx.(*Tx), f, walk)
			}
		}
		return nil
	})
}

// checkWalkEnds checks that SQLite ends the walk at its bound, rather
// than reading on to the end of the account and dropping what is past it:
// a walk that falls short returns the same page either way.
func checkWalkEnds(t *testing.T, tx *Tx, f roster.UserFilter, depth int) {
	t.Helper()
	q, args := walkQuery("LISTS", f, depth)
	plan := queryPlan(t, tx, q, append(args, 100, 0)...)
	want := map[bool]string{false: "(account_id=? AND login_lower<?)", true: "(account_id=? AND login_lower>?)"}[f.Desc]
	if len(plan) == 0 || !strings.HasSuffix(plan[0], "USING INDEX users_login_order "+want) {
		t.Errorf("desc %v: the walk's plan is %q; want its first step to search users_login_order %s", f.Desc, plan, want)
	}
}

// listFixture creates 750 users: logins in an order unlike their ids, 418
// named Common, 300 named Late whose logins come after everyone else's,
// 3 named Rare; and 60 users of another account, written before and
// after them.
func listFixture(t *testing.T, s *Store) []*roster.User {
	ctx := context.Background()
	var users []*roster.User
	for i := range 750 {
		n := i * 7919 % 450
		u := &roster.User{AccountID: "LISTS", ID: fmt.Sprintf("id-%04d", i), OrganizationNodeID: "LISTS",
			LoginID: fmt.Sprintf("u%04d@example.com", n), FirstName: []string{"Ann", "Bob", "Cy"}[i%3], LastName: "Other"}
		switch {
		case i >= 450:
			u.LoginID, u.LastName = fmt.Sprintf("z%04d@example.com", i), "Late"
		case i < 3:
			u.LastName = "Rare"
		case n%15 < 14:
			u.LastName = "Common"
		case n%15 == 14:
			u.LastName = "Cosy"
		}
		users = append(users, u)
	}
	// Another account's users, named Common and Late too, with logins
	// among this account's: a walk of one account never sees them.
	var others []*roster.User
	for i := range 60 {
		others = append(others, &roster.User{AccountID: "OTHERS", ID: fmt.Sprintf("id-%04d", i), OrganizationNodeID: "OTHERS",
			LoginID: fmt.Sprintf("u%04d@example.com", i*7), FirstName: "Ann", LastName: []string{"Common", "Late"}[i%2]})
	}
	write(t, s, func(tx roster.Tx) error {
		for _, a := range []string{"LISTS", "OTHERS"} {
			if err := tx.CreateAccount(ctx, &roster.Account{ID: a, Name: a}, "p"); err != nil {
				return err
			}
		}
		for _, u := range append(others[:30:30], append(users, others[30:]...)...) {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	return users
}

// listExpected returns the ids of the users that match, in login order.
func listExpected(users []*roster.User, match func(*roster.User) bool, desc bool) []string {
	var in []*roster.User
	for _, u := range users {
		if match(u) {
			in = append(in, u)
		}
	}
	slices.SortFunc(in, func(a, b *roster.User) int {
		if desc {
			a, b = b, a
		}
		return strings.Compare(strings.ToLower(a.LoginID), strings.ToLower(b.LoginID))
	})
	ids := []string{}
	for _, u := range in {
		ids = append(ids, u.ID)
	}
	return ids
}
