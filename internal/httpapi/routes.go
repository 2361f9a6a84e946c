package httpapi

import "net/http"

// route is one entry of the route table: a net/http pattern and its handler.
type route struct {
	method, path string
	handle       handlerFunc
}

const acct = "/v1beta/accounts/{accountId}"

// routes is the one route table of the API. The OpenAPI document lists
// exactly these (a test fails when they drift apart).
func (a *API) routes() []route {
	return []route{
		{"GET", "/healthz", a.healthz},
		{"GET", "/readyz", a.readyz},
		{"GET", "/openapi.json", a.openAPI},
		{"GET", "/docs", a.docs},

		{"POST", "/v1beta/accounts", a.createAccount},
		{"GET", acct, a.getAccount},

		{"GET", acct + "/organizationNodes", a.listNodes},
		{"POST", acct + "/organizationNodes", a.createNode},
		{"GET", acct + "/organizationNodes/{nodeId}", a.getNode},
		{"PUT", acct + "/organizationNodes/{nodeId}", a.replaceNode},
		{"DELETE", acct + "/organizationNodes/{nodeId}", a.deleteNode},

		{"GET", acct + "/groups", a.listGroups},
		{"POST", acct + "/groups", a.createGroup},
		{"GET", acct + "/groups/{groupId}", a.getGroup},
		{"PUT", acct + "/groups/{groupId}", a.replaceGroup},
		{"DELETE", acct + "/groups/{groupId}", a.deleteGroup},
		{"GET", acct + "/groups/{groupId}/members", a.groupMembers},

		{"GET", acct + "/queues", a.listQueues},
		{"GET", acct + "/queues/{queueId}", a.getQueue},
		{"PUT", acct + "/queues/{queueId}", a.putQueue},
		{"DELETE", acct + "/queues/{queueId}", a.deleteQueue},

		{"GET", acct + "/attributes", a.listAttributes},
		{"GET", acct + "/attributes/{name}", a.getAttribute},
		{"PUT", acct + "/attributes/{name}", a.putAttribute},
		{"DELETE", acct + "/attributes/{name}", a.deleteAttribute},

		{"GET", acct + "/roles", a.listRoles},

		{"GET", acct + "/profiles", a.listProfiles},
		{"POST", acct + "/profiles", a.createProfile},
		{"POST", acct + "/profiles:listStatuses", a.listProfileStatuses},
		{"GET", acct + "/profiles/{profileId}", a.getProfile},
		{"PUT", acct + "/profiles/{profileId}", a.replaceProfile},
		{"DELETE", acct + "/profiles/{profileId}", a.deleteProfile},
		{"GET", acct + "/profiles/{profileId}/status", a.profileStatus},

		{"GET", acct + "/users", a.listUsers},
		{"POST", acct + "/users", a.createUser},
		{"POST", acct + "/users:search", a.searchUsers},
		{"POST", acct + "/users:listStatuses", a.listUserStatuses},
		{"GET", acct + "/users/{userId}", a.getUser},
		{"PUT", acct + "/users/{userId}", a.replaceUser},
		{"DELETE", acct + "/users/{userId}", a.deleteUser},
		{"GET", acct + "/users/{userId}/status", a.userStatus},
	}
}

// Route is a method and path pattern of the route table, for tests and docs.
type Route struct{ Method, Path string }

// Routes returns the route table's methods and patterns.
func (a *API) Routes() []Route {
	var out []Route
	for _, r := range a.routes() {
		out = append(out, Route{r.method, r.path})
	}
	return out
}

var _ = http.MethodGet
