package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// caseUserUpdates: UpdateUser writes only the indexed columns and the
// references that change; every query by them finds the user by its new
// values and no longer by its old ones, whether that value changed in the
// update or stayed.
func caseUserUpdates(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		for _, id := range []string{"N1", "N2"} {
			if err := tx.CreateNode(ctx, &roster.OrganizationNode{AccountID: acctA, ID: id, Name: id, ParentID: acctA}); err != nil {
				return err
			}
		}
		for _, id := range []string{"g1", "g2"} {
			if err := tx.CreateGroup(ctx, &roster.Group{AccountID: acctA, ID: id, Name: id}); err != nil {
				return err
			}
		}
		for _, id := range []string{"q1", "q2"} {
			if _, err := tx.PutQueue(ctx, &roster.Queue{AccountID: acctA, ID: id, Name: id}); err != nil {
				return err
			}
		}
		for _, a := range []string{"a1", "a2"} {
			if _, err := tx.PutAttribute(ctx, &roster.Attribute{AccountID: acctA, Name: a}); err != nil {
				return err
			}
		}
		return tx.CreateProfile(ctx, &roster.Profile{AccountID: acctA, ID: "P1", Name: "P1"},
			roster.ProfileChange{Action: roster.ActionAdd, Since: 1})
	})
	matching := func(queue, attr string) roster.Features {
		return roster.Features{roster.FeatureMatching: json.RawMessage(`{"attributes":["` + attr + `"],"queues":[{"queueId":"` +
			queue + `","proficiency":5}]}`)}
	}
	u := &roster.User{AccountID: acctA, ID: "U1", OrganizationNodeID: "N1", LoginID: "Old@Example.com", FirstName: "Ann",
		LastName: "Old", Roles: []string{"Agent"}, MemberOfGroups: []string{"g1"}, Features: matching("q1", "a1")}
	write(t, s, func(tx roster.Tx) error { return tx.CreateUser(ctx, u) })

	steps := []struct {
		name   string
		change func(u *roster.User)
	}{
		{"nothing changes", func(*roster.User) {}},
		{"the login and the last name", func(u *roster.User) { u.LoginID, u.LastName = "New@Example.com", "New" }},
		{"the node, the profile and the roles", func(u *roster.User) {
			u.OrganizationNodeID, u.ProfileID, u.Roles = "N2", "P1", []string{"Supervisor"}
		}},
		{"the groups and the queues", func(u *roster.User) { u.MemberOfGroups, u.Features = []string{"g2"}, matching("q2", "a1") }},
		{"the owned groups and the attributes", func(u *roster.User) { u.OwnedGroups, u.Features = []string{"g1"}, matching("q2", "a2") }},
		{"no owned groups", func(u *roster.User) { u.OwnedGroups = nil }},
		{"the first name, the profile removed", func(u *roster.User) { u.FirstName, u.ProfileID = "Bea", "" }},
	}
	for _, step := range steps {
		var was roster.User
		write(t, s, func(tx roster.Tx) error {
			old, err := tx.GetUser(ctx, acctA, "U1")
			if err != nil {
				return err
			}
			was = *old
			next := *old
			step.change(&next)
			return tx.UpdateUser(ctx, old, &next, roster.ActionUpdate)
		})
		read(t, s, func(tx roster.Tx) error {
			now, err := tx.GetUser(ctx, acctA, "U1")
			if err != nil {
				return err
			}
			step.change(&was)
			if now.LoginID != was.LoginID || now.LastName != was.LastName || now.ProfileID != was.ProfileID {
				t.Errorf("%s: stored %+v", step.name, now)
			}
			checkFoundBy(t, ctx, tx, step.name, now)
			return nil
		})
	}
}

// checkFoundBy checks that each query by an indexed column or a reference
// finds u by its value, and not by the other fixture's value.
func checkFoundBy(t *testing.T, ctx context.Context, tx roster.Tx, step string, u *roster.User) {
	t.Helper()
	var m roster.Matching
	json.Unmarshal(u.Features[roster.FeatureMatching], &m)
	// Each key's two fixture values: the user has one, not the other.
	values := map[string][2]string{
		"loginId":            {"old@example.com", "new@example.com"},
		"firstName":          {"Ann", "Bea"},
		"lastName":           {"Old", "New"},
		"organizationNodeId": {"N1", "N2"},
		"profileId":          {"P1", ""},
		"role":               {"Agent", "Supervisor"},
		"groupId":            {"g1", "g2"},
	}
	has := map[string]string{"loginId": strings.ToLower(u.LoginID), "firstName": u.FirstName, "lastName": u.LastName,
		"organizationNodeId": u.OrganizationNodeID, "profileId": u.ProfileID, "role": u.Roles[0], "groupId": u.MemberOfGroups[0]}
	for key, vs := range values {
		for _, v := range vs {
			if v == "" {
				continue
			}
			want := 0
			if v == has[key] {
				want = 1
			}
			p, err := tx.ListUsers(ctx, acctA, roster.UserFilter{Page: 1, PageSize: 10,
				Where: &roster.Condition{Key: key, Operator: roster.OpEquals, Value: v}})
			if err != nil || p.Total != want {
				t.Errorf("%s: users with %s = %q: %d, %v; want %d", step, key, v, p.Total, err, want)
			}
		}
	}
	for _, q := range []string{"q1", "q2"} {
		used, err := tx.QueueInUse(ctx, acctA, q)
		if want := q == m.Queues[0].QueueID; used != want || err != nil {
			t.Errorf("%s: queue %s in use: %v, %v; want %v", step, q, used, err, want)
		}
	}
	for _, a := range []string{"a1", "a2"} {
		used, err := tx.AttributeInUse(ctx, acctA, a)
		if want := a == m.Attributes[0]; used != want || err != nil {
			t.Errorf("%s: attribute %s in use: %v, %v; want %v", step, a, used, err, want)
		}
	}
	for _, g := range []string{"g1", "g2"} {
		used, err := tx.GroupInUse(ctx, acctA, g)
		if want := slices.Contains(u.MemberOfGroups, g) || slices.Contains(u.OwnedGroups, g); used != want || err != nil {
			t.Errorf("%s: group %s in use: %v, %v; want %v", step, g, used, err, want)
		}
	}
}
