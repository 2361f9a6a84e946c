package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgtype"
)

func TestChunks(t *testing.T) {
	for _, c := range []struct {
		n, max int
		want   []int
	}{{0, 64, nil}, {1, 64, []int{1}}, {200, 64, []int{64, 64, 64, 8}}, {300, 256, []int{256, 32, 8, 4}}, {7, 4, []int{4, 2, 1}}} {
		if got := chunks(c.n, c.max); !slices.Equal(got, c.want) {
			t.Errorf("chunks(%d, %d) = %v, want %v", c.n, c.max, got, c.want)
		}
	}
}

// TestEachStatement: SQLite's rows go in chunks, PostgreSQL's at once.
func TestEachStatement(t *testing.T) {
	for d, want := range map[*dialect][][2]int{&sqlite: {{0, 64}, {64, 128}, {128, 192}, {192, 200}}, &postgres: {{0, 200}}} {
		var got [][2]int
		tx := &Tx{d: *d}
		_ = tx.eachStatement(200, 64, func(lo, hi int) error { got = append(got, [2]int{lo, hi}); return nil })
		if !slices.Equal(got, want) {
			t.Errorf("%s: statements of rows %v, want %v", d.name, got, want)
		}
		calls := 0
		_ = tx.eachStatement(0, 64, func(lo, hi int) error { calls++; return nil })
		if calls != 0 {
			t.Errorf("%s: %d statements for no rows", d.name, calls)
		}
	}
}

func TestTableSQL(t *testing.T) {
	types := []string{colText, colBigint}
	for _, c := range []struct {
		d    dialect
		n    int
		want string
	}{
		{sqlite, 2, "SELECT * FROM (VALUES (?, ?), (?, ?)) AS v WHERE v.column2 > ?"},
		{postgres, 2, "SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])) AS v(column1, column2) WHERE v.column2 > ?"},
		{postgres, 500, "SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])) AS v(column1, column2) WHERE v.column2 > ?"},
	} {
		if got := c.d.tableSQL("SELECT * FROM ", types, " WHERE v.column2 > ?", c.n); got != c.want {
			t.Errorf("%s, %d rows:\n got %s\nwant %s", c.d.name, c.n, got, c.want)
		}
	}
	if got, want := sqlite.inSQL("name", 3), "name IN (?, ?, ?)"; got != want {
		t.Errorf("sqlite inSQL = %q, want %q", got, want)
	}
	if got, want := postgres.inSQL("name", 3), "name = ANY(CAST(? AS text[]))"; got != want {
		t.Errorf("postgres inSQL = %q, want %q", got, want)
	}
}

func TestTableArgs(t *testing.T) {
	types := []string{colText, colBigint, colText}
	values := []any{"a", 1, nil, "b", int64(2), "x"}
	got, err := sqlite.tableArgs(types, values)
	if err != nil || !slices.Equal(got, values) {
		t.Errorf("sqlite: %v, %v; want the values as they are", got, err)
	}
	got, err = postgres.tableArgs(types, values)
	want := []any{
		[]pgtype.Text{{String: "a", Valid: true}, {String: "b", Valid: true}},
		[]int64{1, 2},
		[]pgtype.Text{{}, {String: "x", Valid: true}},
	}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("postgres: %v, %v; want columns %v", got, err, want)
	}
	for _, bad := range [][]any{{1, 1, "x"}, {"a", "1", "x"}, {"a", 1, []byte("x")}} {
		if _, err := postgres.tableArgs(types, bad); err == nil || !strings.Contains(err.Error(), "column") {
			t.Errorf("postgres %v: %v, want an error naming the column", bad, err)
		}
	}
	if got, want := postgres.inArgs([]string{"a", "b"}), []any{[]string{"a", "b"}}; !cmp.Equal(got, want) {
		t.Errorf("postgres inArgs = %v, want %v", got, want)
	}
	if got, want := sqlite.inArgs([]string{"a", "b"}), []any{"a", "b"}; !cmp.Equal(got, want) {
		t.Errorf("sqlite inArgs = %v, want %v", got, want)
	}
}
