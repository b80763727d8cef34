// Package schema compiles restricted templates with santhosh-tekuri/jsonschema/v5, coerces
// CloudFormation's loosely typed scalars as the schema directs, validates, and turns the validator's
// error tree into a flat list of violations.
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Decode parses one JSON value with numbers as json.Number, as the validator wants.
func Decode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not JSON: trailing data after the top-level value")
	}
	return v, nil
}

// CompileError means the template is not a valid JSON Schema.
type CompileError struct {
	Template string
	Err      error
}

func (e *CompileError) Error() string {
	// The validator wraps its finding in "jsonschema <url> compilation failed"; the template is
	// already named, so only the finding is kept.
	msg := e.Err.Error()
	var se *jsonschema.SchemaError
	if errors.As(e.Err, &se) && se.Err != nil {
		msg = strings.TrimPrefix(se.Err.Error(), "jsonschema: ")
	}
	return fmt.Sprintf("template %s is not a valid schema: %s", e.Template, msg)
}

func (e *CompileError) Unwrap() error { return e.Err }

// Schema is a compiled restricted template. It is immutable and safe for concurrent use.
type Schema struct {
	name    string
	base    string
	root    *jsonschema.Schema
	flat    map[*jsonschema.Schema][]*jsonschema.Schema
	rootSet []*jsonschema.Schema
	kids    map[*jsonschema.Schema]*kids
	byLoc   map[string]*jsonschema.Schema
	ext     map[string]any
}

// Name returns the template name the schema was compiled from.
func (s *Schema) Name() string { return s.name }

// Extension returns the template's top-level x-rcfge object (nil when absent).
func (s *Schema) Extension() map[string]any { return s.ext }

// Root returns the compiled root schema, for tools that introspect it.
func (s *Schema) Root() *jsonschema.Schema { return s.root }

var drafts = map[string]*jsonschema.Draft{
	"http://json-schema.org/draft-04/schema":       jsonschema.Draft4,
	"http://json-schema.org/draft-06/schema":       jsonschema.Draft6,
	"http://json-schema.org/draft-07/schema":       jsonschema.Draft7,
	"https://json-schema.org/draft/2019-09/schema": jsonschema.Draft2019,
	"https://json-schema.org/draft/2020-12/schema": jsonschema.Draft2020,
}

// Compile compiles a parsed template (placeholders already filled). It is draft-07 unless $schema
// names another standard draft; the CloudFormation provider meta-schema counts as draft-07, being
// built on it. No URL is ever loaded: a template is self-contained.
func Compile(name string, doc any) (*Schema, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, &CompileError{Template: name, Err: fmt.Errorf("top level is %s, want an object", jsonType(doc))}
	}
	draft := jsonschema.Draft7
	if raw, present := root["$schema"]; present {
		s, _ := raw.(string)
		key := strings.TrimSuffix(strings.TrimSuffix(s, "#"), ".json")
		switch d, known := drafts[key]; {
		case known:
			draft = d
		case strings.Contains(s, "cloudformation") && strings.Contains(s, "provider.definition.schema"):
			root = without(root, "$schema")
		default:
			return nil, &CompileError{Template: name, Err: fmt.Errorf("unsupported $schema %q: use a standard JSON Schema draft", s)}
		}
	}
	body, err := json.Marshal(root)
	if err != nil {
		return nil, &CompileError{Template: name, Err: err}
	}
	// A fixed URL: the name may itself be a URL (s3://...), and messages name the template anyway.
	url := "rcfge:///template.json"
	c := jsonschema.NewCompiler()
	c.Draft = draft
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("%s: templates must be self-contained; remote references are refused", u)
	}
	if err := c.AddResource(url, bytes.NewReader(body)); err != nil {
		return nil, &CompileError{Template: name, Err: err}
	}
	compiled, err := compileSafe(c, url)
	if err != nil {
		return nil, &CompileError{Template: name, Err: err}
	}
	if draft == jsonschema.Draft4 || draft == jsonschema.Draft6 || draft == jsonschema.Draft7 {
		compiled = collapseRefs(compiled)
	}
	s := &Schema{name: name, base: url, root: compiled}
	s.rootSet = []*jsonschema.Schema{compiled}
	s.index()
	if x, ok := root["x-rcfge"].(map[string]any); ok {
		s.ext = x
	}
	return s, nil
}

// compileSafe turns a panic inside the compiler (it panics on some reference loops) into an error.
func compileSafe(c *jsonschema.Compiler, url string) (s *jsonschema.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compiler failed: %v", r)
		}
	}()
	return c.Compile(url)
}

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// collapseRefs replaces every pure $ref schema by its target throughout the compiled graph. Up to
// draft-07 a schema holding $ref has no other keyword (the compiler ignores its siblings), so the
// result validates exactly the same; it saves one validator call (and its allocations) per $ref hop
// on the hot path, and violations point at the definition that holds the rule.
func collapseRefs(root *jsonschema.Schema) *jsonschema.Schema {
	target := func(n *jsonschema.Schema) *jsonschema.Schema {
		seen := 0
		for n != nil && n.Ref != nil && seen < 64 {
			n = n.Ref
			seen++
		}
		return n
	}
	done := map[*jsonschema.Schema]bool{}
	var visit func(n *jsonschema.Schema)
	fix := func(p **jsonschema.Schema) {
		if *p != nil {
			*p = target(*p)
			visit(*p)
		}
	}
	fixAll := func(l []*jsonschema.Schema) {
		for i := range l {
			fix(&l[i])
		}
	}
	visit = func(n *jsonschema.Schema) {
		if n == nil || done[n] {
			return
		}
		done[n] = true
		if n.Ref != nil {
			visit(n.Ref)
		}
		for _, p := range []**jsonschema.Schema{&n.Not, &n.If, &n.Then, &n.Else, &n.PropertyNames, &n.UnevaluatedProperties, &n.Items2020, &n.Contains, &n.UnevaluatedItems, &n.ContentSchema, &n.RecursiveRef, &n.DynamicRef} {
			fix(p)
		}
		fixAll(n.AllOf)
		fixAll(n.AnyOf)
		fixAll(n.OneOf)
		fixAll(n.PrefixItems)
		for k, c := range n.Properties {
			c = target(c)
			n.Properties[k] = c
			visit(c)
		}
		for k, c := range n.PatternProperties {
			c = target(c)
			n.PatternProperties[k] = c
			visit(c)
		}
		for k, c := range n.DependentSchemas {
			c = target(c)
			n.DependentSchemas[k] = c
			visit(c)
		}
		for k, d := range n.Dependencies {
			if c, ok := d.(*jsonschema.Schema); ok {
				c = target(c)
				n.Dependencies[k] = c
				visit(c)
			}
		}
		if c, ok := n.AdditionalProperties.(*jsonschema.Schema); ok {
			c = target(c)
			n.AdditionalProperties = c
			visit(c)
		}
		if c, ok := n.AdditionalItems.(*jsonschema.Schema); ok {
			c = target(c)
			n.AdditionalItems = c
			visit(c)
		}
		switch it := n.Items.(type) {
		case *jsonschema.Schema:
			c := target(it)
			n.Items = c
			visit(c)
		case []*jsonschema.Schema:
			fixAll(it)
		}
	}
	root = target(root)
	visit(root)
	return root
}

// index walks every reachable subschema once: it records each one's location (to name unapproved
// properties from the compiled schema, not from message text) and its applicator closure (the
// schemas that apply at the same instance location, for coercion).
func (s *Schema) index() {
	s.flat = map[*jsonschema.Schema][]*jsonschema.Schema{}
	s.byLoc = map[string]*jsonschema.Schema{}
	seen := map[*jsonschema.Schema]bool{}
	var visit func(*jsonschema.Schema)
	visit = func(n *jsonschema.Schema) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		s.byLoc[n.Location] = n
		for _, c := range children(n) {
			visit(c)
		}
	}
	visit(s.root)
	for n := range seen {
		s.flat[n] = closure(n)
	}
	s.precompute()
}

// inPlace lists the subschemas that apply to the same instance as n.
func inPlace(n *jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, r := range []*jsonschema.Schema{n.Ref, n.RecursiveRef, n.DynamicRef, n.Then, n.Else} {
		if r != nil {
			out = append(out, r)
		}
	}
	out = append(out, n.AllOf...)
	out = append(out, n.AnyOf...)
	out = append(out, n.OneOf...)
	return out
}

func children(n *jsonschema.Schema) []*jsonschema.Schema {
	out := inPlace(n)
	for _, r := range []*jsonschema.Schema{n.Not, n.If, n.PropertyNames, n.UnevaluatedProperties, n.Items2020, n.Contains, n.UnevaluatedItems, n.ContentSchema} {
		if r != nil {
			out = append(out, r)
		}
	}
	for _, p := range n.Properties {
		out = append(out, p)
	}
	for _, p := range n.PatternProperties {
		out = append(out, p)
	}
	for _, p := range n.DependentSchemas {
		out = append(out, p)
	}
	for _, d := range n.Dependencies {
		if p, ok := d.(*jsonschema.Schema); ok {
			out = append(out, p)
		}
	}
	if p, ok := n.AdditionalProperties.(*jsonschema.Schema); ok {
		out = append(out, p)
	}
	if p, ok := n.AdditionalItems.(*jsonschema.Schema); ok {
		out = append(out, p)
	}
	switch it := n.Items.(type) {
	case *jsonschema.Schema:
		out = append(out, it)
	case []*jsonschema.Schema:
		out = append(out, it...)
	}
	out = append(out, n.PrefixItems...)
	return out
}

func closure(n *jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	seen := map[*jsonschema.Schema]bool{}
	var walk func(*jsonschema.Schema)
	walk = func(m *jsonschema.Schema) {
		if m == nil || seen[m] {
			return
		}
		seen[m] = true
		out = append(out, m)
		for _, c := range inPlace(m) {
			walk(c)
		}
	}
	walk(n)
	return out
}
