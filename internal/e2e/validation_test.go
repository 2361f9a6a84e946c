package e2e

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// violations returns the sorted "field:code" pairs of a 400 answer.
func violations(t *testing.T, r response) []string {
	t.Helper()
	if r.Status != 400 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d (%s), want 400 problem+json: %s", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	var out []string
	for _, v := range r.obj()["violations"].([]any) {
		v := v.(map[string]any)
		if v["message"] == "" {
			t.Errorf("violation %v has no message", v)
		}
		out = append(out, v["field"].(string)+":"+v["code"].(string))
	}
	sort.Strings(out)
	return out
}

// TestUserValidation: every bad field is named, and nothing is written.
func TestUserValidation(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	s.must(202, "POST", path("/users"), `{"organizationNodeId": "EXMPLE", "loginId": "taken@example.com", "firstName": "Al", "lastName": "Bo"}`)
	long := strings.Repeat("x", 256)
	tests := []struct {
		name, body string
		want       []string
	}{
		{"empty object", `{}`, []string{"firstName:required", "lastName:required", "loginId:required", "organizationNodeId:required"}},
		{"names", `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "A", "lastName": "Bad<name"}`,
			[]string{"firstName:too_short", "lastName:invalid_characters"}},
		{"lengths", `{"organizationNodeId": "EXMPLE", "loginId": "` + long + `", "firstName": "` + long + `", "lastName": "Ok"}`,
			[]string{"firstName:too_long", "loginId:too_long"}},
		{"password", `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "Bo", "password": "short"}`,
			[]string{"password:invalid"}},
		{"references", `{"organizationNodeId": "NOPEXX", "loginId": "a", "firstName": "Al", "lastName": "Bo", "profileId": "ZZZZZZ",
			"roles": ["Agent", "Astronaut"], "memberOfGroups": ["6f482dcd-54a9-445f-ba6d-8ca5ebd5261a"],
			"features": {"matching": {"attributes": ["Language.German"], "queues": [{"queueId": "q-nope", "proficiency": 3}]}}}`,
			[]string{"features.matching.attributes[0]:not_found", "features.matching.queues[0].queueId:not_found",
				"memberOfGroups[0]:not_found", "organizationNodeId:not_found", "profileId:not_found", "roles[1]:not_found"}},
		{"features", `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "Bo",
			"features": {"chat": {"multiplicity": 11}, "email": {"multiplicity": 0},
			"matching": {"queues": [{"queueId": "` + seedQueue + `", "proficiency": 0}, {"queueId": "` + seedQueue + `", "proficiency": 11}]}}}`,
			[]string{"features.chat.multiplicity:out_of_range", "features.email.multiplicity:out_of_range",
				"features.matching.queues[0].proficiency:out_of_range", "features.matching.queues[1].proficiency:out_of_range",
				"features.matching.queues[1].queueId:duplicate"}},
		{"owned groups need Supervisor", `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "Bo",
			"roles": ["Agent"], "ownedGroups": ["` + seedGroup + `"]}`, []string{"ownedGroups:invalid"}},
		{"too many roles", `{"organizationNodeId": "EXMPLE", "loginId": "a", "firstName": "Al", "lastName": "Bo",
			"roles": ["Administrator", "Agent", "Business Analyst", "Historical Reporting_Advanced", "Historical Reporting_Basic",
			"Historical Reporting_Consumer", "Reporting", "Reporting_Administrator", "Reporting_Supervisor", "Supervisor",
			"Workspaces Admin Widgets Administrator", "Agent", "Nope"]}`, []string{"roles:too_many", "roles[11]:not_found"}},
		{"json: unknown, duplicate, types", `{"organizationNodeId": "EXMPLE", "loginId": "a", "loginId": "b", "firstName": 7,
			"lastName": "Bo", "nickname": "x", "features": {"voice": {"autoAnswer": "yes", "ring": 1}, "fax": {}}}`,
			[]string{"features.fax:unknown_field", "features.voice.autoAnswer:wrong_type", "features.voice.ring:unknown_field",
				"firstName:wrong_type", "loginId:duplicate", "nickname:unknown_field"}},
		{"trailing data", `{"organizationNodeId": "EXMPLE"} {}`, []string{":syntax"}},
		{"not JSON", `{"organizationNodeId": `, []string{":syntax"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := violations(t, s.do("POST", path("/users"), tt.body))
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
	r := s.must(200, "GET", path("/users"), nil)
	if total := r.obj()["pagination"].(map[string]any)["total"]; total != 1.0 {
		t.Fatalf("after the bad requests there are %v users, want 1: something was written", total)
	}
	if r := s.do("POST", path("/users"), `{"organizationNodeId": "EXMPLE", "loginId": "TAKEN@example.com", "firstName": "Al", "lastName": "Bo"}`); r.Status != 409 {
		t.Errorf("duplicate loginId (other case) = %d, want 409", r.Status)
	}
	if r := s.do("POST", path("/users"), `{}`, "Content-Type", "text/plain"); r.Status != 415 {
		t.Errorf("text/plain body = %d, want 415", r.Status)
	}
	big := `{"loginId": "` + strings.Repeat("a", 1<<20) + `"}`
	if r := s.do("POST", path("/users"), big); r.Status != 413 {
		t.Errorf("body over 1 MiB = %d, want 413", r.Status)
	}
}

// TestProfileValidation: profile rules, and null features are for users only.
func TestProfileValidation(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	s.must(202, "POST", path("/profiles"), `{"profileName": "Taken"}`)
	got := violations(t, s.do("POST", path("/profiles"), `{"description": "`+strings.Repeat("d", 1025)+`",
		"features": {"chat": null, "voice": {"autoAnswer": true}}, "roles": ["Janitor"]}`))
	want := []string{"description:too_long", "features.chat:invalid", "profileName:required", "roles[0]:not_found"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	if r := s.do("POST", path("/profiles"), `{"profileName": "taken"}`); r.Status != 409 {
		t.Errorf("duplicate profileName = %d, want 409", r.Status)
	}
}
