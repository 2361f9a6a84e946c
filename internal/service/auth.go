package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// Token prefixes: they let secret scanners recognize roster credentials.
const (
	prefixAccess = "rst_" // bearer tokens (access and operator)
	prefixSecret = "rss_" // API client secrets
)

// newSecret returns prefix followed by 256 random bits, base64url.
func newSecret(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret is how tokens and secrets are stored: they carry 256 random
// bits, so a fast hash suffices (a slow one guards guessable passwords).
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// IssuedToken is an access token as handed to its holder, once.
type IssuedToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// Authenticate returns the principal of a bearer token. A user's rights
// come from its effective roles now, so a role removed from the user or
// its profile counts at the next request. Errors: EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*roster.Principal, error) {
	unauth := roster.Errorf(roster.EUNAUTHORIZED, "The access token is invalid, expired or revoked.")
	if bearer == "" || len(bearer) > 256 {
		return nil, unauth
	}
	var p *roster.Principal
	err := s.store.Read(ctx, func(tx roster.Tx) error {
		tok, err := tx.GetToken(ctx, hashSecret(bearer))
		if err != nil {
			return err
		}
		p = &roster.Principal{Kind: tok.Kind, AccountID: tok.AccountID, ID: tok.SubjectID, Scopes: tok.Scopes, TokenHash: tok.Hash}
		if tok.Kind != roster.KindUser {
			return nil
		}
		u, err := tx.GetUser(ctx, tok.AccountID, tok.SubjectID)
		if err != nil {
			return err
		}
		return userRights(ctx, tx, p, u)
	})
	if roster.ErrorCode(err) == roster.ENOTFOUND {
		return nil, unauth
	}
	return p, err
}

// userRights fills a user principal's effective roles and owned groups;
// an archived user has none (ENOTFOUND: its credentials are invalid).
func userRights(ctx context.Context, tx roster.Tx, p *roster.Principal, u *roster.User) error {
	if u.Archived {
		return roster.NotFound("User")
	}
	prof, err := profileOf(ctx, tx, u)
	if err != nil {
		return err
	}
	v := roster.Effective(u, prof)
	p.Roles, p.OwnedGroups = v.Roles, v.OwnedGroups
	return nil
}

// issue stores a new access token for a client or user and audits it.
func (s *Service) issue(ctx context.Context, tx roster.Tx, kind, accountID, subject string, scopes []string) (*IssuedToken, error) {
	raw := newSecret(prefixAccess)
	tok := &roster.Token{Hash: hashSecret(raw), Kind: kind, AccountID: accountID, SubjectID: subject, Scopes: scopes,
		ExpiresAt: tx.Now().Add(s.tokenTTL)}
	if err := tx.PutToken(ctx, tok); err != nil {
		return nil, err
	}
	actor := roster.WithPrincipal(ctx, &roster.Principal{Kind: kind, AccountID: accountID, ID: subject})
	if err := audit(actor, tx, accountID, roster.AuditLogin, resToken, subject, nil); err != nil {
		return nil, err
	}
	return &IssuedToken{AccessToken: raw, TokenType: "Bearer", ExpiresIn: int(s.tokenTTL / time.Second),
		Scope: strings.Join(scopes, " ")}, nil
}

// Revoke removes the token of the caller (logging out); a token already
// gone is no error. The operator's token is not revoked this way: it would
// leave nobody able to manage roster. Errors: EFORBIDDEN (the operator).
func (s *Service) Revoke(ctx context.Context) error {
	p := roster.PrincipalFrom(ctx)
	if p == nil || p.TokenHash == "" {
		return nil
	}
	if p.Kind == roster.KindOperator {
		return roster.Errorf(roster.EFORBIDDEN, "The operator token cannot be revoked here; replace ROSTER_BOOTSTRAP_TOKEN or the token file instead.")
	}
	return s.store.Write(ctx, func(tx roster.Tx) error {
		if err := tx.DeleteToken(ctx, p.TokenHash); err != nil {
			return err
		}
		if p.AccountID == "" {
			return nil
		}
		return audit(ctx, tx, p.AccountID, roster.AuditDelete, resToken, p.ID, nil)
	})
}

// MinOperatorToken is the shortest operator token accepted: 43 base64
// characters carry 256 bits.
const MinOperatorToken = 43

// NewOperatorToken returns a new random operator token.
func NewOperatorToken() string { return newSecret(prefixAccess) }

// BootstrapOperator stores token as an operator credential. With
// onlyFirst it does so only when no operator credential exists yet and
// reports whether it did; else token becomes the only operator credential.
// Errors: EINVALID (a token shorter than 32 characters).
func (s *Service) BootstrapOperator(ctx context.Context, token string, onlyFirst bool) (stored bool, err error) {
	if len(token) < MinOperatorToken {
		return false, roster.Errorf(roster.EINVALID, "An operator token must be at least %d characters.", MinOperatorToken)
	}
	err = s.store.Write(ctx, func(tx roster.Tx) error {
		stored = false // a run again starts over (roster.Store)
		if err := tx.LockScope(ctx, "operator"); err != nil {
			return err
		}
		exists, err := tx.HasOperatorToken(ctx)
		if err != nil || exists && onlyFirst {
			return err
		}
		if !onlyFirst {
			// A configured token replaces every earlier operator token.
			if err := tx.DeleteOperatorTokens(ctx, hashSecret(token)); err != nil {
				return err
			}
		}
		if _, err := tx.GetToken(ctx, hashSecret(token)); err == nil {
			return nil
		}
		stored = true
		return tx.PutToken(ctx, &roster.Token{Hash: hashSecret(token), Kind: roster.KindOperator, SubjectID: roster.KindOperator})
	})
	return stored, err
}
