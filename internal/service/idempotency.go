package service

import (
	"context"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// staleReservation is how long a key may stay reserved by a request that
// never answered (its process died) before another request takes it over.
const staleReservation = time.Minute

// ReserveIdempotency returns the stored first answer for an idempotency
// key, or reserves the key for the caller's request (nil, nil). requestHash
// identifies the request; another request under a live key is ECONFLICT,
// and so is the same request while its first copy is still running.
func (s *Service) ReserveIdempotency(ctx context.Context, accountID, key, requestHash string) (*roster.IdempotentAnswer, error) {
	var first *roster.IdempotentAnswer
	err := s.store.Write(ctx, func(tx roster.Tx) error {
		first = nil // a run again starts over (roster.Store)
		if err := tx.LockScope(ctx, "idempotency/"+accountID); err != nil {
			return err
		}
		got, err := tx.GetIdempotency(ctx, accountID, key)
		if err != nil {
			return err
		}
		if got != nil && got.Status == 0 && tx.Now().Sub(got.CreatedAt) > staleReservation {
			if err := tx.DeleteIdempotency(ctx, accountID, key); err != nil {
				return err
			}
			got = nil
		}
		switch {
		case got == nil:
			return tx.PutIdempotency(ctx, accountID, key, &roster.IdempotentAnswer{RequestHash: requestHash})
		case got.RequestHash != requestHash:
			return roster.Errorf(roster.ECONFLICT, "This Idempotency-Key was used with another request body.")
		case got.Status == 0:
			return roster.Errorf(roster.ECONFLICT, "A request with this Idempotency-Key is still being answered; retry shortly.")
		}
		first = got
		return nil
	})
	return first, err
}

// SaveIdempotency stores the answer of a reserved key.
func (s *Service) SaveIdempotency(ctx context.Context, accountID, key string, a *roster.IdempotentAnswer) error {
	return s.store.Write(ctx, func(tx roster.Tx) error { return tx.PutIdempotency(ctx, accountID, key, a) })
}

// ReleaseIdempotency forgets a reserved key whose request failed, so that
// a corrected or repeated request runs.
func (s *Service) ReleaseIdempotency(ctx context.Context, accountID, key string) error {
	return s.store.Write(ctx, func(tx roster.Tx) error { return tx.DeleteIdempotency(ctx, accountID, key) })
}
