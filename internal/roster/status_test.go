package roster

import "testing"

// TestStamps: a change's stamp is higher than the latest, its lowest bit
// tells a client's change (1) from a profile's (0), and the flag stamps
// replaced (1) reads as a client's.
func TestStamps(t *testing.T) {
	for _, tt := range []struct {
		latest    int64
		byProfile bool
		want      int64
	}{{0, true, 2}, {0, false, 3}, {1, true, 2}, {1, false, 3}, {4, false, 7}, {5, true, 6}, {6, true, 8}} {
		if got := NextStamp(tt.latest, tt.byProfile); got != tt.want || ByProfile(got) != tt.byProfile {
			t.Errorf("NextStamp(%d, %v) = %d (by profile %v), want %d", tt.latest, tt.byProfile, got, ByProfile(got), tt.want)
		}
	}
	for stamp, want := range map[int64]string{0: ActionAdd, 1: ActionAdd, 2: ActionUpdate, 3: ActionAdd} {
		if got := StatusAction(ActionAdd, stamp); got != want {
			t.Errorf("StatusAction(ADD, %d) = %s, want %s", stamp, got, want)
		}
	}
}
