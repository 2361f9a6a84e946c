package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	p := Params{Memory: 1024, Time: 1, Threads: 1}
	h, err := Hash("ucP69e3sCw9%", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(h, "ucP69e3sCw9%") {
		t.Fatalf("Hash = %q, want an argon2id PHC string without the password", h)
	}
	for pw, want := range map[string]bool{"ucP69e3sCw9%": true, "ucP69e3sCw9": false, "": false} {
		if ok, err := Verify(pw, h); err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := Hash("ucP69e3sCw9%", p)
	if h2 == h {
		t.Error("two hashes of one password are equal; the salt is not random")
	}
	if _, err := Verify("x", "$bcrypt$"); err == nil {
		t.Error("Verify of a non-argon2id hash: want an error")
	}
}
