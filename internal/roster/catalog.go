package roster

import "time"

// Account is a tenant. Its id is six upper-case letters and is also the id of
// its root organization node.
type Account struct {
	ID        string    `json:"accountId"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"-"`
}

// OrganizationNode is a node of an account's organization tree.
type OrganizationNode struct {
	ID        string `json:"organizationNodeId"`
	Name      string `json:"name"`
	ParentID  string `json:"parentId,omitempty"`
	AccountID string `json:"-"`
}

// Group gathers agents; supervisors own groups.
type Group struct {
	ID          string `json:"groupId"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	AccountID   string `json:"-"`
}

// Queue is a routing queue of the account's catalog.
type Queue struct {
	ID          string `json:"queueId"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	AccountID   string `json:"-"`
}

// Attribute is a routing attribute "Category.Value" of the account's catalog.
type Attribute struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	AccountID   string `json:"-"`
}

// Roles is the read-only role catalog: exactly the seed's Available Roles.
var Roles = []string{
	"Administrator",
	"Agent",
	"Business Analyst",
	"Historical Reporting_Advanced",
	"Historical Reporting_Basic",
	"Historical Reporting_Consumer",
	"Reporting",
	"Reporting_Administrator",
	"Reporting_Supervisor",
	"Supervisor",
	"Workspaces Admin Widgets Administrator",
}

var roleSet = func() map[string]bool {
	m := make(map[string]bool, len(Roles))
	for _, r := range Roles {
		m[r] = true
	}
	return m
}()

// IsRole reports whether name is in the role catalog.
func IsRole(name string) bool { return roleSet[name] }
