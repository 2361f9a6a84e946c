package service

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestNewUserID: user ids are version 7 UUIDs that sort by creation time
// (to the 1/4096 of a millisecond), and two ids of one instant differ.
func TestNewUserID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	start := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 2000 {
		ids = append(ids, newUserID(start.Add(time.Duration(i)*300*time.Nanosecond)))
	}
	for _, id := range ids {
		if !re.MatchString(id) {
			t.Fatalf("%q is not a version 7 UUID", id)
		}
	}
	// 300 ns apart is more than 1/4096 ms (244 ns): each id sorts after the last.
	if !slices.IsSorted(ids) {
		t.Fatalf("ids made one after another do not sort in that order")
	}
	if got := ids[0][:13]; got != "01a20b7e-f780" {
		t.Fatalf("the first 48 bits are %q, not the milliseconds of %v", got, start)
	}
	if a, b := newUserID(start), newUserID(start); a == b {
		t.Fatalf("two ids of one instant are equal: %s", a)
	}
}
