// Package schema is rcfge's validator for restricted templates: the draft-07 keywords that
// generated and hand-written templates use, CloudFormation's scalar coercion, unknown values and
// dynamic references. Compile checks the whole template once (every keyword known, every regular
// expression valid, every $ref local and resolvable, no reference loop); each subschema is then
// built the first time validation reaches it, so a request pays only for the part of the template
// its properties touch.
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Decode parses one JSON value with numbers as json.Number, as the validator wants, in one pass.
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

// CompileError means the template is not a schema rcfge's validator accepts.
type CompileError struct {
	Template string
	Err      error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("template %s is not a valid schema: %s", e.Template, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// Schema is a compiled restricted template. It is safe for concurrent use: subschemas are built
// once each (sync.Once) the first time any goroutine reaches them.
type Schema struct {
	name      string
	doc       map[string]any
	root      *node
	refs      sync.Map // "#/definitions/X" → *node, one per $ref target so loops share nodes
	ext       map[string]any
	generated bool
}

// Name returns the template name the schema was compiled from.
func (s *Schema) Name() string { return s.name }

// Extension returns the template's top-level x-rcfge object (nil when absent).
func (s *Schema) Extension() map[string]any { return s.ext }

// Compile compiles a parsed template (placeholders already filled). Templates are draft-07: $schema
// may name draft-06 or draft-07 (the keywords rcfge uses mean the same in both) or the
// CloudFormation provider meta-schema, which is built on draft-07. Later drafts change what $ref
// beside other keywords means and are refused. No URL is ever loaded: a template is self-contained.
func Compile(name string, doc any) (*Schema, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, &CompileError{Template: name, Err: fmt.Errorf("top level is %s, want an object", jsonType(doc))}
	}
	if raw, present := root["$schema"]; present {
		if err := checkDraft(raw); err != nil {
			return nil, &CompileError{Template: name, Err: err}
		}
	}
	s := &Schema{name: name, doc: root}
	c := checker{s: s, edges: map[string][]string{}}
	c.schema(root, "#", true)
	if c.err != nil {
		// Again in key order, so the error named is the same on every run.
		c = checker{s: s, edges: map[string][]string{}, sorted: true}
		c.schema(root, "#", true)
	}
	if c.err == nil {
		c.loops()
	}
	if c.err != nil {
		return nil, &CompileError{Template: name, Err: c.err}
	}
	s.root = s.refNode("#", root)
	if x, ok := root["x-rcfge"].(map[string]any); ok {
		s.ext = x
		s.generated = x["generated"] == true
	}
	return s, nil
}

func checkDraft(raw any) error {
	str, _ := raw.(string)
	key := strings.TrimSuffix(strings.TrimSuffix(str, "#"), ".json")
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	switch {
	case key == "json-schema.org/draft-07/schema", key == "json-schema.org/draft-06/schema":
		return nil
	case strings.Contains(str, "cloudformation") && strings.Contains(str, "provider.definition.schema"):
		return nil
	case strings.HasPrefix(key, "json-schema.org/"):
		return fmt.Errorf("unsupported $schema %q: rcfge validates draft-07 templates (draft-06 and the CloudFormation provider meta-schema also work)", str)
	}
	return fmt.Errorf("unsupported $schema %q: use draft-07", str)
}

// refNode returns the one node for a $ref target (or the root), creating it on first use.
func (s *Schema) refNode(loc string, raw any) *node {
	if n, ok := s.refs.Load(loc); ok {
		return n.(*node)
	}
	n, _ := s.refs.LoadOrStore(loc, &node{s: s, raw: raw, loc: loc})
	return n.(*node)
}

// resolve finds a local $ref target in the document.
func (s *Schema) resolve(ref string) (any, string, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, "", fmt.Errorf("$ref %q: templates must be self-contained; remote references are refused", ref)
	}
	frag := ref[1:]
	if frag == "" {
		return s.doc, "#", nil
	}
	if frag[0] != '/' {
		return nil, "", fmt.Errorf("$ref %q: only JSON Pointer fragments are supported", ref)
	}
	var cur any = s.doc
	for rest, more := frag[1:], true; more; {
		var tok string
		tok, rest, more = strings.Cut(rest, "/")
		tok = unescapeFragment(tok)
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, "", fmt.Errorf("$ref %q: nothing at %q", ref, tok)
			}
			cur = v
		case []any:
			i, ok := index(tok)
			if !ok || i >= len(t) {
				return nil, "", fmt.Errorf("$ref %q: no item %q", ref, tok)
			}
			cur = t[i]
		default:
			return nil, "", fmt.Errorf("$ref %q: nothing at %q", ref, tok)
		}
	}
	switch cur.(type) {
	case map[string]any, bool:
	default:
		return nil, "", fmt.Errorf("$ref %q: target is %s, not a schema", ref, jsonType(cur))
	}
	return cur, ref, nil
}

func index(tok string) (int, bool) {
	if tok == "" || len(tok) > 9 || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
		n = n*10 + int(tok[i]-'0')
	}
	return n, true
}

// unescapeFragment decodes one token of a URI fragment pointer: percent-encoding, then ~1 and ~0.
func unescapeFragment(tok string) string {
	if strings.IndexByte(tok, '%') >= 0 {
		var b strings.Builder
		for i := 0; i < len(tok); i++ {
			if tok[i] == '%' && i+2 < len(tok) && isHex(tok[i+1]) && isHex(tok[i+2]) {
				b.WriteByte(unhex(tok[i+1])<<4 | unhex(tok[i+2]))
				i += 2
				continue
			}
			b.WriteByte(tok[i])
		}
		tok = b.String()
	}
	return jsonptr.Unescape(tok)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	if isNumber(v) {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}
