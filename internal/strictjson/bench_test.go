package strictjson

import (
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

const benchUserBody = `{"organizationNodeId": "EXMPLE", "loginId": "alex.stevens@example.com", "password": "ucP69e3sCw9%",
  "lastName": "Stevens", "firstName": "Alex", "profileId": "ASDFGH", "uxProfileId": "6f482dcd-54a9-445f-ba6d-8ca5ebd5261a",
  "roles": ["Agent"], "memberOfGroups": ["c8c2909d-75e9-484a-94c0-b7e8d29771fe"],
  "features": {"matching": {"attributes": ["Language.English", "Language.French"],
    "queues": [{"queueId": "620bbb28-7112-433a-af59-17ee0f15a247", "proficiency": 10}]},
    "voice": {"autoAnswer": false, "afterContactWork": false}}}`

// BenchmarkDecodeAndValidateUser measures a user request body from bytes to
// a validated UserInput: the strict decoding and the I/O-free rules.
func BenchmarkDecodeAndValidateUser(b *testing.B) {
	data := []byte(benchUserBody)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var in roster.UserInput
		if err := Decode(data, &in); err != nil {
			b.Fatal(err)
		}
		if vs := in.Validate(); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
