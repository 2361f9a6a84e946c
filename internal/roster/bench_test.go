package roster

import (
	"encoding/json"
	"testing"
)

// benchUserAndProfile is the seed's Alex Stevens on the "Advanced" profile.
func benchUserAndProfile(b *testing.B) (*User, *Profile) {
	p := &Profile{ID: "ASDFGH", UXProfileID: "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a", Roles: []string{"Agent"},
		MemberOfGroups: []string{"c8c2909d-75e9-484a-94c0-b7e8d29771fe"},
		Features: features(&testing.T{}, `{"matching": {"attributes": ["Language.English", "Language.French"],
			"queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
			"voice": {"autoAnswer": false, "afterContactWork": false}, "chat": {"multiplicity": 5}}`)}
	u := &User{ID: "c8c2909d-75e9-484a-94c0-b7e8d29771fe", OrganizationNodeID: "EXMPLE", LoginID: "alex.stevens@example.com",
		LastName: "Stevens", FirstName: "Alex", ProfileID: "ASDFGH",
		Features: features(&testing.T{}, `{"email": {"multiplicity": 2}}`),
		Voice: &VoiceIdentity{UserExtension: "10021", EmergencyLocationIdentificationNumber: "7798098090",
			Providers: []VoiceProvider{{"0585aad8-decd-402c-b13f-bc05bd989fca", "a8b6d39c-53c5-4d94-a640-c28bee987ed7"}}}}
	return u, p
}

// BenchmarkEffective measures the effective-view merge of a user and its profile.
func BenchmarkEffective(b *testing.B) {
	u, p := benchUserAndProfile(b)
	b.ReportAllocs()
	for b.Loop() {
		Effective(u, p)
	}
}

// BenchmarkEncodeUserView measures encoding the effective view as the API answers it.
func BenchmarkEncodeUserView(b *testing.B) {
	u, p := benchUserAndProfile(b)
	v := Effective(u, p)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateUser measures the I/O-free rules of a user request.
func BenchmarkValidateUser(b *testing.B) {
	var in UserInput
	if err := json.Unmarshal([]byte(benchUserBody), &in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := in
		if vs := c.Validate(); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}

// benchUserBody is the seed's create request of Alex Stevens.
const benchUserBody = `{"organizationNodeId": "EXMPLE", "loginId": "alex.stevens@example.com", "password": "ucP69e3sCw9%",
  "lastName": "Stevens", "firstName": "Alex", "profileId": "ASDFGH", "uxProfileId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a",
  "roles": ["Agent"], "memberOfGroups": ["c8c2909d-75e9-484a-94c0-b7e8d29771fe"],
  "features": {"matching": {"attributes": ["Language.English", "Language.French"],
    "queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
    "voice": {"autoAnswer": false, "afterContactWork": false}}}`
