package roster

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func features(t *testing.T, s string) Features {
	t.Helper()
	var f Features
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFeaturesCanonicalAndNull(t *testing.T) {
	f := features(t, `{"voice": {"afterContactWork": false, "autoAnswer": true, "userExtension": "123"}, "chat": null}`)
	if got, want := asJSON(t, f), `{"chat":null,"voice":{"autoAnswer":true,"afterContactWork":false}}`; got != want {
		t.Errorf("Features JSON = %s, want %s (canonical order, generated voice fields dropped, null kept)", got, want)
	}
}

func TestEffective(t *testing.T) {
	p := &Profile{ID: "PROFIL", UXProfileID: "ux", Roles: []string{"Agent"}, MemberOfGroups: []string{"g1"},
		Features: features(t, `{"matching": {"attributes": ["Language.English"]}, "voice": {"autoAnswer": false}, "chat": {"multiplicity": 5}}`)}
	u := &User{ID: "u", ProfileID: "PROFIL", Roles: []string{"Supervisor"}, OwnedGroups: []string{"g2"},
		Features: features(t, `{"voice": {"autoAnswer": true}, "chat": null, "email": {"multiplicity": 2}}`),
		Voice:    &VoiceIdentity{UserExtension: "10001", EmergencyLocationIdentificationNumber: "1234567890", Providers: []VoiceProvider{{"a", "b"}}}}
	v := Effective(u, p)
	want := `{"userId":"u","organizationNodeId":"","loginId":"","lastName":"","firstName":"","profileId":"PROFIL","uxProfileId":"ux",` +
		`"roles":["Supervisor"],"memberOfGroups":["g1"],"ownedGroups":["g2"],` +
		`"features":{"email":{"multiplicity":2},"matching":{"attributes":["Language.English"]},` +
		`"voice":{"autoAnswer":true,"userExtension":"10001","emergencyLocationIdentificationNumber":"1234567890","providers":[{"providerAgentId":"a","channelProviderId":"b"}]}},` +
		`"inherited":["uxProfileId","memberOfGroups","features.matching"]}`
	if got := asJSON(t, v); got != want {
		t.Errorf("Effective =\n%s\nwant\n%s", got, want)
	}
	if got := Own(u); got.Features["chat"] != nil || len(got.Features) != 3 {
		t.Errorf("Own features = %v, want the stored three with chat null", got.Features)
	}
}

func TestDropInherited(t *testing.T) {
	p := &Profile{UXProfileID: "ux", Roles: []string{"Agent", "Reporting"}, MemberOfGroups: []string{"g1"},
		Features: features(t, `{"voice": {"autoAnswer": false}, "chat": {"multiplicity": 5}}`)}
	u := &User{UXProfileID: "ux", Roles: []string{"Reporting", "Agent"}, MemberOfGroups: []string{"g1", "g2"},
		Features: features(t, `{"voice": {"autoAnswer": false, "userExtension": "1"}, "chat": {"multiplicity": 4}, "email": null}`)}
	DropInherited(u, p)
	if u.UXProfileID != "" || u.Roles != nil {
		t.Errorf("values equal to the profile's stay own: ux %q roles %v", u.UXProfileID, u.Roles)
	}
	if !cmp.Equal(u.MemberOfGroups, []string{"g1", "g2"}) {
		t.Errorf("a different group list was dropped: %v", u.MemberOfGroups)
	}
	if got, want := asJSON(t, u.Features), `{"chat":{"multiplicity":4},"email":null}`; got != want {
		t.Errorf("own features = %s, want %s", got, want)
	}
	DropInherited(u, nil) // no profile: nothing to compare with
	if u.MemberOfGroups == nil {
		t.Error("DropInherited without a profile changed the user")
	}
}

func TestDesired(t *testing.T) {
	p := &Profile{Roles: []string{"Reporting", "Agent"}, Features: features(t, `{"voice": {"autoAnswer": false}}`)}
	u := &User{Features: features(t, `{"chat": {"multiplicity": 1}}`), Voice: &VoiceIdentity{UserExtension: "10000"}}
	got := map[string]string{}
	for k, v := range Desired(u, p) {
		got[k] = string(v)
	}
	want := map[string]string{
		AspectRole: `["Agent","Reporting"]`,
		"chat":     `{"multiplicity":1}`,
		"voice":    `{"autoAnswer":false,"userExtension":"10000"}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Desired (-want +got):\n%s", diff)
	}
	if !HasEffectiveVoice(u, p) || HasEffectiveVoice(&User{Features: features(t, `{"voice": null}`)}, p) {
		t.Error("HasEffectiveVoice ignores the profile or the opt-out")
	}
}

func TestIDs(t *testing.T) {
	for s, want := range map[string]bool{"ABCDEF": true, "ABCDE": false, "abcdef": false, "ABCDE1": false} {
		if IsCode6(s) != want {
			t.Errorf("IsCode6(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"c8c2909d-75e9-484a-94c0-b7e8d29771fe": true, "c8c2909d75e9484a94c0b7e8d29771fe": false,
		"g8c2909d-75e9-484a-94c0-b7e8d29771fe": false} {
		if IsUUID(s) != want {
			t.Errorf("IsUUID(%q) = %v", s, !want)
		}
	}
}
