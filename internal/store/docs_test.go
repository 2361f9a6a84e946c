package store

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// TestUserDocsDecodeAsV1: scanUser decodes the users' documents with JSON
// v2; each field of a document json.Marshal wrote decodes as v1 decodes it,
// opt-outs, extensions, escapes and invalid UTF-8 included.
func TestUserDocsDecodeAsV1(t *testing.T) {
	var features roster.Features
	if err := json.Unmarshal([]byte(`{"chat":{"multiplicity":2,"autoAnswer":true},"voice":null,
		"matching":{"attributes":["Spanish"],"queues":[{"queueId":"Q1","proficiency":7}]}}`), &features); err != nil {
		t.Fatal(err)
	}
	users := []roster.User{
		{ID: "id-1", OrganizationNodeID: "NODE01", LoginID: "a@example.com", FirstName: "Émile", LastName: "Zoë <&> \"Ω\" \u2028",
			ProfileID: "PROFIL", UXProfileID: "ux", Roles: []string{"Agent", "Supervisor"}, MemberOfGroups: []string{"G1"},
			OwnedGroups: []string{"G2"}, Features: features, Archived: true, MustChangePassword: true,
			Extensions: roster.Extensions{roster.DialectVonage: json.RawMessage(`{"skills":[{"id":1,"level":3}],"x":null}`)}},
		{ID: "id-2", LoginID: "b@example.com", FirstName: "bad \xff utf-8", Roles: []string{}},
		{},
	}
	for _, u := range users {
		doc, err := json.Marshal(&u)
		if err != nil {
			t.Fatal(err)
		}
		var v1, v2 roster.User
		if err := json.Unmarshal(doc, &v1); err != nil {
			t.Fatal(err)
		}
		if err := jsonv2.Unmarshal(doc, &v2); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if d := cmp.Diff(v1, v2); d != "" {
			t.Errorf("%s: v2 decodes otherwise (-v1 +v2):\n%s", doc, d)
		}
	}
}
