package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roster-cc/roster/internal/roster"
)

type queue struct {
	QueueID     string `json:"queueId"`
	Proficiency int    `json:"proficiency"`
}

type matching struct {
	Queues []queue `json:"queues"`
}

type voice struct {
	AutoAnswer *bool `json:"autoAnswer"`
	Ring       int   `json:"ring"`
}

// features is map-like: opaque to encoding/json, typed for the walker.
type features map[string]json.RawMessage

func (features) JSONFieldType(key string) (reflect.Type, bool) {
	switch key {
	case "voice":
		return reflect.TypeFor[voice](), true
	case "matching":
		return reflect.TypeFor[matching](), true
	}
	return nil, false
}

func (f *features) UnmarshalJSON(data []byte) error {
	return json.Unmarshal(data, (*map[string]json.RawMessage)(f))
}

type Base struct {
	Version int `json:"version"`
}

type user struct {
	Base
	Name     string            `json:"name"`
	Active   bool              `json:"active"`
	Level    int8              `json:"level"`
	Count    int               `json:"count"`
	Port     uint16            `json:"port"`
	Score    float64           `json:"score"`
	Roles    []string          `json:"roles"`
	Matching *matching         `json:"matching"`
	Labels   map[string]string `json:"labels"`
	Slots    map[int8]bool     `json:"slots"`
	Features features          `json:"features"`
	Extra    json.RawMessage   `json:"extra"`
	Any      any               `json:"any"`
	Big      int64             `json:"big,string"`
	Num      json.Number       `json:"num"`
	Secret   string            `json:"-"`
	Untagged string
	hidden   string
}

func TestDecodeValid(t *testing.T) {
	body := `{
		"version": 2, "name": "Ann", "active": true, "level": -128, "count": 7, "port": 65535,
		"score": 1.5e3, "roles": ["admin", "agent"],
		"matching": {"queues": [{"queueId": "q1", "proficiency": 3}]},
		"labels": {"a": "b"}, "slots": {"-3": true},
		"features": {"voice": {"autoAnswer": true}},
		"extra": {"x": [1, {"y": null}], "x": "dup inside raw is opaque"},
		"any": {"k": [1, "s", true, null]},
		"big": "12", "num": 1e400, "Untagged": "u"
	}`
	var got user
	if err := Decode([]byte(body), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := user{
		Base: Base{Version: 2}, Name: "Ann", Active: true, Level: -128, Count: 7, Port: 65535,
		Score: 1500, Roles: []string{"admin", "agent"},
		Matching: &matching{Queues: []queue{{QueueID: "q1", Proficiency: 3}}},
		Labels:   map[string]string{"a": "b"}, Slots: map[int8]bool{-3: true},
		Features: features{"voice": json.RawMessage(`{"autoAnswer": true}`)},
		Extra:    json.RawMessage(`{"x": [1, {"y": null}], "x": "dup inside raw is opaque"}`),
		Any:      map[string]any{"k": []any{1.0, "s", true, nil}},
		Big:      12, Num: "1e400", Untagged: "u",
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(user{})); diff != "" {
		t.Errorf("decoded value (-want +got):\n%s", diff)
	}
}

func TestDecodeNullAccepted(t *testing.T) {
	body := `{"version": null, "name": null, "active": null, "level": null, "score": null,
		"roles": [null], "matching": {"queues": null}, "labels": null, "features": {"voice": null},
		"extra": null, "any": null}`
	got := user{Name: "keep"}
	if err := Decode([]byte(body), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Name != "keep" || got.Roles[0] != "" {
		t.Errorf("got %+v", got)
	}
}

func v(field, code, msg string) roster.Violation {
	return roster.Violation{Field: field, Code: code, Message: msg}
}

// violationTest is a body that Decode must reject with exactly want.
type violationTest struct {
	name string
	body string
	want []roster.Violation
}

const (
	wrong = roster.VWrongType
	syn   = roster.VSyntax
)

// keyViolations are duplicate and unknown keys.
var keyViolations = []violationTest{
	{"duplicate top-level key", `{"name": "a", "count": 1, "name": "b"}`,
		[]roster.Violation{v("name", roster.VDuplicate, "duplicate key")}},
	{"duplicate nested key", `{"matching": {"queues": [{}, {"queueId": "a", "queueId": "b"}]}}`,
		[]roster.Violation{v("matching.queues[1].queueId", roster.VDuplicate, "duplicate key")}},
	{"unknown field in array element", `{"matching": {"queues": [{"queueId": "q", "foo": {"x": 1}}]}}`,
		[]roster.Violation{v("matching.queues[0].foo", roster.VUnknown, "unknown field")}},
	{"names match exactly", `{"Name": "a", "Secret": "s", "hidden": "h", "untagged": "u"}`,
		[]roster.Violation{
			v("Name", roster.VUnknown, "unknown field"),
			v("Secret", roster.VUnknown, "unknown field"),
			v("hidden", roster.VUnknown, "unknown field"),
			v("untagged", roster.VUnknown, "unknown field"),
		}},
}

// typeViolations are values of the wrong type or out of range, alone or
// mixed with key violations.
var typeViolations = []violationTest{
	{"several violations in document order",
		`{"name": 1, "bogus": true, "roles": ["a", 2, "c", {}], "level": 300, "count": 1.5, "name": "x"}`,
		[]roster.Violation{
			v("name", wrong, "must be a string"),
			v("bogus", roster.VUnknown, "unknown field"),
			v("roles[1]", wrong, "must be a string"),
			v("roles[3]", wrong, "must be a string"),
			v("level", roster.VOutOfRange, "is out of range"),
			v("count", wrong, "must be an integer"),
			v("name", roster.VDuplicate, "duplicate key"),
		}},
	{"wrong type of each kind",
		`{"name": true, "active": "yes", "count": "1", "score": [], "roles": "admin",
		  "matching": [], "labels": 3, "features": "voice", "version": {}}`,
		[]roster.Violation{
			v("name", wrong, "must be a string"),
			v("active", wrong, "must be a boolean"),
			v("count", wrong, "must be an integer"),
			v("score", wrong, "must be a number"),
			v("roles", wrong, "must be an array"),
			v("matching", wrong, "must be an object"),
			v("labels", wrong, "must be an object"),
			v("features", wrong, "must be an object"),
			v("version", wrong, "must be an integer"),
		}},
	{"string option and json.Number", `{"big": 12, "num": "12"}`,
		[]roster.Violation{v("big", wrong, "must be a string"), v("num", wrong, "must be a number")}},
	{"map value and key types", `{"labels": {"a": 1}, "slots": {"x": true, "200": true, "1": 0}}`,
		[]roster.Violation{
			v("labels.a", wrong, "must be a string"),
			v("slots.x", wrong, "key must be an integer"),
			v("slots.200", roster.VOutOfRange, "key is out of range"),
			v("slots.1", wrong, "must be a boolean"),
		}},
	{"integer ranges", `{"level": -129, "port": -1, "count": 1e3, "score": 1e999}`,
		[]roster.Violation{
			v("level", roster.VOutOfRange, "is out of range"),
			v("port", roster.VOutOfRange, "is out of range"),
			v("count", wrong, "must be an integer"),
			v("score", roster.VOutOfRange, "is out of range"),
		}},
	{"number out of range inside any", `{"any": [1, {"n": 1e400}]}`,
		[]roster.Violation{v("any[1].n", roster.VOutOfRange, "is out of range")}},
	{"object hook walks typed values",
		`{"features": {"voice": {"autoAnswer": "yes", "bogus": 1}, "chat": {}, "matching": {"queues": [{"proficiency": "9"}]}}}`,
		[]roster.Violation{
			v("features.voice.autoAnswer", wrong, "must be a boolean"),
			v("features.voice.bogus", roster.VUnknown, "unknown field"),
			v("features.chat", roster.VUnknown, "unknown field"),
			v("features.matching.queues[0].proficiency", wrong, "must be an integer"),
		}},
}

// syntaxViolations are bodies that are not one JSON value of the right kind.
var syntaxViolations = []violationTest{
	{"wrong top-level kind", `[1]`, []roster.Violation{v("", wrong, "must be an object")}},
	{"trailing value", `{"name": "a"} {}`,
		[]roster.Violation{v("", syn, "unexpected data after the JSON value")}},
	{"trailing garbage", `{"bogus": 1} x`,
		[]roster.Violation{v("", syn, "unexpected data after the JSON value")}},
	{"empty body", " \n", []roster.Violation{v("", syn, "the body is empty; expected a JSON value")}},
	{"truncated", `{"name": "a"`,
		[]roster.Violation{v("", syn, "the body is not valid JSON: unexpected end of input at offset 12")}},
	{"syntax error hides other violations", `{"bogus": 1, "name": }`,
		[]roster.Violation{v("", syn,
			"the body is not valid JSON: invalid character '}' looking for beginning of value at offset 21")}},
}

func TestDecodeViolations(t *testing.T) {
	for _, tt := range slices.Concat(keyViolations, typeViolations, syntaxViolations) {
		t.Run(tt.name, func(t *testing.T) {
			got := user{Name: "orig", hidden: "h"}
			err := Decode([]byte(tt.body), &got)
			var e *roster.Error
			if !errors.As(err, &e) || e.Code != roster.EINVALID {
				t.Fatalf("Decode error = %v, want EINVALID", err)
			}
			if diff := cmp.Diff(tt.want, e.Violations); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(user{Name: "orig", hidden: "h"}, got, cmp.AllowUnexported(user{})); diff != "" {
				t.Errorf("v was modified (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"labels": {`)
	for i := range 100 {
		b.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `": "v", `)
	}
	b.WriteString(`"kbc": "again"}}`)
	var got user
	err := Decode([]byte(b.String()), &got)
	var e *roster.Error
	if !errors.As(err, &e) {
		t.Fatalf("Decode error = %v", err)
	}
	want := []roster.Violation{v("labels.kbc", roster.VDuplicate, "duplicate key")}
	if diff := cmp.Diff(want, e.Violations); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

type inner struct {
	A string `json:"a"`
	B string
}

type Other struct {
	A string `json:"a"`
	C int    `json:"c"`
}

type promoted struct {
	inner
	*Other
	B int `json:"b"`
}

func TestStructFields(t *testing.T) {
	got := map[string]string{}
	for name, f := range structFields(reflect.TypeFor[promoted]()) {
		if f.typ != nil {
			got[name] = f.typ.String()
		}
	}
	// "a" is ambiguous at depth 1; "B" is promoted from inner, "b" is promoted's own.
	want := map[string]string{"B": "string", "b": "int", "c": "int"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestDecodeNotPointer(t *testing.T) {
	if code := roster.ErrorCode(Decode([]byte(`{}`), user{})); code != roster.EINTERNAL {
		t.Errorf("code = %q, want %q", code, roster.EINTERNAL)
	}
}

func TestDecodeReader(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantCode string
		wantMsg  string
	}{
		{"at the limit", `{"name":"abcdefghi"}`, "", ""},
		{"over the limit", `{"name":"abcdefghij"}`, roster.ETOOLARGE, "The request body is larger than 20 bytes."},
		{"invalid", `{"name":1}          `, roster.EINVALID, "The request has invalid fields."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got user
			err := DecodeReader(strings.NewReader(tt.body), 20, &got)
			if tt.wantCode == "" {
				if err != nil || got.Name != "abcdefghi" {
					t.Fatalf("DecodeReader = %v, %+v", err, got)
				}
				return
			}
			if code, msg := roster.ErrorCode(err), roster.ErrorMessage(err); code != tt.wantCode || msg != tt.wantMsg {
				t.Errorf("DecodeReader error = %q %q, want %q %q", code, msg, tt.wantCode, tt.wantMsg)
			}
			if got.Name != "" {
				t.Errorf("v was modified: %+v", got)
			}
		})
	}
}
