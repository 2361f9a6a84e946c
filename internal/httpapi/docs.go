package httpapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"
)

//go:embed docs.tmpl
var docsTemplate string

// renderDocs renders the documentation page from the OpenAPI document, once.
var renderDocs = sync.OnceValues(func() ([]byte, error) {
	var doc oaDoc
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		return nil, fmt.Errorf("docs: decode openapi.json: %w", err)
	}
	page, err := doc.page()
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	tmpl, err := template.New("docs").Parse(docsTemplate)
	if err != nil {
		return nil, fmt.Errorf("docs: parse template: %w", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, page); err != nil {
		return nil, fmt.Errorf("docs: render: %w", err)
	}
	return b.Bytes(), nil
})

// docsPage is what docs.tmpl shows.
type docsPage struct {
	Title, Version string
	Summary        template.HTML
	Description    template.HTML
	Tags           []docsTag
	Schemas        []docsSchema
}

type docsTag struct {
	Name, Anchor string
	Description  template.HTML
	Ops          []docsOp
}

type docsOp struct {
	ID, Method, Path, Summary string
	Description               template.HTML
	Params                    []docsField
	Body                      *docsBody
	Responses                 []docsResponse
}

// docsField is a parameter, a header or a schema property.
type docsField struct {
	Name, In    string
	Type        template.HTML
	Required    bool
	Description template.HTML
	Rules       string
}

type docsBody struct {
	Required    bool
	Description template.HTML
	Content     []docsContent
}

type docsContent struct {
	MediaType string
	Schema    template.HTML
}

type docsResponse struct {
	Status      string
	Description template.HTML
	Headers     []docsField
	Content     []docsContent
}

type docsSchema struct {
	Name        string
	Type        template.HTML
	Description template.HTML
	Rules       string
	Props       []docsField
	Closed      bool // additionalProperties: false
}

// httpMethods are the keys of a path item that are operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// page turns the document into the page model, operations grouped by their
// first tag in the order of the document's tags.
func (d *oaDoc) page() (*docsPage, error) {
	p := &docsPage{
		Title: d.Info.Title, Version: d.Info.Version,
		Summary: inline(d.Info.Summary), Description: markdown(d.Info.Description),
	}
	byTag := map[string]int{} // index in p.Tags
	for _, t := range d.Tags {
		byTag[t.Name] = len(p.Tags)
		p.Tags = append(p.Tags, docsTag{Name: t.Name, Anchor: anchor(t.Name), Description: markdown(t.Description)})
	}
	for _, path := range d.Paths.Keys {
		item := d.Paths.Values[path]
		var common []oaParam
		if raw, ok := item.Values["parameters"]; ok {
			if err := json.Unmarshal(raw, &common); err != nil {
				return nil, fmt.Errorf("%s: parameters: %w", path, err)
			}
		}
		for _, key := range item.Keys {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(item.Values[key], &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", key, path, err)
			}
			o, err := d.operation(strings.ToUpper(key), path, common, &op)
			if err != nil {
				return nil, err
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			i, ok := byTag[tag]
			if !ok {
				i = len(p.Tags)
				byTag[tag] = i
				p.Tags = append(p.Tags, docsTag{Name: tag, Anchor: anchor(tag)})
			}
			p.Tags[i].Ops = append(p.Tags[i].Ops, o)
		}
	}
	for _, name := range d.Components.Schemas.Keys {
		p.Schemas = append(p.Schemas, d.schema(name, d.Components.Schemas.Values[name]))
	}
	return p, nil
}

func (d *oaDoc) operation(method, path string, common []oaParam, op *oaOperation) (docsOp, error) {
	o := docsOp{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Description: markdown(op.Description)}
	for _, prm := range append(slices.Clone(common), op.Parameters...) {
		pv, err := d.parameter(prm)
		if err != nil {
			return o, fmt.Errorf("%s %s: %w", method, path, err)
		}
		o.Params = append(o.Params, docsField{
			Name: pv.Name, In: pv.In, Type: typeHTML(pv.Schema), Required: pv.Required,
			Description: inline(pv.Description), Rules: d.rules(pv.Schema),
		})
	}
	if rb := op.RequestBody; rb != nil {
		o.Body = &docsBody{Required: rb.Required, Description: inline(rb.Description), Content: content(rb.Content)}
	}
	for _, status := range op.Responses.Keys {
		rv, err := d.response(op.Responses.Values[status])
		if err != nil {
			return o, fmt.Errorf("%s %s %s: %w", method, path, status, err)
		}
		resp := docsResponse{Status: status, Description: inline(rv.Description), Content: content(rv.Content)}
		for _, name := range rv.Headers.Keys {
			hv, err := d.header(rv.Headers.Values[name])
			if err != nil {
				return o, fmt.Errorf("%s %s %s: %w", method, path, status, err)
			}
			resp.Headers = append(resp.Headers, docsField{Name: name, Type: typeHTML(hv.Schema),
				Required: hv.Required, Description: inline(hv.Description)})
		}
		o.Responses = append(o.Responses, resp)
	}
	return o, nil
}

func content(c oaOrdered[oaMedia]) []docsContent {
	var out []docsContent
	for _, mt := range c.Keys {
		out = append(out, docsContent{MediaType: mt, Schema: typeHTML(c.Values[mt].Schema)})
	}
	return out
}

func (d *oaDoc) schema(name string, s *oaSchema) docsSchema {
	ds := docsSchema{Name: name, Type: typeHTML(s), Description: markdown(s.Description), Rules: d.rules(s)}
	if ap, ok := s.AdditionalProperties.(bool); ok && !ap {
		ds.Closed = true
	}
	for _, prop := range s.Properties.Keys {
		ps := s.Properties.Values[prop]
		desc := ps.Description
		if desc == "" && ps.Ref != "" {
			desc = d.Components.Schemas.Values[refName(ps.Ref)].Description
		}
		ds.Props = append(ds.Props, docsField{
			Name: prop, Type: typeHTML(ps), Required: slices.Contains(s.Required, prop),
			Description: inline(desc), Rules: d.rules(ps),
		})
	}
	return ds
}

// parameter, response and header resolve a reference to the components; in
// OpenAPI 3.1 a reference's own description overrides the target's.
func (d *oaDoc) parameter(p oaParam) (oaParam, error) {
	if p.Ref == "" {
		return p, nil
	}
	v, ok := d.Components.Parameters[refName(p.Ref)]
	if !ok {
		return p, errors.New("no parameter " + p.Ref)
	}
	return v, nil
}

func (d *oaDoc) response(r oaResponse) (oaResponse, error) {
	if r.Ref == "" {
		return r, nil
	}
	v, ok := d.Components.Responses[refName(r.Ref)]
	if !ok {
		return r, errors.New("no response " + r.Ref)
	}
	if r.Description != "" {
		v.Description = r.Description
	}
	return v, nil
}

func (d *oaDoc) header(h oaHeader) (oaHeader, error) {
	if h.Ref == "" {
		return h, nil
	}
	v, ok := d.Components.Headers[refName(h.Ref)]
	if !ok {
		return h, errors.New("no header " + h.Ref)
	}
	if h.Description != "" {
		v.Description = h.Description
	}
	return v, nil
}

func anchor(name string) string { return "tag-" + strings.ToLower(strings.ReplaceAll(name, " ", "-")) }

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// typeHTML describes a schema's type in a few words, linking named schemas.
func typeHTML(s *oaSchema) template.HTML {
	if s == nil {
		return ""
	}
	esc := template.HTMLEscapeString
	switch {
	case s.Ref != "":
		n := esc(refName(s.Ref))
		return template.HTML(`<a href="#schema-` + n + `">` + n + `</a>`)
	case len(s.AnyOf) > 0 || len(s.OneOf) > 0:
		var parts []string
		for _, alt := range append(slices.Clone(s.AnyOf), s.OneOf...) {
			parts = append(parts, string(typeHTML(alt)))
		}
		return template.HTML(strings.Join(parts, " | "))
	}
	var parts []string
	for _, t := range s.Type {
		switch {
		case t == "array" && s.Items != nil:
			parts = append(parts, "array of "+string(typeHTML(s.Items)))
		case s.Format != "" && t != "null":
			parts = append(parts, esc(t+" ("+s.Format+")"))
		default:
			parts = append(parts, esc(t))
		}
	}
	if len(parts) == 0 {
		return "any"
	}
	return template.HTML(strings.Join(parts, " | "))
}

// rules lists a schema's constraints in words, those of a referenced
// scalar schema included (objects and arrays have their own section).
func (d *oaDoc) rules(s *oaSchema) string {
	if s != nil && s.Ref != "" {
		s = d.Components.Schemas.Values[refName(s.Ref)]
		if s != nil && (slices.Contains(s.Type, "object") || slices.Contains(s.Type, "array")) {
			return ""
		}
	}
	if s == nil {
		return ""
	}
	var r []string
	add := func(format string, args ...any) { r = append(r, fmt.Sprintf(format, args...)) }
	if s.Const != nil {
		add("always %s", jsonText(s.Const))
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, v := range s.Enum {
			vs = append(vs, jsonText(v))
		}
		add("one of %s", strings.Join(vs, ", "))
	}
	bounds := func(what string, min, max *float64) {
		switch {
		case min != nil && max != nil:
			add("%s %g to %g", what, *min, *max)
		case min != nil:
			add("%s at least %g", what, *min)
		case max != nil:
			add("%s at most %g", what, *max)
		}
	}
	bounds("length", s.MinLength, s.MaxLength)
	bounds("items", s.MinItems, s.MaxItems)
	bounds("value", s.Minimum, s.Maximum)
	if s.Pattern != "" {
		add("matches %s", s.Pattern)
	}
	if s.Default != nil {
		add("default %s", jsonText(s.Default))
	}
	if s.ReadOnly {
		add("read-only")
	}
	if s.WriteOnly {
		add("write-only")
	}
	if s.Items != nil {
		if each := d.rules(s.Items); each != "" {
			add("each item: %s", each)
		}
	}
	return strings.Join(r, "; ")
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// markdown renders the small subset of Markdown the document's descriptions
// use: paragraphs, "## " headings, "- " lists, `code` and **strong**.
func markdown(s string) template.HTML {
	var b strings.Builder
	for _, block := range strings.Split(strings.TrimSpace(s), "\n\n") {
		block = strings.TrimSpace(block)
		switch {
		case block == "":
		case strings.HasPrefix(block, "#"):
			b.WriteString("<h4>" + string(inline(strings.TrimLeft(block, "# "))) + "</h4>\n")
		case strings.HasPrefix(block, "- "):
			b.WriteString("<ul>\n")
			for _, item := range strings.Split("\n"+block, "\n- ")[1:] {
				b.WriteString("<li>" + string(inline(item)) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		default:
			b.WriteString("<p>" + string(inline(block)) + "</p>\n")
		}
	}
	return template.HTML(b.String())
}

// inline escapes s and renders its `code` and **strong** spans.
func inline(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
			continue
		}
		for j, span := range strings.Split(part, "**") {
			if j%2 == 1 {
				b.WriteString("<strong>" + template.HTMLEscapeString(span) + "</strong>")
			} else {
				b.WriteString(template.HTMLEscapeString(span))
			}
		}
	}
	return template.HTML(b.String())
}
