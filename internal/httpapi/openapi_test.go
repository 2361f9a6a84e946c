package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatalf("load internal/httpapi/openapi.json: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	// Validate also checks every example against its schema.
	if err := doc.Validate(context.Background(), openapi3.EnableMultiError()); err != nil {
		t.Fatalf("internal/httpapi/openapi.json is not a valid OpenAPI document:\n%v", err)
	}
	// The docs page and the validators depend on plain JSON, so the
	// embedded bytes must decode as such too.
	var v map[string]any
	if err := json.Unmarshal(OpenAPIDocument(), &v); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
}

// TestOpenAPIMatchesRoutes keeps the document and the route table in step:
// every route is an operation and every operation a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range (&API{}).Routes() {
		key := r.Method + " " + r.Path
		if routed[key] {
			t.Errorf("route %s is in the route table twice", key)
		}
		routed[key] = true
	}
	var undocumented, unrouted []string
	for key := range routed {
		if !documented[key] {
			undocumented = append(undocumented, key)
		}
	}
	for key := range documented {
		if !routed[key] {
			unrouted = append(unrouted, key)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unrouted)
	if len(undocumented) > 0 {
		t.Errorf("routes missing from the OpenAPI document; edit internal/httpapi/openapi.json to add them:\n\t%s",
			strings.Join(undocumented, "\n\t"))
	}
	if len(unrouted) > 0 {
		t.Errorf("operations of the OpenAPI document that no route serves; edit internal/httpapi/openapi.json (or routes.go):\n\t%s",
			strings.Join(unrouted, "\n\t"))
	}
}

// TestOpenAPIOperationsAnswerErrors checks the promises every operation
// makes: an operationId, a summary, and the 500 and 503 problems. The GWS
// operations answer every error as GWS does, with the GWSError schema, and
// a body too large or not JSON is one of their 400s.
func TestOpenAPIOperationsAnswerErrors(t *testing.T) {
	doc := loadOpenAPI(t)
	for path, item := range doc.Paths.Map() {
		gws := isGWSPath(path)
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: operationId %q, summary %q; want both", name, op.OperationID, op.Summary)
			}
			for _, status := range []int{500, 503} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s: no %d response", name, status)
				}
			}
			if op.RequestBody != nil {
				bodyStatuses := []int{400, 413, 415}
				if gws {
					bodyStatuses = []int{400}
				}
				for _, status := range bodyStatuses {
					if op.Responses.Status(status) == nil {
						t.Errorf("%s: takes a body but has no %d response", name, status)
					}
				}
			}
			if gws {
				for code, resp := range op.Responses.Map() {
					if n, err := strconv.Atoi(code); (err != nil || n >= 400) && !answersGWSError(resp) {
						t.Errorf("%s: the %s response is not application/json with the GWSError schema, as GWS errors are", name, code)
					}
				}
			}
		}
	}
}

// answersGWSError tells whether a response is a GWS error body and nothing else.
func answersGWSError(r *openapi3.ResponseRef) bool {
	if r == nil || r.Value == nil || len(r.Value.Content) != 1 {
		return false
	}
	mt := r.Value.Content.Get("application/json")
	return mt != nil && mt.Schema != nil && mt.Schema.Ref == "#/components/schemas/GWSError"
}

func TestDocsPage(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := (&API{}).docs(rec, httptest.NewRequest(http.MethodGet, "/docs", nil)); err != nil {
		t.Fatalf("docs: %v", err)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /docs: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /docs: Content-Type %q, want text/html", ct)
	}
	body := rec.Body.String()
	for _, r := range (&API{}).Routes() {
		if !strings.Contains(body, ">"+r.Path+"<") {
			t.Errorf("GET /docs: no heading for path %s", r.Path)
		}
	}
	doc := loadOpenAPI(t)
	for name := range doc.Components.Schemas {
		if !strings.Contains(body, `id="schema-`+name+`"`) {
			t.Errorf("GET /docs: no section for schema %s", name)
		}
	}
	for _, want := range []string{"<h1>roster API", "<h4>Profiles and inheritance</h4>", "<code>Idempotency-Key</code>"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /docs: no %q", want)
		}
	}
	for _, external := range []string{"<script", "<link", " src="} {
		if strings.Contains(body, external) {
			t.Errorf("GET /docs: has %q; the page must be self-contained and work offline", external)
		}
	}
}

func TestOpenAPIHandler(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := (&API{}).openAPI(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil)); err != nil {
		t.Fatalf("openAPI: %v", err)
	}
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi.json: %d %q, want 200 application/json", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec.Body.String() != string(OpenAPIDocument()) {
		t.Errorf("GET /openapi.json does not serve the embedded document")
	}
}
