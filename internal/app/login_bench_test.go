package app

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
)

// BenchmarkLogin measures a password login with the production argon2id
// cost (m=19 MiB, t=2, p=1) on SQLite: a success, a wrong password and an
// unknown login, which must cost the same. It reports the median as p50-ms.
func BenchmarkLogin(b *testing.B) {
	ctx := context.Background()
	a := benchApp(b, "sqlite")
	in := benchUser(0, "")
	in.Password = "Bench!Passw0rd"
	if _, err := a.Service.CreateUser(ctx, "ABCDEF", in); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, login, pw string
		want            string
	}{
		{"success", in.LoginID, in.Password, ""},
		{"wrong-password", in.LoginID, "Wrong!Passw0rd", roster.EUNAUTHORIZED},
		{"unknown-login", "", in.Password, roster.EUNAUTHORIZED},
	} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			for i := 0; b.Loop(); i++ {
				if i%4 == 3 && c.want != "" {
					// Stay under the lockout threshold: a success resets it.
					a.Service.Login(ctx, "ABCDEF", service.LoginInput{LoginID: in.LoginID, Password: in.Password})
				}
				login := c.login
				if login == "" {
					login = fmt.Sprintf("nobody%d@example.com", i) // each fails once: no lockout
				}
				start := time.Now()
				_, err := a.Service.Login(ctx, "ABCDEF", service.LoginInput{LoginID: login, Password: c.pw})
				times = append(times, time.Since(start))
				if roster.ErrorCode(err) != c.want {
					b.Fatalf("login = %v, want %q", err, c.want)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		})
	}
}
