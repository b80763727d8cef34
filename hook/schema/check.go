package schema

import (
	"fmt"
	"iter"
	"maps"
	"regexp/syntax"
	"slices"
	"strconv"
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
	if c.sorted {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if c.member(k, m[k], loc, root); c.err != nil {
				return
			}
		}
		return
	}
	for k, v := range m {
		if c.member(k, v, loc, root); c.err != nil {
			return
		}
	}
}

// member checks one keyword of the schema at loc.
func (c *checker) member(k string, v any, loc string, root bool) {
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
}

func (c *checker) keyword(k string, v any, loc string) {
	switch k {
	case "type", "enum", "const", "format", "pattern", "minLength", "maxLength", "minItems", "maxItems",
		"minProperties", "maxProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
		"multipleOf", "uniqueItems", "required", "$ref":
		// Leaf keywords: their location is spelt out only in an error (most templates have none).
		c.leaf(k, v, loc)
		return
	}
	kl := loc + "/" + k // keyword names need no escaping
	switch k {
	case "definitions":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(kl, "definitions must be an object")
			return
		}
		for name, sub := range c.members(m) {
			c.schema(sub, kl+"/"+jsonptr.Escape(name), false)
		}
	case "items":
		if l, ok := v.([]any); ok {
			for i, e := range l {
				c.schema(e, kl+"/"+strconv.Itoa(i), false)
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
		for name, sub := range c.members(m) {
			if k == "patternProperties" {
				if err := checkRegexp(name); err != nil {
					c.fail(kl, "invalid regular expression %q (Go RE2 syntax): %v", name, err)
					return
				}
			}
			c.schema(sub, kl+"/"+jsonptr.Escape(name), false)
		}
	case "dependencies":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(kl, "dependencies must be an object")
			return
		}
		for name, sub := range c.members(m) {
			dl := kl + "/" + jsonptr.Escape(name)
			if l, ok := sub.([]any); ok {
				for _, e := range l {
					if _, ok := e.(string); !ok {
						c.fail(dl, "a property dependency must list property names")
					}
				}
				continue
			}
			c.schema(sub, dl, false)
			c.edges[loc] = append(c.edges[loc], dl)
		}
	case "allOf", "anyOf", "oneOf":
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			c.fail(kl, "%s must be a non-empty array of schemas", k)
			return
		}
		for i, e := range l {
			el := kl + "/" + strconv.Itoa(i)
			c.schema(e, el, false)
			c.edges[loc] = append(c.edges[loc], el)
		}
	}
}

// leaf checks a keyword that holds no subschema. Its location is built only for an error.
func (c *checker) leaf(k string, v any, loc string) {
	switch k {
	case "type":
		switch t := v.(type) {
		case string:
			if typeBit(t) == 0 {
				c.failKey(loc, k, "unknown type %q", t)
			}
		case []any:
			if len(t) == 0 {
				c.failKey(loc, k, "type must not be empty")
			}
			for _, e := range t {
				if s, ok := e.(string); !ok || typeBit(s) == 0 {
					c.failKey(loc, k, "unknown type %v", e)
				}
			}
		default:
			c.failKey(loc, k, "type must be a string or an array of strings")
		}
	case "enum":
		if l, ok := v.([]any); !ok || len(l) == 0 {
			c.failKey(loc, k, "enum must be a non-empty array")
		}
	case "const":
		// Any value.
	case "format":
		f, ok := v.(string)
		if !ok {
			c.failKey(loc, k, "format must be a string")
		} else if refusedFormats[f] {
			c.failKey(loc, k, "format %q is not supported by rcfge's validator (supported: date-time, date, time, ipv4, ipv6, uri)", f)
		}
	case "pattern":
		p, ok := v.(string)
		if !ok {
			c.failKey(loc, k, "pattern must be a string")
			return
		}
		if err := checkRegexp(p); err != nil {
			c.failKey(loc, k, "invalid regular expression (Go RE2 syntax): %v", err)
		}
	case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		if _, ok := count(v); !ok {
			c.failKey(loc, k, "%s must be a non-negative integer", k)
		}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		d, ok := numberOf(v)
		if !ok {
			c.failKey(loc, k, "%s must be a number of at most %d characters", k, maxNumberLen)
		} else if k == "multipleOf" && (d.zero() || d.neg) {
			c.failKey(loc, k, "multipleOf must be greater than 0")
		}
	case "uniqueItems":
		if _, ok := v.(bool); !ok {
			c.failKey(loc, k, "uniqueItems must be a boolean")
		}
	case "required":
		l, ok := v.([]any)
		if !ok {
			c.failKey(loc, k, "required must be an array of strings")
			return
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				c.failKey(loc, k, "required must be an array of strings")
			}
		}
	case "$ref":
		r, ok := v.(string)
		if !ok {
			c.failKey(loc, k, "$ref must be a string")
			return
		}
		if _, target, err := c.s.resolve(r); err != nil {
			c.failKey(loc, k, "%v", err)
		} else {
			c.edges[loc] = append(c.edges[loc], target)
		}
	}
}

// failKey records the first error, at keyword k of the schema at loc.
func (c *checker) failKey(loc, k, format string, a ...any) {
	if c.err == nil {
		c.fail(loc+"/"+k, format, a...)
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
	state := make(map[string]int, len(c.edges))
	var cycles [][]string
	var path []string // the locations being visited, outermost first (one stack for the whole search)
	var visit func(loc string)
	visit = func(loc string) {
		if state[loc] == done {
			return
		}
		if state[loc] == visiting {
			i := slices.Index(path, loc)
			cycles = append(cycles, append(slices.Clone(path[i:]), loc))
			return
		}
		state[loc] = visiting
		path = append(path, loc)
		for _, next := range c.edges[loc] {
			visit(next)
		}
		path = path[:len(path)-1]
		state[loc] = done
	}
	for _, loc := range slices.Sorted(maps.Keys(c.edges)) {
		visit(loc)
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
					c.reach(e, kl+"/"+strconv.Itoa(i), seen)
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

// members lists an object's members: in map order normally, in key order on the re-run after an
// error (so the error named is the same on every run).
func (c *checker) members(m map[string]any) iter.Seq2[string, any] {
	if !c.sorted {
		return maps.All(m)
	}
	return func(yield func(string, any) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// checkRegexp parses a pattern as Go's regexp does. Patterns recur across templates (AWS uses the
// same ARN and name patterns everywhere), so the ones already compiled are not parsed again.
var parsed sync.Map

func checkRegexp(p string) error {
	if _, ok := patterns.Load(p); ok {
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
