package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// server is a roster process the bench started on fresh storage.
type server struct {
	cmd     *exec.Cmd
	url     string
	token   string
	dataDir string
	cleanup func()
}

// startServer runs `<this binary> serve` on a fresh data directory, or a
// fresh schema of the PostgreSQL database at dbURL, with rate limits off.
func startServer(ctx context.Context, db, dbURL string, log io.Writer) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "roster-bench-")
	if err != nil {
		return nil, err
	}
	s := &server{token: "rst_" + randomHex(24), dataDir: dir, cleanup: func() { os.RemoveAll(dir) }}
	env := append(os.Environ(), "ROSTER_ADDR=127.0.0.1:0", "ROSTER_DATA_DIR="+dir, "ROSTER_BOOTSTRAP_TOKEN="+s.token,
		"ROSTER_RATE_ACCOUNT=0", "ROSTER_RATE_CREDENTIAL=0", "ROSTER_LOG_LEVEL=warn")
	if db == "postgres" {
		u, drop, err := freshSchema(ctx, dbURL)
		if err != nil {
			s.cleanup()
			return nil, err
		}
		prev := s.cleanup
		s.cleanup = func() { drop(); prev() }
		env = append(env, "ROSTER_DATABASE_URL="+u)
	}
	s.cmd = exec.Command(exe, "serve")
	s.cmd.Env, s.cmd.Stderr = env, log
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		s.cleanup()
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("the server did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	s.url = strings.TrimSpace(strings.TrimPrefix(line, "roster listening on "))
	return s, nil
}

// peakRSS is the server's peak resident memory so far, in MiB (Linux).
func (s *server) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cleanup()
}

// freshSchema creates a schema for one run and returns a URL that uses it
// and a function that drops it.
func freshSchema(ctx context.Context, base string) (string, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	schema := "bench_" + randomHex(6)
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", base, err)
	}
	drop := func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
