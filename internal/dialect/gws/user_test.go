package gws

import (
	"errors"
	"net/http"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

func TestIDs(t *testing.T) {
	const uuid = "3f1b1c52-0a0b-4c0d-8e0f-0123456789ab"
	if id := ID(uuid); id != "3f1b1c520a0b4c0d8e0f0123456789ab" || UserID(id) != uuid {
		t.Errorf("ID(%q) = %q, UserID of it = %q", uuid, id, UserID(id))
	}
	for _, bad := range []string{"", "xyz", "3f1b1c520a0b4c0d8e0f0123456789a", "3f1b1c520a0b4c0d8e0f0123456789ag"} {
		if got := UserID(bad); got != "" {
			t.Errorf("UserID(%q) = %q, want none", bad, got)
		}
	}
	if got := UserID("3F1B1C520A0B4C0D8E0F0123456789AB"); got != uuid {
		t.Errorf("upper-case id gives %q", got)
	}
}

func TestSkillNames(t *testing.T) {
	for _, c := range []struct{ skill, attr string }{
		{"Sales", "Skill.Sales"}, {"Language.French", "Language.French"},
	} {
		if got := Attribute(c.skill); got != c.attr {
			t.Errorf("Attribute(%q) = %q, want %q", c.skill, got, c.attr)
		}
		if got := SkillName(c.attr); got != c.skill {
			t.Errorf("SkillName(%q) = %q, want %q", c.attr, got, c.skill)
		}
	}
}

func TestStatus(t *testing.T) {
	required := roster.Invalid(roster.Violation{Field: "userName", Code: roster.VRequired})
	readOnly := roster.Invalid(roster.Violation{Field: "userName", Code: roster.VReadOnly})
	for _, c := range []struct {
		err        error
		change     bool
		code, http int
	}{
		{required, false, StatusMissingParameter, http.StatusBadRequest},
		{readOnly, false, StatusReadOnly, http.StatusBadRequest},
		{roster.Invalid(roster.Violation{Field: "x", Code: roster.VInvalid}), false, StatusInvalidParameter, http.StatusBadRequest},
		{roster.NotFound("User"), false, StatusNotFound, http.StatusNotFound},
		{roster.Errorf(roster.ECONFLICT, "taken"), false, StatusAlreadyExists, http.StatusForbidden},
		{roster.Errorf(roster.EUNAUTHORIZED, "who"), false, StatusNotAuthenticated, http.StatusUnauthorized},
		{roster.Errorf(roster.EFORBIDDEN, "no"), false, StatusNoPermission, http.StatusForbidden},
		{roster.Errorf(roster.EFORBIDDEN, "change it"), true, StatusChangePassword, http.StatusForbidden},
		{errors.New("boom"), false, StatusInternalError, http.StatusInternalServerError},
	} {
		if code, status := Status(c.err, c.change); code != c.code || status != c.http {
			t.Errorf("Status(%v) = %d, %d; want %d, %d", c.err, code, status, c.code, c.http)
		}
	}
}
