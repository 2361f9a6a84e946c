package roster

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// PasswordPolicy is an account's rule for user passwords, enforced when a
// password is set and at login.
type PasswordPolicy struct {
	MinLength        int  `json:"minLength"`
	RequireLowercase bool `json:"requireLowercase"`
	RequireUppercase bool `json:"requireUppercase"`
	RequireDigit     bool `json:"requireDigit"`
	RequireSymbol    bool `json:"requireSymbol"`
	// History is how many earlier passwords may not be used again.
	History int `json:"history"`
	// MaxAgeDays is how long a password stays valid; 0 is for ever.
	MaxAgeDays int `json:"maxAgeDays"`
}

// Limits of a password policy.
const (
	MinPasswordLength = 8   // OWASP's floor
	MaxPasswordLength = 128 // longer inputs are refused, not truncated
	MaxHistory        = 24
	MaxAgeDays        = 3650
)

// DefaultPasswordPolicy is the policy of an account that has not set one:
// API.md §4's rule (at least 8, with a lower-case letter, an upper-case
// letter, a digit and a symbol), no history, no expiry.
var DefaultPasswordPolicy = PasswordPolicy{
	MinLength: 8, RequireLowercase: true, RequireUppercase: true, RequireDigit: true, RequireSymbol: true,
}

// Validate checks the policy's own fields.
func (p PasswordPolicy) Validate() Violations {
	var vs Violations
	if p.MinLength < MinPasswordLength || p.MinLength > MaxPasswordLength {
		vs.Add("minLength", VOutOfRange, "must be from %d to %d", MinPasswordLength, MaxPasswordLength)
	}
	if p.History < 0 || p.History > MaxHistory {
		vs.Add("history", VOutOfRange, "must be from 0 to %d", MaxHistory)
	}
	if p.MaxAgeDays < 0 || p.MaxAgeDays > MaxAgeDays {
		vs.Add("maxAgeDays", VOutOfRange, "must be from 0 (never expires) to %d", MaxAgeDays)
	}
	return vs
}

// Check adds a violation on field when pw breaks the policy.
func (p PasswordPolicy) Check(vs *Violations, field, pw string) {
	if msg := p.Problem(pw); msg != "" {
		vs.Add(field, VInvalid, "%s", msg)
	}
}

// Problem says how pw breaks the policy, "" when it does not.
func (p PasswordPolicy) Problem(pw string) string {
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < p.MinLength:
		return "must be at least " + strconv.Itoa(p.MinLength) + " characters"
	case n > MaxPasswordLength:
		return "must be at most " + strconv.Itoa(MaxPasswordLength) + " characters"
	case p.RequireLowercase && !lower:
		return "must contain a lower-case letter"
	case p.RequireUppercase && !upper:
		return "must contain an upper-case letter"
	case p.RequireDigit && !digit:
		return "must contain a digit"
	case p.RequireSymbol && !symbol:
		return "must contain a symbol"
	}
	return ""
}

// Expired reports whether a password set at changed is too old at now.
func (p PasswordPolicy) Expired(changed, now time.Time) bool {
	return p.MaxAgeDays > 0 && now.Sub(changed) > time.Duration(p.MaxAgeDays)*24*time.Hour
}
