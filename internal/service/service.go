// Package service holds roster's use-cases: creating and replacing users
// and profiles, carrying profile changes to users, and the statuses of
// provisioning. It owns the rules; storage only stores.
package service

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"time"

	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/roster"
)

// Service implements the use-cases over a Store.
type Service struct {
	store    roster.Store
	log      *slog.Logger
	hashCost password.Params
	// wake tells the reconciler that new provisioning work was committed.
	wake func()
}

// Config configures a Service.
type Config struct {
	Store    roster.Store
	Log      *slog.Logger
	HashCost password.Params
	Wake     func()
}

// New returns a Service.
func New(c Config) *Service {
	if c.Wake == nil {
		c.Wake = func() {}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.HashCost == (password.Params{}) {
		c.HashCost = password.Default
	}
	return &Service{store: c.Store, log: c.Log, hashCost: c.HashCost, wake: c.Wake}
}

// Ready reports whether the store answers.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is not reachable.", Err: err}
	}
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newCode6 returns six random upper-case letters.
func newCode6() string {
	var b [6]byte
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(26))
		b[i] = byte('A' + n.Int64())
	}
	return string(b[:])
}

// newDigits returns n random decimal digits, the first not zero.
func newDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + d.Int64())
	}
	if b[0] == '0' {
		b[0] = '7'
	}
	return string(b)
}

// checkVersion enforces If-Match: ifMatch holds the versions the client
// accepts (any of them matches), none when it sent no condition.
func checkVersion(ifMatch []int64, current int64) error {
	if len(ifMatch) == 0 || slices.Contains(ifMatch, current) {
		return nil
	}
	return roster.Errorf(roster.EPRECONDITION, "The resource has changed since you read it; GET it again and retry.")
}

// ListParams are the page parameters of a list.
type ListParams struct {
	Page, PageSize int
}

func (s *Service) now() time.Time { return time.Now().UTC() }
