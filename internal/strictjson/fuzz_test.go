package strictjson

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// FuzzDecode feeds arbitrary bodies to the strict decoder. It must never
// panic, must answer only *roster.Error, and must accept nothing that
// encoding/json rejects: what it accepts decodes to the same value.
// Seeds: f.Add below and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"loginId":"a","firstName":"Al","lastName":"Bo","organizationNodeId":"EXMPLE"}`,
		`{"features":{"voice":{"autoAnswer":true},"chat":null,"matching":{"queues":[{"queueId":"q","proficiency":10}]}}}`,
		`{"roles":["Agent","Agent"],"memberOfGroups":[]}`, `{"a":1,"a":2}`, `{"loginId":1}`, `[]`, `{} x`,
		`{"loginId":"\ud800"}`, `{"features":{"voice":{"autoAnswer":"yes"}}}`, `{"roles":[null]}`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in roster.UserInput
		if err := Decode(data, &in); err != nil {
			if _, ok := err.(*roster.Error); !ok {
				t.Fatalf("Decode(%q) = %T %v, want a *roster.Error", data, err, err)
			}
		} else {
			var std roster.UserInput
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatalf("Decode accepted %q, which encoding/json rejects: %v", data, err)
			}
			if !reflect.DeepEqual(normalize(t, in), normalize(t, std)) {
				t.Fatalf("Decode(%q) = %+v, encoding/json = %+v", data, in, std)
			}
			in.Validate() // must not panic on anything the decoder lets through
		}
		var v any
		if err := Decode(data, &v); err == nil {
			var std any
			if err := json.Unmarshal(data, &std); err != nil || !reflect.DeepEqual(v, std) {
				t.Fatalf("Decode(%q) into any = %v; encoding/json = %v, %v", data, v, std, err)
			}
		}
	})
}

// normalize re-encodes a value, so that nil and empty raw messages and
// maps compare by what they mean.
func normalize(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
