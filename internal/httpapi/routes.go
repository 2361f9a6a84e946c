package httpapi

import "github.com/roster-cc/roster/internal/roster"

// route is one entry of the route table: a net/http pattern, what it
// requires of its caller (README: "Who may do what"), and its handler.
type route struct {
	method, path string
	access       roster.Access
	handle       handlerFunc
}

// Shorthands for the route table.
const (
	public    = roster.AccessPublic
	operator  = roster.AccessOperator
	admin     = roster.AccessAdmin
	read      = roster.AccessRead
	supervise = roster.AccessSupervise
	self      = roster.AccessSelf
)

const acct = "/v1beta/accounts/{accountId}"

// routes is the one route table of the API. The OpenAPI document lists
// exactly these (a test fails when they drift apart). The GWS routes
// answer twice: for the caller's own account and under an account's path.
func (a *API) routes() []route {
	rs := []route{
		{"GET", "/healthz", public, a.healthz},
		{"GET", "/readyz", public, a.readyz},
		{"GET", "/openapi.json", public, a.openAPI},
		{"GET", "/docs", public, a.docs},

		{"POST", "/oauth/token", public, a.oauthToken},
		{"POST", acct + "/token", public, a.login},
		{"DELETE", acct + "/token", self, a.logout},
		{"GET", acct + "/me", self, a.me},

		{"POST", "/v1beta/accounts", operator, a.createAccount},
		{"GET", acct, read, a.getAccount},

		{"GET", acct + "/clients", read, a.listClients},
		{"POST", acct + "/clients", admin, a.createClient},
		{"GET", acct + "/clients/{clientId}", read, a.getClient},
		{"DELETE", acct + "/clients/{clientId}", admin, a.deleteClient},
		{"GET", acct + "/passwordPolicy", read, a.getPasswordPolicy},
		{"PUT", acct + "/passwordPolicy", admin, a.putPasswordPolicy},
		{"GET", acct + "/auditRecords", read, a.listAuditRecords},

		{"GET", acct + "/organizationNodes", read, a.listNodes},
		{"POST", acct + "/organizationNodes", admin, a.createNode},
		{"GET", acct + "/organizationNodes/{nodeId}", read, a.getNode},
		{"PUT", acct + "/organizationNodes/{nodeId}", admin, a.replaceNode},
		{"DELETE", acct + "/organizationNodes/{nodeId}", admin, a.deleteNode},

		{"GET", acct + "/groups", read, a.listGroups},
		{"POST", acct + "/groups", admin, a.createGroup},
		{"GET", acct + "/groups/{groupId}", read, a.getGroup},
		{"PUT", acct + "/groups/{groupId}", admin, a.replaceGroup},
		{"DELETE", acct + "/groups/{groupId}", admin, a.deleteGroup},
		{"GET", acct + "/groups/{groupId}/members", supervise, a.groupMembers},

		{"GET", acct + "/queues", read, a.listQueues},
		{"GET", acct + "/queues/{queueId}", read, a.getQueue},
		{"PUT", acct + "/queues/{queueId}", admin, a.putQueue},
		{"DELETE", acct + "/queues/{queueId}", admin, a.deleteQueue},

		{"GET", acct + "/attributes", read, a.listAttributes},
		{"GET", acct + "/attributes/{name}", read, a.getAttribute},
		{"PUT", acct + "/attributes/{name}", admin, a.putAttribute},
		{"DELETE", acct + "/attributes/{name}", admin, a.deleteAttribute},

		{"GET", acct + "/roles", read, a.listRoles},

		{"GET", acct + "/profiles", read, a.listProfiles},
		{"POST", acct + "/profiles", admin, a.createProfile},
		{"POST", acct + "/profiles:listStatuses", read, a.listProfileStatuses},
		{"GET", acct + "/profiles/{profileId}", read, a.getProfile},
		{"PUT", acct + "/profiles/{profileId}", admin, a.replaceProfile},
		{"DELETE", acct + "/profiles/{profileId}", admin, a.deleteProfile},
		{"GET", acct + "/profiles/{profileId}/status", read, a.profileStatus},

		{"GET", acct + "/users", read, a.listUsers},
		{"POST", acct + "/users", admin, a.createUser},
		{"POST", acct + "/users:search", read, a.searchUsers},
		{"POST", acct + "/users:listStatuses", read, a.listUserStatuses},
		{"GET", acct + "/users/{userId}", supervise, a.getUser},
		{"PUT", acct + "/users/{userId}", admin, a.replaceUser},
		{"DELETE", acct + "/users/{userId}", admin, a.deleteUser},
		{"GET", acct + "/users/{userId}/status", supervise, a.userStatus},

		{"GET", vcc + "/users", read, a.vonageList},
		{"POST", vcc + "/users", admin, a.vonageCreate},
		{"GET", vcc + "/users/{userId}", supervise, a.vonageGet},
		{"PUT", vcc + "/users/{userId}", admin, a.vonageReplace},
		{"DELETE", vcc + "/users/{userId}", admin, a.vonageDelete},
	}
	for _, base := range []string{gwsOwn, gwsAcct} {
		rs = append(rs,
			route{"GET", base + "/users", read, a.gwsList},
			route{"POST", base + "/users", admin, a.gwsCreate},
			route{"GET", base + "/users/{id}", supervise, a.gwsGet},
			route{"POST", base + "/users/{id}", admin, a.gwsUpdate},
			route{"PUT", base + "/users/{id}", admin, a.gwsUpdate},
			route{"DELETE", base + "/users/{id}", admin, a.gwsDelete},
			route{"GET", base + "/users/{id}/skills", supervise, a.gwsSkills},
			route{"POST", base + "/users/{id}/skills", admin, a.gwsAddSkill},
			route{"DELETE", base + "/users/{id}/skills", admin, a.gwsRemoveSkill},
			route{"GET", base + "/me", self, a.gwsGet},
		)
	}
	return rs
}

// Route is a method and path pattern of the route table and its access,
// for tests and docs.
type Route struct {
	Method, Path string
	Access       roster.Access
}

// Routes returns the route table's methods, patterns and access.
func (a *API) Routes() []Route {
	var out []Route
	for _, r := range a.routes() {
		out = append(out, Route{r.method, r.path, r.access})
	}
	return out
}
