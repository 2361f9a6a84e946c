package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// Migration directions.
const (
	MigrateUp     = "up"     // apply every migration not applied yet
	MigrateDown   = "down"   // undo the latest applied migration
	MigrateStatus = "status" // change nothing
)

// MigrationState is the schema version of a database and of this program.
type MigrationState struct {
	Current int // applied to the database
	Known   int // the newest this program has
}

type migration struct {
	version  int
	up, down string
}

// loadMigrations reads the dialect's embedded migrations, NNNN_name.up.sql
// and NNNN_name.down.sql, in version order.
func (s *Store) loadMigrations() ([]migration, error) {
	dir := "migrations/" + s.dialect.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		name := e.Name()
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migrate: bad migration name %q", name)
		}
		body, err := migrations.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		m := byVersion[v]
		if m == nil {
			m = &migration{version: v}
			byVersion[v] = m
		}
		switch {
		case strings.HasSuffix(name, ".up.sql"):
			m.up = string(body)
		case strings.HasSuffix(name, ".down.sql"):
			m.down = string(body)
		}
	}
	var out []migration
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrationLock is the PostgreSQL advisory lock key that serializes
// migrations of replicas starting at the same time.
const migrationLock = 7_262_773_411

// Migrate moves the schema in the direction ("up", "down" or "status") and
// returns the state after it. Up and down refuse a database newer than this
// program knows: an older roster must not run on a newer schema. Replicas
// migrating at once take turns (PostgreSQL advisory lock); the later ones
// find the work done.
func (s *Store) Migrate(ctx context.Context, direction string) (MigrationState, error) {
	if s.dialect.name == "postgres" {
		conn, err := s.write.Conn(ctx)
		if err != nil {
			return MigrationState{}, s.wrap(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return MigrationState{}, s.wrap(err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	return s.migrate(ctx, direction)
}

func (s *Store) migrate(ctx context.Context, direction string) (MigrationState, error) {
	var st MigrationState
	all, err := s.loadMigrations()
	if err != nil {
		return st, err
	}
	if len(all) > 0 {
		st.Known = all[len(all)-1].version
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return st, fmt.Errorf("migrate: %w", s.wrap(err))
	}
	if err := s.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&st.Current); err != nil {
		return st, fmt.Errorf("migrate: %w", s.wrap(err))
	}
	if direction == MigrateStatus {
		return st, nil
	}
	if st.Current > st.Known {
		return st, fmt.Errorf("the database schema is version %d but this roster knows only up to %d: run a newer roster", st.Current, st.Known)
	}
	switch direction {
	case MigrateUp:
		for _, m := range all {
			if m.version > st.Current {
				if err := s.applyMigration(ctx, m.version-1, m.up, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, ms(s.now())); err != nil {
					return st, fmt.Errorf("migrate up to %d: %w", m.version, err)
				}
				st.Current = m.version
			}
		}
	case MigrateDown:
		for i := len(all) - 1; i >= 0; i-- {
			if m := all[i]; m.version == st.Current {
				if err := s.applyMigration(ctx, m.version, m.down, `DELETE FROM schema_migrations WHERE version = ?`, m.version); err != nil {
					return st, fmt.Errorf("migrate down from %d: %w", m.version, err)
				}
				st.Current = 0
				if i > 0 {
					st.Current = all[i-1].version
				}
				break
			}
		}
	default:
		return st, fmt.Errorf("migrate: unknown direction %q (up, down, status)", direction)
	}
	return st, nil
}

// applyMigration runs a migration's SQL and records it, in one transaction,
// if the schema is still at version from: another process starting at the
// same time may have done it already (SQLite's write transaction and
// PostgreSQL's advisory lock make the check and the change one step).
func (s *Store) applyMigration(ctx context.Context, from int, body, record string, args ...any) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if current != from {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.dialect.rebind(record), args...); err != nil {
		return err
	}
	return tx.Commit()
}
