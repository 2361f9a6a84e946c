package httpapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// openAPIDocument is the API's contract, written by hand. openapi_test.go
// fails when it and the route table drift apart.
//
//go:embed openapi.json
var openAPIDocument string

// OpenAPIDocument returns the OpenAPI 3.1 document of the API, a fresh copy
// on each call so callers may modify it.
func OpenAPIDocument() []byte { return []byte(openAPIDocument) }

// openAPI serves the OpenAPI document.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(OpenAPIDocument())
	return err
}

// docs serves the OpenAPI document rendered as one self-contained HTML page.
// The page is rendered once, on the first request: the document is fixed at
// build time.
func (a *API) docs(w http.ResponseWriter, r *http.Request) error {
	page, err := renderDocs()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(page)
	return err
}

// oaDoc is the part of an OpenAPI document the docs page shows. Objects
// whose order matters to a reader (paths, responses, properties) keep it.
type oaDoc struct {
	Info struct {
		Title, Version, Summary, Description string
	} `json:"info"`
	Tags []struct {
		Name, Description string
	} `json:"tags"`
	Paths      oaOrdered[oaOrdered[json.RawMessage]] `json:"paths"`
	Components struct {
		Schemas    oaOrdered[*oaSchema]  `json:"schemas"`
		Parameters map[string]oaParam    `json:"parameters"`
		Responses  map[string]oaResponse `json:"responses"`
		Headers    map[string]oaHeader   `json:"headers"`
	} `json:"components"`
}

type oaOperation struct {
	Tags        []string              `json:"tags"`
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Parameters  []oaParam             `json:"parameters"`
	RequestBody *oaRequestBody        `json:"requestBody"`
	Responses   oaOrdered[oaResponse] `json:"responses"`
}

type oaParam struct {
	Ref         string    `json:"$ref"`
	Name        string    `json:"name"`
	In          string    `json:"in"`
	Description string    `json:"description"`
	Required    bool      `json:"required"`
	Schema      *oaSchema `json:"schema"`
}

type oaRequestBody struct {
	Description string             `json:"description"`
	Required    bool               `json:"required"`
	Content     oaOrdered[oaMedia] `json:"content"`
}

type oaResponse struct {
	Ref         string              `json:"$ref"`
	Description string              `json:"description"`
	Headers     oaOrdered[oaHeader] `json:"headers"`
	Content     oaOrdered[oaMedia]  `json:"content"`
}

type oaHeader struct {
	Ref         string    `json:"$ref"`
	Description string    `json:"description"`
	Required    bool      `json:"required"`
	Schema      *oaSchema `json:"schema"`
}

type oaMedia struct {
	Schema *oaSchema `json:"schema"`
}

type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 oaTypes              `json:"type"`
	Format               string               `json:"format"`
	Description          string               `json:"description"`
	Properties           oaOrdered[*oaSchema] `json:"properties"`
	Required             []string             `json:"required"`
	AdditionalProperties any                  `json:"additionalProperties"`
	Items                *oaSchema            `json:"items"`
	AnyOf                []*oaSchema          `json:"anyOf"`
	OneOf                []*oaSchema          `json:"oneOf"`
	Enum                 []any                `json:"enum"`
	Const                any                  `json:"const"`
	Default              any                  `json:"default"`
	Pattern              string               `json:"pattern"`
	MinLength            *float64             `json:"minLength"`
	MaxLength            *float64             `json:"maxLength"`
	MinItems             *float64             `json:"minItems"`
	MaxItems             *float64             `json:"maxItems"`
	Minimum              *float64             `json:"minimum"`
	Maximum              *float64             `json:"maximum"`
	ReadOnly             bool                 `json:"readOnly"`
	WriteOnly            bool                 `json:"writeOnly"`
}

// oaTypes is a schema's type: one name or, in OpenAPI 3.1, a list.
type oaTypes []string

func (t *oaTypes) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = oaTypes{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(t))
}

// oaOrdered is a JSON object decoded with the order of its keys.
type oaOrdered[V any] struct {
	Keys   []string
	Values map[string]V
}

func (m *oaOrdered[V]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("want a JSON object, got %s", b[:min(len(b), 20)])
	}
	m.Keys, m.Values = nil, map[string]V{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var v V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		m.Keys = append(m.Keys, key)
		m.Values[key] = v
	}
	_, err := dec.Token()
	return err
}
