package e2e

import "strings"

// dialectMatrix is the authorization matrix of the Vonage and GWS routes:
// the same rights as the canonical routes they stand for. Under /api/v2
// the account is the caller's, so the operator, bound to none, is refused.
//
//	anonymous, operator, adminClient, readClient, adminUser, supervisor, agent
func dialectMatrix() map[string]matrixRow {
	vonagePath := func(te *tenant, format string, args ...any) string {
		return "/vcc/accounts/" + te.account + sprintf(format, args...)
	}
	vonageUser := func() map[string]any {
		return map[string]any{"username": uniq("v"), "name": "Vonage User", "email": uniq("v") + "@example.com",
			"userAccountConfiguration": map[string]any{"role": "Supervisor"}}
	}
	freshVonage := func(s *server, te *tenant) string {
		return s.must(200, "POST", vonagePath(te, "/users"), vonageUser()).obj()["userId"].(string)
	}
	m := map[string]matrixRow{
		"GET " + vcc + "/users": {"1YYYY33", func(_ *server, te *tenant, _ string) request { return request{path: vonagePath(te, "/users")} }},
		"POST " + vcc + "/users": {"1YY3Y33", func(_ *server, te *tenant, _ string) request {
			return request{path: vonagePath(te, "/users"), body: vonageUser()}
		}},
		"GET " + vcc + "/users/{userId}": {"1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: vonagePath(te, "/users/%s", te.agentID)}
		}},
		"PUT " + vcc + "/users/{userId}": {"1YY3Y33", func(s *server, te *tenant, _ string) request {
			return request{path: vonagePath(te, "/users/%s", freshVonage(s, te)), body: vonageUser()}
		}},
		"DELETE " + vcc + "/users/{userId}": {"1YY3Y33", func(s *server, te *tenant, _ string) request {
			return request{path: vonagePath(te, "/users/%s", freshVonage(s, te))}
		}},
	}
	for _, base := range []string{gwsOwn, gwsAcct} {
		gwsPath := func(te *tenant, format string, args ...any) string {
			return strings.Replace(base, "{accountId}", te.account, 1) + sprintf(format, args...)
		}
		freshGWS := func(s *server, te *tenant) string {
			s.do("PUT", te.path("/attributes/Skill.Matrix"), nil) // 201, then 200
			id := gwsID(freshVonage(s, te))
			s.must(200, "POST", gwsPath(te, "/users/%s/skills", id), map[string]any{"name": "Matrix", "level": 2}, te.as("adminClient")...)
			return id
		}
		gwsUser := func() map[string]any {
			return map[string]any{"userName": uniq("g") + "@example.com", "firstName": "G", "lastName": "W", "roles": []string{"ROLE_AGENT"}}
		}
		// The operator has no account of its own: /api/v2 refuses it.
		op := func(row string) string {
			if base == gwsOwn {
				return row[:1] + "3" + row[2:]
			}
			return row
		}
		agent := func(te *tenant) string { return gwsID(te.agentID) }
		add := func(key, row string, build func(s *server, te *tenant, caller string) request) {
			m[key] = matrixRow{op(row), build}
		}
		add("GET "+base+"/users", "1YYYY33", func(_ *server, te *tenant, _ string) request { return request{path: gwsPath(te, "/users")} })
		add("POST "+base+"/users", "1YY3Y33", func(_ *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users"), body: gwsUser()}
		})
		add("GET "+base+"/users/{id}", "1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users/%s", agent(te))}
		})
		for _, method := range []string{"POST", "PUT"} {
			add(method+" "+base+"/users/{id}", "1YY3Y33", func(s *server, te *tenant, _ string) request {
				return request{path: gwsPath(te, "/users/%s", freshGWS(s, te)), body: map[string]any{"firstName": "Changed"}}
			})
		}
		add("DELETE "+base+"/users/{id}", "1YY3Y33", func(s *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users/%s", freshGWS(s, te))}
		})
		add("GET "+base+"/users/{id}/skills", "1YYYYY3", func(_ *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users/%s/skills", agent(te))}
		})
		add("POST "+base+"/users/{id}/skills", "1YY3Y33", func(s *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users/%s/skills", freshGWS(s, te)), body: map[string]any{"name": "Matrix", "level": 5}}
		})
		add("DELETE "+base+"/users/{id}/skills", "1YY3Y33", func(s *server, te *tenant, _ string) request {
			return request{path: gwsPath(te, "/users/%s/skills", freshGWS(s, te)), body: map[string]any{"name": "Matrix"}}
		})
		m["GET "+base+"/me"] = matrixRow{"1333YYY", func(_ *server, te *tenant, _ string) request { return request{path: gwsPath(te, "/me")} }}
	}
	return m
}

// gwsID is a user's GWS id: its UUID without the dashes.
func gwsID(userID string) string { return strings.ReplaceAll(userID, "-", "") }
