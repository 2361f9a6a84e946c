package service

import (
	"context"
	"crypto/subtle"
	"slices"

	"github.com/roster-cc/roster/internal/roster"
)

// CreatedClient is an API client with its secret, shown once.
type CreatedClient struct {
	roster.APIClient
	ClientSecret string `json:"clientSecret"`
}

// CreateClient creates an OAuth 2.0 client of the account. A caller
// cannot give a client a scope it lacks itself.
// Errors: ENOTFOUND, EINVALID, EFORBIDDEN.
func (s *Service) CreateClient(ctx context.Context, accountID string, in roster.ClientInput) (*CreatedClient, error) {
	if err := in.Validate().Err(); err != nil {
		return nil, err
	}
	if p := roster.PrincipalFrom(ctx); p != nil && !p.IsAdmin() {
		return nil, roster.Errorf(roster.EFORBIDDEN, "Only an Account Administrator can create API clients.")
	}
	secret := newSecret(prefixSecret)
	c := &roster.APIClient{AccountID: accountID, ClientID: newHex32(), Name: in.Name, Scopes: in.Scopes, SecretHash: hashSecret(secret)}
	err := s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if err := tx.CreateClient(ctx, c); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditCreate, resClient, c.ClientID, changedFields(nil, c))
	})
	if err != nil {
		return nil, err
	}
	return &CreatedClient{APIClient: *c, ClientSecret: secret}, nil
}

// GetClient returns an API client (never its secret). Errors: ENOTFOUND.
func (s *Service) GetClient(ctx context.Context, accountID, id string) (*roster.APIClient, error) {
	var c *roster.APIClient
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		c, err = tx.GetClient(ctx, accountID, id)
		return err
	})
	return c, err
}

// ListClients returns a page of the account's API clients. Errors: ENOTFOUND.
func (s *Service) ListClients(ctx context.Context, accountID string, lp ListParams) (roster.Page[roster.APIClient], error) {
	var p roster.Page[roster.APIClient]
	err := s.inAccount(ctx, accountID, false, func(tx roster.Tx) (err error) {
		p, err = tx.ListClients(ctx, accountID, lp.Page, lp.PageSize)
		return err
	})
	return p, err
}

// DeleteClient deletes an API client; its tokens stop working at the next
// request, on every replica. Errors: ENOTFOUND.
func (s *Service) DeleteClient(ctx context.Context, accountID, id string) error {
	return s.inAccount(ctx, accountID, true, func(tx roster.Tx) error {
		if err := tx.DeleteClient(ctx, accountID, id); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, roster.AuditDelete, resClient, id, nil)
	})
}

// ClientToken is the OAuth 2.0 client credentials grant: it checks the
// client's secret and issues a short-lived token with the scopes asked
// for (all of the client's when none are). Errors: EUNAUTHORIZED (unknown
// client or wrong secret), EFORBIDDEN (a scope the client lacks).
func (s *Service) ClientToken(ctx context.Context, clientID, secret string, scopes []string) (*IssuedToken, error) {
	bad := roster.Errorf(roster.EUNAUTHORIZED, "The client id or secret is wrong.")
	if clientID == "" || len(clientID) > 64 || secret == "" {
		return nil, bad
	}
	var out *IssuedToken
	err := s.store.Write(ctx, func(tx roster.Tx) error {
		c, err := tx.GetClient(ctx, "", clientID)
		if roster.ErrorCode(err) == roster.ENOTFOUND {
			return bad
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(c.SecretHash)) != 1 {
			return bad
		}
		want := scopes
		if len(want) == 0 {
			want = c.Scopes
		}
		for _, sc := range want {
			// admin includes read: asking for less than one has is fine.
			if !slices.Contains(c.Scopes, sc) && !(sc == roster.ScopeRead && slices.Contains(c.Scopes, roster.ScopeAdmin)) {
				return roster.Errorf(roster.EFORBIDDEN, "The client has no scope %q.", sc)
			}
		}
		out, err = s.issue(ctx, tx, roster.KindClient, c.AccountID, c.ClientID, roster.FoldDuplicates(want))
		return err
	})
	return out, err
}
