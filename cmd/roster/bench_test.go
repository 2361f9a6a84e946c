package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestBenchCommand runs a short `roster bench` of the real binary: it
// starts its own server, runs the scenarios it is given and writes every
// figure, errors included, as JSON. A second a scenario: on a loaded
// machine one argon2id hash has taken longer than 300 ms.
func TestBenchCommand(t *testing.T) {
	bin := buildRoster(t)
	out := filepath.Join(t.TempDir(), "bench.json")
	cmd := exec.Command(bin, "bench", "-c", "2", "-d", "1s", "--pool", "20", "baseline", "argon2id", "create",
		"create-password", "get", "delete", "propagate", "--users", "40", "--json", out)
	printed, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("roster bench: %v\n%s", err, printed)
	}
	if !regexp.MustCompile(`create-password: \d+% of what argon2id allows`).Match(printed) {
		t.Errorf("no ratio of create-password to argon2id in:\n%s", printed)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Results []struct {
			Scenario    string
			Ops, Errors int
			OpsPerSec   float64
			DoneSeconds float64
			PeakRSSMiB  float64
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	want := []string{"baseline", "argon2id", "create", "create-password", "get", "delete", "propagate"}
	if len(rep.Results) != len(want) {
		t.Fatalf("results %s, want %v", raw, want)
	}
	for i, r := range rep.Results {
		if r.Scenario != want[i] || r.Ops == 0 || r.Errors != 0 || r.OpsPerSec <= 0 {
			t.Errorf("result %d = %+v, want %s with operations and no errors", i, r, want[i])
		}
		if r.Scenario != "baseline" && r.Scenario != "argon2id" && r.PeakRSSMiB <= 0 {
			t.Errorf("%s: no peak RSS of the server", r.Scenario)
		}
	}
	if p := rep.Results[6]; p.DoneSeconds <= 0 {
		t.Errorf("propagate: no completion time: %+v", p)
	}
}
