// Package apitest helps end-to-end tests hold the service to its OpenAPI
// document: every answer a test receives must be one the document allows.
package apitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/roster-cc/roster/internal/httpapi"
)

// Validator checks HTTP exchanges against the API's OpenAPI document.
// It is safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

// NewValidator loads and validates httpapi.OpenAPIDocument and builds a
// router over its paths. It fails the test when the document is unusable.
//
// The gorilla/mux router is used: it matches paths such as
// /v1beta/accounts/{accountId}/users:search, where a literal ":" follows a
// segment. Servers are dropped so that requests to any host and port match.
func NewValidator(tb testing.TB) *Validator {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPIDocument())
	if err != nil {
		tb.Fatalf("apitest: load the OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("apitest: the OpenAPI document is invalid: %v", err)
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		tb.Fatalf("apitest: route the OpenAPI document: %v", err)
	}
	return &Validator{doc: doc, router: router}
}

// Check reports with tb.Errorf when an exchange breaks the OpenAPI document:
// the request matches no operation, the status is not documented for the
// operation, a required header (ETag, Location) is missing or malformed, the
// Content-Type is not a documented one, or the body does not match the
// schema, problem bodies (application/problem+json) included. A response
// documented without content must have an empty body.
//
// The request itself is not validated: tests send bad requests on purpose.
// reqBody is the body req carried (req.Body may have been consumed).
func (v *Validator) Check(tb testing.TB, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) {
	tb.Helper()
	if err := v.check(req, reqBody, status, header, respBody); err != nil {
		tb.Errorf("%s %s answered %d, which breaks the OpenAPI document: %v\nresponse body: %s",
			req.Method, req.URL.RequestURI(), status, err, abbreviate(respBody))
	}
}

func (v *Validator) check(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) error {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("the request matches no operation (%w); add it to internal/httpapi/openapi.json", err)
	}
	ctx := context.Background()
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	opts.WithCustomSchemaErrorFunc(schemaErrorMessage)
	if header == nil {
		header = http.Header{}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: params, Route: route, Options: opts,
		},
		Status:  status,
		Header:  header,
		Options: opts,
	}
	in.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return err
	}
	// ValidateResponse accepts any body where the document lists no content.
	if resp := documented(route.Operation, status); resp != nil && len(resp.Content) == 0 && len(bytes.TrimSpace(respBody)) > 0 {
		return errors.New("the response has a body but the document lists no content for this status")
	}
	return nil
}

// schemaErrorMessage names the offending place and reason, without the
// schema and value dumps kin-openapi adds by default (the body is reported).
func schemaErrorMessage(err *openapi3.SchemaError) string {
	msg := err.Reason
	if err.Origin != nil {
		msg = err.Origin.Error()
	}
	if msg == "" {
		msg = "does not match the schema's " + err.SchemaField
	}
	if p := err.JSONPointer(); len(p) > 0 {
		return fmt.Sprintf("at /%s: %s", strings.Join(p, "/"), msg)
	}
	return msg
}

func documented(op *openapi3.Operation, status int) *openapi3.Response {
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}

// Transport returns an http.RoundTripper that sends requests with base
// (http.DefaultTransport when nil) and checks every exchange with Check, so
// an end-to-end test's client validates all it receives.
func (v *Validator) Transport(tb testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &checkingTransport{v: v, tb: tb, base: base}
}

type checkingTransport struct {
	v    *Validator
	tb   testing.TB
	base http.RoundTripper
}

func (t *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	t.v.Check(t.tb, req, reqBody, resp.StatusCode, resp.Header, body)
	return resp, nil
}

func abbreviate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
