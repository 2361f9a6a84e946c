package service

import (
	"context"
	"slices"

	"github.com/roster-cc/roster/internal/roster"
)

// mayRead lets the caller of ctx see user u (on profile p): anyone who can
// read the account, the user itself, and Supervisors of a group the user
// is a member of. Anyone else is told the user does not exist.
func mayRead(ctx context.Context, u *roster.User, p *roster.Profile) error {
	pr := roster.PrincipalFrom(ctx)
	if pr == nil || pr.CanRead() || pr.Kind == roster.KindUser && pr.ID == u.ID {
		return nil
	}
	if pr.IsSupervisor() {
		for _, g := range roster.Effective(u, p).MemberOfGroups {
			if slices.Contains(pr.OwnedGroups, g) {
				return nil
			}
		}
	}
	return roster.NotFound("User")
}

// readableUser returns a user the caller of ctx may see, with its profile.
func readableUser(ctx context.Context, tx roster.Tx, accountID, id string) (*roster.User, *roster.Profile, error) {
	u, err := tx.GetUser(ctx, accountID, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := profileOf(ctx, tx, u)
	if err != nil {
		return nil, nil, err
	}
	return u, p, mayRead(ctx, u, p)
}
