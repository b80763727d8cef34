package schema

import (
	"fmt"
	"maps"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// constraints are the draft-07 keywords rcfge's validator enforces.
var constraints = map[string]bool{
	"type": true, "enum": true, "const": true, "format": true,
	"pattern": true, "minLength": true, "maxLength": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"items": true, "additionalItems": true, "minItems": true, "maxItems": true, "uniqueItems": true, "contains": true,
	"properties": true, "patternProperties": true, "additionalProperties": true, "required": true,
	"minProperties": true, "maxProperties": true, "dependencies": true, "propertyNames": true,
	"allOf": true, "anyOf": true, "oneOf": true, "not": true, "$ref": true, "definitions": true,
	"if": true, "then": true, "else": true,
}

// annotations never constrain a value: JSON Schema's own and those of CloudFormation's provider
// meta-schema, which templates keep from AWS's schemas.
var annotations = map[string]bool{
	"$schema": true, "$comment": true, "title": true, "description": true, "default": true,
	"examples": true, "readOnly": true, "writeOnly": true, "deprecated": true,
	// CloudFormation provider meta-schema.
	"typeName": true, "insertionOrder": true, "arrayType": true, "relationshipRef": true,
	"primaryIdentifier": true, "additionalIdentifiers": true, "readOnlyProperties": true,
	"writeOnlyProperties": true, "createOnlyProperties": true, "conditionalCreateOnlyProperties": true,
	"deprecatedProperties": true, "nonPublicProperties": true, "nonPublicDefinitions": true,
	"handlers": true, "tagging": true, "taggable": true, "sourceUrl": true, "documentationUrl": true,
	"replacementStrategy": true, "propertyTransform": true, "resourceLink": true,
}

// assertedFormats are the formats the validator checks. Other formats a validator could assert are
// refused at compile time so a rule is never silently ignored; names no standard defines (int64,
// double, password: CloudFormation's schemas use them as hints) are annotations, as draft-07 says.
var refusedFormats = map[string]bool{
	"duration": true, "period": true, "hostname": true, "email": true, "ip-address": true,
	"ipv4": false, "ipv6": false, "uri": false, "iri": true, "uri-reference": true, "uriref": true,
	"iri-reference": true, "uri-template": true, "json-pointer": true, "relative-json-pointer": true,
	"uuid": true, "idn-email": true, "idn-hostname": true,
}

// checker validates a whole template once, at Compile: keyword names and value shapes, regular
// expressions, $ref targets, and the absence of loops made only of in-place references.
type checker struct {
	s      *Schema
	err    error
	sorted bool                // walk keys in order: the re-run that names the first error deterministically
	edges  map[string][]string // schema location → in-place subschemas ($ref, allOf, anyOf, oneOf, not)
}

func (c *checker) fail(loc, format string, a ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, a...))
	}
}

func (c *checker) schema(raw any, loc string, root bool) {
	if c.err != nil {
		return
	}
	m, ok := raw.(map[string]any)
	if !ok {
		if _, ok := raw.(bool); !ok {
			c.fail(loc, "a schema must be an object or a boolean, got %s", jsonType(raw))
		}
		return
	}
	for _, k := range c.keys(m) {
		v := m[k]
		switch {
		case constraints[k]:
			c.keyword(k, v, loc)
		case annotations[k], strings.HasPrefix(k, "x-"):
			// x-rcfge-own is read leniently (entries that are not keyword names are ignored):
			// lint reports a malformed marker, and a marker only ever adds checks.
		case k == "$id" && root:
			// The root's own identifier: references stay local ("#/...") whatever it says.
		default:
			c.fail(loc+"/"+jsonptr.Escape(k), "keyword %q is not supported by rcfge's validator (draft-07 subset); remove it or ask for support", k)
		}
		if c.err != nil {
			return
		}
	}
}

func (c *checker) keyword(k string, v any, loc string) {
	kl := loc + "/" + k // keyword names need no escaping
	switch k {
	case "type":
		switch t := v.(type) {
		case string:
			if typeBit(t) == 0 {
				c.fail(kl, "unknown type %q", t)
			}
		case []any:
			if len(t) == 0 {
				c.fail(kl, "type must not be empty")
			}
			for _, e := range t {
				if s, ok := e.(string); !ok || typeBit(s) == 0 {
					c.fail(kl, "unknown type %v", e)
				}
			}
		default:
			c.fail(kl, "type must be a string or an array of strings")
		}
	case "enum":
		if l, ok := v.([]any); !ok || len(l) == 0 {
			c.fail(kl, "enum must be a non-empty array")
		}
	case "const", "definitions":
		if k == "definitions" {
			m, ok := v.(map[string]any)
			if !ok {
				c.fail(kl, "definitions must be an object")
				return
			}
			for _, name := range c.keys(m) {
				c.schema(m[name], kl+"/"+jsonptr.Escape(name), false)
			}
		}
	case "format":
		f, ok := v.(string)
		if !ok {
			c.fail(kl, "format must be a string")
		} else if refusedFormats[f] {
			c.fail(kl, "format %q is not supported by rcfge's validator (supported: date-time, date, time, ipv4, ipv6, uri)", f)
		}
	case "pattern":
		p, ok := v.(string)
		if !ok {
			c.fail(kl, "pattern must be a string")
			return
		}
		if err := checkRegexp(p); err != nil {
			c.fail(kl, "invalid regular expression (Go RE2 syntax): %v", err)
		}
	case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		if _, ok := count(v); !ok {
			c.fail(kl, "%s must be a non-negative integer", k)
		}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		d, ok := numberOf(v)
		if !ok {
			c.fail(kl, "%s must be a number of at most %d characters", k, maxNumberLen)
		} else if k == "multipleOf" && (d.zero() || d.neg) {
			c.fail(kl, "multipleOf must be greater than 0")
		}
	case "uniqueItems":
		if _, ok := v.(bool); !ok {
			c.fail(kl, "uniqueItems must be a boolean")
		}
	case "required":
		l, ok := v.([]any)
		if !ok {
			c.fail(kl, "required must be an array of strings")
			return
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				c.fail(kl, "required must be an array of strings")
			}
		}
	case "items":
		if l, ok := v.([]any); ok {
			for i, e := range l {
				c.schema(e, fmt.Sprintf("%s/%d", kl, i), false)
			}
			return
		}
		c.schema(v, kl, false)
	case "additionalItems", "contains", "additionalProperties", "propertyNames":
		c.schema(v, kl, false)
	case "not", "if", "then", "else":
		c.schema(v, kl, false)
		c.edges[loc] = append(c.edges[loc], kl)
	case "properties", "patternProperties":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(kl, "%s must be an object", k)
			return
		}
		for _, name := range c.keys(m) {
			if k == "patternProperties" {
				if err := checkRegexp(name); err != nil {
					c.fail(kl, "invalid regular expression %q (Go RE2 syntax): %v", name, err)
					return
				}
			}
			c.schema(m[name], kl+"/"+jsonptr.Escape(name), false)
		}
	case "dependencies":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(kl, "dependencies must be an object")
			return
		}
		for _, name := range c.keys(m) {
			dl := kl + "/" + jsonptr.Escape(name)
			if l, ok := m[name].([]any); ok {
				for _, e := range l {
					if _, ok := e.(string); !ok {
						c.fail(dl, "a property dependency must list property names")
					}
				}
				continue
			}
			c.schema(m[name], dl, false)
			c.edges[loc] = append(c.edges[loc], dl)
		}
	case "allOf", "anyOf", "oneOf":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			c.fail(kl, "%s must be a non-empty array of schemas", k)
			return
		}
		for i, e := range l {
			el := fmt.Sprintf("%s/%d", kl, i)
			c.schema(e, el, false)
			c.edges[loc] = append(c.edges[loc], el)
		}
	case "$ref":
		r, ok := v.(string)
		if !ok {
			c.fail(kl, "$ref must be a string")
			return
		}
		if _, target, err := c.s.resolve(r); err != nil {
			c.fail(kl, "%v", err)
		} else {
			c.edges[loc] = append(c.edges[loc], target)
		}
	}
}

// loops refuses a reachable cycle of in-place references ({"$ref":"#"} at the root, a definition
// whose allOf refers back to itself): validating it would never consume the instance. A cycle in a
// definition nothing uses is harmless, as for other validators, and is let through.
func (c *checker) loops() {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var cycles [][]string
	var visit func(loc string, path []string)
	visit = func(loc string, path []string) {
		if state[loc] == done {
			return
		}
		if state[loc] == visiting {
			i := slices.Index(path, loc)
			cycles = append(cycles, append(slices.Clone(path[i:]), loc))
			return
		}
		state[loc] = visiting
		for _, next := range c.edges[loc] {
			visit(next, append(path, loc))
		}
		state[loc] = done
	}
	for _, loc := range slices.Sorted(maps.Keys(c.edges)) {
		visit(loc, nil)
	}
	if len(cycles) == 0 {
		return
	}
	reach := map[string]bool{}
	c.reach(c.s.doc, "#", reach)
	for _, cy := range cycles {
		if reach[cy[0]] {
			c.fail(cy[0], "reference loop: %s", strings.Join(cy, " → "))
			return
		}
	}
}

// reach marks every schema location validation can reach from loc, following $ref.
func (c *checker) reach(raw any, loc string, seen map[string]bool) {
	if seen[loc] {
		return
	}
	seen[loc] = true
	m, ok := raw.(map[string]any)
	if !ok {
		return
	}
	if r, ok := m["$ref"].(string); ok {
		if t, tl, err := c.s.resolve(r); err == nil {
			c.reach(t, tl, seen)
		}
		return
	}
	for k, v := range m {
		kl := loc + "/" + k
		switch k {
		case "items", "allOf", "anyOf", "oneOf":
			if l, ok := v.([]any); ok {
				for i, e := range l {
					c.reach(e, fmt.Sprintf("%s/%d", kl, i), seen)
				}
			} else {
				c.reach(v, kl, seen)
			}
		case "additionalItems", "contains", "additionalProperties", "propertyNames", "not", "if", "then", "else":
			c.reach(v, kl, seen)
		case "properties", "patternProperties", "dependencies":
			if sub, ok := v.(map[string]any); ok {
				for name, e := range sub {
					c.reach(e, kl+"/"+jsonptr.Escape(name), seen)
				}
			}
		}
	}
}

// keys lists an object's keys: in map order normally, sorted on the re-run after an error.
func (c *checker) keys(m map[string]any) []string {
	if c.sorted {
		return slices.Sorted(maps.Keys(m))
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkRegexp parses a pattern as Go's regexp does. Patterns recur across templates (AWS uses the
// same ARN and name patterns everywhere), so the ones already compiled are not parsed again.
var parsed sync.Map

func checkRegexp(p string) error {
	if _, ok := regexps.Load(p); ok {
		return nil
	}
	if _, ok := parsed.Load(p); ok {
		return nil
	}
	if _, err := syntax.Parse(p, syntax.Perl); err != nil {
		return err
	}
	if cached.Add(1) <= maxCached {
		parsed.Store(p, true)
	}
	return nil
}

func count(v any) (int, bool) {
	d, ok := numberOf(v)
	if !ok || d.neg || !d.isInt() {
		return 0, false
	}
	if d.zero() {
		return 0, true
	}
	if d.exp+int64(len(d.digits)) > 9 {
		return 1 << 30, true // larger than any instance can be
	}
	n := 0
	for i := 0; i < len(d.digits); i++ {
		n = n*10 + int(d.digits[i]-'0')
	}
	for range d.exp {
		n *= 10
	}
	return n, true
}
