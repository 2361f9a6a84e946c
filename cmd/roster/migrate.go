package main

import (
	"context"
	"fmt"
	"io"

	"github.com/roster-cc/roster/internal/app"
	"github.com/roster-cc/roster/internal/store"
)

// migrate runs `roster migrate status|up|down` against the configured
// database (ROSTER_DATABASE_URL, else SQLite under ROSTER_DATA_DIR).
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 || (args[0] != store.MigrateStatus && args[0] != store.MigrateUp && args[0] != store.MigrateDown) {
		return fmt.Errorf("usage: roster migrate status|up|down")
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	var s *store.Store
	if cfg.DatabaseURL != "" {
		s, err = store.OpenPostgres(ctx, cfg.DatabaseURL)
	} else {
		s, err = store.OpenSQLite(ctx, cfg.DataDir, app.NewLogger(cfg, stderr))
	}
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Migrate(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d (this roster knows up to %d)\n", st.Current, st.Known)
	if st.Current > st.Known {
		fmt.Fprintln(stdout, "the database is newer than this roster: run the newer roster (or its `migrate down`) before this one")
	}
	return nil
}
