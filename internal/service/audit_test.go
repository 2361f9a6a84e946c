package service

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// TestJSONFields: the fields split out of json.Marshal's output are those
// json.Unmarshal finds, values byte for byte, the empty ones left out;
// strings with quotes, escapes, brackets and commas in them included.
func TestJSONFields(t *testing.T) {
	var f roster.Features
	if err := json.Unmarshal([]byte(`{"voice":{"a":"x\"}],{[","b":[1,{"c":"\\"}]},"chat":{"multiplicity":0},"email":null}`), &f); err != nil {
		t.Fatal(err)
	}
	values := []any{
		&roster.User{LoginID: `a"b\c@example.com`, FirstName: "}{", LastName: "],[", Roles: []string{"Agent", `x"y`}, Features: f},
		&roster.User{},
		&roster.Profile{Name: "P", Roles: []string{}, Features: f},
		map[string]any{`k"ey`: 1, "n": 0, "s": "", "t": true, "nested": map[string]any{"a": []any{}}},
		map[string]any{},
		[]int{1, 2},
		"text",
	}
	wantSplit := []bool{true, true, true, false, true, false, false}
	for i, v := range values {
		b, _ := json.Marshal(v)
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		want := map[string]string{}
		for k, raw := range m {
			switch string(raw) {
			case "null", `""`, "[]", "{}", "false", "0":
			default:
				want[k] = string(raw)
			}
		}
		got := map[string]string{}
		for _, f := range jsonFields(v) {
			got[f.key] = string(f.raw)
		}
		if !maps.Equal(got, want) {
			t.Errorf("jsonFields(%s) = %v, want %v", b, got, want)
		}
		// Objects are split, not decoded, unless a key has an escape.
		if _, split := splitObject(b); split != wantSplit[i] {
			t.Errorf("splitObject(%s) split it: %v", b, split)
		}
	}
	old := &roster.User{LoginID: "a@example.com", FirstName: "A", Features: f}
	new := &roster.User{LoginID: "a@example.com", FirstName: "B", Roles: []string{"Agent"}}
	if got := changedFields(old, new); !slices.Equal(got, []string{"features", "firstName", "roles"}) {
		t.Errorf("changedFields = %v, want features, firstName, roles", got)
	}
}
