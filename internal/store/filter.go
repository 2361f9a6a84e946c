package store

import (
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// userColumns maps the filterable keys of users to columns. The names are
// kept lower-cased by roster (users.go) and indexed in byte order.
var userColumns = map[string]string{
	"loginId":            "u.login_lower",
	"firstName":          "u.first_lower",
	"lastName":           "u.last_lower",
	"organizationNodeId": "u.org_node_id",
	"profileId":          "u.profile_id",
}

// lowered are the columns that hold lower-cased text.
var lowered = map[string]bool{"u.login_lower": true, "u.first_lower": true, "u.last_lower": true}

// maxRune, appended to a prefix, is above every string that starts with
// it, in byte order: prefix <= s < prefix+maxRune is "s starts with prefix".
const maxRune = "\U0010FFFF"

func whereUsers(accountID string, c *roster.Condition) (string, []any) {
	var b strings.Builder
	args := []any{accountID}
	b.WriteString("u.account_id = ?")
	if c != nil {
		b.WriteString(" AND ")
		writeCondition(&b, &args, c)
	}
	return b.String(), args
}

// namesOnly reports whether there is a condition and it reads only the
// first and last names, which the index in login order holds.
func namesOnly(c *roster.Condition) bool {
	if c == nil {
		return false
	}
	if c.Left != nil {
		return namesOnly(c.Left) && namesOnly(c.Right)
	}
	return c.Key == "firstName" || c.Key == "lastName"
}

// writeCondition writes the condition as SQL. Joins nest left to right, so
// a AND b OR c means (a AND b) OR c. String comparisons ignore case.
func writeCondition(b *strings.Builder, args *[]any, c *roster.Condition) {
	if c.Left != nil {
		b.WriteString("(")
		writeCondition(b, args, c.Left)
		b.WriteString(" " + c.Join + " ")
		writeCondition(b, args, c.Right)
		b.WriteString(")")
		return
	}
	negate := c.Operator == roster.OpNotEquals
	if negate {
		b.WriteString("NOT ")
	}
	switch c.Key {
	case "role":
		// The effective roles: the user's own, else the profile's.
		b.WriteString(`(EXISTS (SELECT 1 FROM user_roles r WHERE r.account_id = u.account_id AND r.user_id = u.id AND r.role = ?)
			OR (u.has_roles = 0 AND EXISTS (SELECT 1 FROM profile_roles r WHERE r.account_id = u.account_id AND r.profile_id = u.profile_id AND r.role = ?)))`)
		*args = append(*args, c.Value, c.Value)
	case "groupId":
		b.WriteString(`(EXISTS (SELECT 1 FROM user_groups g WHERE g.account_id = u.account_id AND g.user_id = u.id AND g.owned = 0 AND g.group_id = ?)
			OR (u.has_groups = 0 AND EXISTS (SELECT 1 FROM profile_groups g WHERE g.account_id = u.account_id AND g.profile_id = u.profile_id AND g.owned = 0 AND g.group_id = ?)))`)
		*args = append(*args, c.Value, c.Value)
	default:
		writeTextCondition(b, args, userColumns[c.Key], c)
	}
}

// writeTextCondition writes a condition on a text column, ignoring case.
// On the lower-cased columns, equality and prefixes are index ranges;
// suffixes and substrings are LIKE patterns.
func writeTextCondition(b *strings.Builder, args *[]any, col string, c *roster.Condition) {
	v := strings.ToLower(c.Value)
	if !lowered[col] { // ids: nullable, and kept as given
		col = "COALESCE(LOWER(" + col + "), '')"
	}
	switch c.Operator {
	case roster.OpEquals, roster.OpNotEquals: // NOT is written by the caller
		b.WriteString(col + " = ?")
		*args = append(*args, v)
	case roster.OpStartsWith:
		b.WriteString("(" + col + " >= ? AND " + col + " < ?)")
		*args = append(*args, v, v+maxRune)
	case roster.OpEndsWith:
		b.WriteString(col + " LIKE ? ESCAPE '\\'")
		*args = append(*args, "%"+likeEscape(v))
	default: // CONTAINS
		b.WriteString(col + " LIKE ? ESCAPE '\\'")
		*args = append(*args, "%"+likeEscape(v)+"%")
	}
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func orderUsers(key string, desc bool) string {
	col, ok := map[string]string{"loginId": "u.login_lower", "firstName": "u.first_lower", "lastName": "u.last_lower"}[key]
	if !ok {
		col = "u.login_lower"
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return col + dir + ", u.id" + dir
}
