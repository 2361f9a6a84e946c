package store

import (
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// userColumns maps the filterable keys of users to columns.
var userColumns = map[string]string{
	"loginId":            "u.login_lower",
	"firstName":          "u.first_name",
	"lastName":           "u.last_name",
	"organizationNodeId": "u.org_node_id",
	"profileId":          "u.profile_id",
}

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
		col := userColumns[c.Key]
		pattern := likeEscape(strings.ToLower(c.Value))
		switch c.Operator {
		case roster.OpStartsWith:
			pattern += "%"
		case roster.OpEndsWith:
			pattern = "%" + pattern
		case roster.OpContains:
			pattern = "%" + pattern + "%"
		}
		b.WriteString("COALESCE(LOWER(" + col + "), '') LIKE ? ESCAPE '\\'")
		*args = append(*args, pattern)
	}
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func orderUsers(key string, desc bool) string {
	col, ok := map[string]string{"loginId": "u.login_lower", "firstName": "u.first_name", "lastName": "u.last_name"}[key]
	if !ok {
		col = "u.login_lower"
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return col + dir + ", u.id" + dir
}
