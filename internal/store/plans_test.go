package store

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// TestPlans: SQLite runs the queries whose indexes migration 0007 changed
// on the indexes they were written for: a login name's accounts probe each
// account's unique index on login names, and a profile's status reads the
// partial index of the records profiles caused. Either would return the
// same rows by reading a whole table, which only a plan shows.
func TestPlans(t *testing.T) {
	s := mustOpen(t, "sqlite")
	read(t, s, func(rtx roster.Tx) error {
		tx := rtx.(*Tx)
		for _, c := range []struct {
			name, query string
			args        []any
			want        []string
		}{
			{"AccountsWithLogin", accountsWithLogin, []any{"x", 1},
				[]string{"SCAN a", "SEARCH u USING INDEX ", " (account_id=? AND login_lower=?)"}},
			{"progressByAspect", progressByAspect, []any{"A", "P", 1}, []string{"INDEX aspects_cause (cause_profile=?)"}},
			{"progressUsers", progressUsers, []any{"A", "P", 1}, []string{"INDEX aspects_cause (cause_profile=?)"}},
			{"unsettledAny", unsettledAny, []any{"A", "P", 1}, []string{"INDEX aspects_cause (cause_profile=? AND state=?)"}},
			{"unsettledProbe", unsettledProbe, probeArgs(), []string{
				"INDEX aspects_cause (cause_profile=? AND state=? AND name=? AND cause_version>?)"}},
		} {
			plan := strings.Join(queryPlan(t, tx, c.query, c.args...), "\n")
			for _, w := range c.want {
				if !strings.Contains(plan, w) {
					t.Errorf("%s: the plan is\n%s\nwant a step with %q", c.name, plan, w)
				}
			}
			if c.name != "AccountsWithLogin" && strings.Contains(plan, "SCAN aspects") {
				t.Errorf("%s reads every record:\n%s", c.name, plan)
			}
		}
		return nil
	})
}

func probeArgs() []any {
	var args []any
	for range 2 * len(roster.AspectNames) {
		args = append(args, "A", "P", 1)
	}
	return args
}

// queryPlan returns the steps of SQLite's plan for the query.
func queryPlan(t *testing.T, tx *Tx, q string, args ...any) []string {
	t.Helper()
	rows, err := tx.query(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
