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
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
	wake     func()
	tokenTTL time.Duration
	lockout  Lockout
	// dummyHash is verified for logins without a user or password, so
	// that they cost what a wrong password costs.
	dummyHash     string
	verifications atomic.Int64
	clock         func() time.Time
	// hashSlots bounds the argon2id runs at once: each holds 19 MiB.
	hashSlots chan struct{}
	slice     time.Duration // see Config.PropagationSlice
	// accounts holds the ids of the accounts seen to exist (see inAccount).
	accounts sync.Map
}

// Config configures a Service.
type Config struct {
	Store    roster.Store
	Log      *slog.Logger
	HashCost password.Params
	Wake     func()
	TokenTTL time.Duration // access tokens' lifetime (default 15 minutes)
	Lockout  Lockout       // default DefaultLockout
	// Clock, for tests, replaces the time that password ages are judged by.
	Clock func() time.Time
	// PropagationSlice is how long one Propagate call goes on with the
	// batches of the change it claimed (default 100 ms; negative: one
	// batch a call; see Propagate).
	PropagationSlice time.Duration
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
	if c.TokenTTL <= 0 {
		c.TokenTTL = 15 * time.Minute
	}
	if c.Lockout.Threshold <= 0 {
		c.Lockout = DefaultLockout
	}
	if c.PropagationSlice == 0 {
		c.PropagationSlice = 100 * time.Millisecond
	}
	dummy, err := password.Hash(newSecret(""), c.HashCost)
	if err != nil {
		panic(err) // crypto/rand failed
	}
	return &Service{store: c.Store, log: c.Log, hashCost: c.HashCost, wake: c.Wake,
		tokenTTL: c.TokenTTL, lockout: c.Lockout, dummyHash: dummy, clock: c.Clock, slice: c.PropagationSlice,
		hashSlots: make(chan struct{}, runtime.GOMAXPROCS(0))}
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

// newUserID returns a time-ordered (version 7, RFC 9562) UUID: 48 bits of
// Unix milliseconds, 12 bits of the fraction of the millisecond, 62 random
// bits. Users created one after another get ids that sort together, so the
// rows and index entries of a batch of users (propagation walks users in id
// order) sit on a few neighbouring pages instead of one page each, and a
// create appends to the indexes instead of splitting pages all over them.
// So the id tells when the user was created, which no answer shows
// otherwise (README, "User ids"); it grants nothing.
func newUserID(now time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	ms := uint64(now.UnixMilli())
	frac := uint16(now.Nanosecond() % 1e6 * 4096 / 1e6)
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = 0x70 | byte(frac>>8)
	b[7] = byte(frac)
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newHex32 returns 128 random bits as 32 hex digits.
func newHex32() string {
	var b [16]byte
	rand.Read(b[:])
	return fmt.Sprintf("%x", b[:])
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

func (s *Service) now() time.Time {
	if s.clock != nil {
		return s.clock().UTC()
	}
	return time.Now().UTC()
}
