package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// OpenPostgres connects to the PostgreSQL database of url (postgres://…).
// It does not migrate: see Open and Migrate.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", withConnectTimeout(dsn))
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: cannot reach the database: %w", err)
	}
	// Reads have a pool of their own, of two connections per CPU of this
	// replica (a read holds its connection while the replica decodes and
	// encodes too), 4 to 16: with the reads in the writes' pool, 16
	// concurrent GETs kept 16 PostgreSQL processes busy and each round
	// trip of a write (a propagation's batches, one after another) waited
	// behind all of them: propagating 10,000 users under the bench's 16
	// GETs took 1.07-1.24 s with a shared pool of 20, 0.76-0.93 s with 4
	// read connections of their own, which served as many GETs outside a
	// propagation (PostgreSQL on the same 2 CPUs).
	r, err := sql.Open("pgx", withConnectTimeout(dsn))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	n := min(max(4, 2*runtime.GOMAXPROCS(0)), 16)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{write: db, read: r, dialect: postgres, now: time.Now, closed: make(chan struct{})}, nil
}

// withConnectTimeout bounds how long opening a connection may take (5 s
// unless the URL says otherwise): a database that accepts TCP but never
// answers must not hang requests.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// workChannel is the PostgreSQL notification channel of new provisioning work.
const workChannel = "roster_work"

// Notify tells every replica listening on the database that provisioning
// work was committed. It never blocks; bursts coalesce into one
// notification. On SQLite (one process) it does nothing.
func (s *Store) Notify() {
	if s.dialect.name != "postgres" {
		return
	}
	s.notifyOnce.Do(func() {
		s.notifyCh = make(chan struct{}, 1)
		go s.notifyLoop()
	})
	select {
	case s.notifyCh <- struct{}{}:
	default:
	}
}

func (s *Store) notifyLoop() {
	for {
		select {
		case <-s.closed:
			return
		case <-s.notifyCh:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		// On failure the other replicas still find the work within a
		// second: their idle loop looks at the database at least that often.
		_, _ = s.write.ExecContext(ctx, `SELECT pg_notify('`+workChannel+`', '')`)
		cancel()
	}
}

// Listen calls wake whenever a replica notifies new work, until ctx ends.
// It holds one connection; when the connection breaks (the database
// restarts) it connects again. On SQLite it returns at once.
func (s *Store) Listen(ctx context.Context, wake func(), log *slog.Logger) {
	if s.dialect.name != "postgres" {
		return
	}
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		log.Warn("listening for provisioning work failed; retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *Store) listenOnce(ctx context.Context, wake func()) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, err := pc.Exec(ctx, `LISTEN `+workChannel); err != nil {
			return err
		}
		wake() // work may have been committed while nobody listened
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				return err
			}
			wake()
		}
	})
	// The connection is LISTENing or broken: never hand it back to the pool.
	conn.Raw(func(any) error { return driver.ErrBadConn })
	return err
}
