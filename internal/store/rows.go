package store

import (
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
)

// Statements over many rows. SQLite takes the rows as placeholders, a
// group per row, so a batch of n rows runs as a few statements whose sizes
// are powers of two (n = 200 is 128 + 64 + 8) and each statement has one
// of a few texts, prepared once as single-row ones are. PostgreSQL takes
// one array per column instead (dialect.arrays): one text for any number
// of rows, and one round trip for a whole batch, which is what a batch
// costs there when the CPUs are busy (each round trip waits for one).

// Column types of the rows of a table (see tableSQL): PostgreSQL's names.
const (
	colText   = "text"   // a string, or nil for NULL
	colBigint = "bigint" // an int or int64
)

// chunks splits n rows into runs of powers of two of at most max rows,
// largest first.
func chunks(n, max int) []int {
	var out []int
	for n > 0 {
		k := max
		for k > n {
			k /= 2
		}
		out = append(out, k)
		n -= k
	}
	return out
}

// eachChunk calls fn with the bounds of each chunk of n rows.
func eachChunk(n, max int, fn func(lo, hi int) error) error {
	lo := 0
	for _, k := range chunks(n, max) {
		if err := fn(lo, lo+k); err != nil {
			return err
		}
		lo += k
	}
	return nil
}

// eachStatement calls fn with the bounds of each statement's rows of n
// sent as a table (tableSQL) or a list (inSQL): chunks of at most max on
// SQLite, all n at once on PostgreSQL.
func (t *Tx) eachStatement(n, max int, fn func(lo, hi int) error) error {
	if !t.d.arrays {
		return eachChunk(n, max, fn)
	}
	if n == 0 {
		return nil
	}
	return fn(0, n)
}

type textKey struct {
	head, item, tail string
	n                int
}

var multiTexts sync.Map // textKey → string

// multi is head, then item repeated n times with commas between, then
// tail, made once per key.
func multi(head, item, tail string, n int) string {
	k := textKey{head, item, tail, n}
	if q, ok := multiTexts.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	b.Grow(len(head) + n*(len(item)+2) + len(tail))
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(item)
	}
	b.WriteString(tail)
	q, _ := multiTexts.LoadOrStore(k, b.String())
	return q.(string)
}

// tableSQL is head, then n rows of the column types as a table named v
// (columns column1, column2, …), then tail. Its arguments are tableArgs'.
func (d dialect) tableSQL(head string, types []string, tail string, n int) string {
	if !d.arrays {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(types)), ", ") + ")"
		return multi(head+"(VALUES ", row, ") AS v"+tail, n)
	}
	cols := make([]string, len(types))
	names := make([]string, len(types))
	for i, typ := range types {
		cols[i], names[i] = "CAST(? AS "+typ+"[])", fmt.Sprintf("column%d", i+1)
	}
	return multi(head+"unnest(", strings.Join(cols, ", "), ") AS v("+strings.Join(names, ", ")+")"+tail, 1)
}

// tableArgs are the arguments of tableSQL's table, from the rows' values
// one row after another: as they are on SQLite, one array per column on
// PostgreSQL.
func (d dialect) tableArgs(types []string, values []any) ([]any, error) {
	if !d.arrays {
		return values, nil
	}
	n := len(values) / len(types)
	out := make([]any, len(types))
	for c, typ := range types {
		var err error
		if typ == colBigint {
			out[c], err = bigints(values, c, len(types), n)
		} else {
			out[c], err = texts(values, c, len(types), n)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bigints is column c of n rows of width w.
func bigints(values []any, c, w, n int) ([]int64, error) {
	col := make([]int64, n)
	for r := range n {
		switch v := values[r*w+c].(type) {
		case int64:
			col[r] = v
		case int:
			col[r] = int64(v)
		default:
			return nil, fmt.Errorf("store: %T in bigint column %d", v, c+1)
		}
	}
	return col, nil
}

// texts is column c of n rows of width w; nil is NULL.
func texts(values []any, c, w, n int) ([]pgtype.Text, error) {
	col := make([]pgtype.Text, n)
	for r := range n {
		switch v := values[r*w+c].(type) {
		case string:
			col[r] = pgtype.Text{String: v, Valid: true}
		case nil:
		default:
			return nil, fmt.Errorf("store: %T in text column %d", v, c+1)
		}
	}
	return col, nil
}

// inSQL is "col is one of n texts"; its arguments are inArgs'.
func (d dialect) inSQL(col string, n int) string {
	if d.arrays {
		return col + " = ANY(CAST(? AS text[]))"
	}
	return multi(col+" IN (", "?", ")", n)
}

// inArgs are the arguments of inSQL.
func (d dialect) inArgs(values []string) []any {
	if d.arrays {
		return []any{values}
	}
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}
