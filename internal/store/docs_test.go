package store

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// TestUserDocsDecodeAsV1: scanUser decodes the users' documents and voice
// identities with JSON v2; each field json.Marshal wrote decodes as v1
// decodes it: opt-outs, extensions, escapes, and the U+FFFD json.Marshal
// writes for invalid UTF-8 (so v2 never sees invalid UTF-8).
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
	// A field added to roster.User must be added to the first user here.
	rich := reflect.ValueOf(users[0])
	for i := range rich.NumField() {
		if f := rich.Type().Field(i); f.Tag.Get("json") != "-" && rich.Field(i).IsZero() {
			t.Errorf("the first user does not set %s, which its document holds", f.Name)
		}
	}
	for _, u := range users {
		decodeAsV1(t, &u)
	}
	decodeAsV1(t, &roster.VoiceIdentity{UserExtension: "1001", EmergencyLocationIdentificationNumber: "+3312345678",
		Providers: []roster.VoiceProvider{{ProviderAgentID: "a-1", ChannelProviderID: "p-1"}}})
	decodeAsV1(t, &roster.VoiceIdentity{})
}

// decodeAsV1 checks that v2 decodes what json.Marshal writes of v as v1 does.
func decodeAsV1[T any](t *testing.T, v *T) {
	t.Helper()
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var v1, v2 T
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
