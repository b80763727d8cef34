package schemagen

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// visit calls fn for every schema node under v (v included), with its JSON Pointer, in a fixed
// order. It only descends through schema keywords, never into enum, const, default or examples.
func visit(v any, ptr string, fn func(m map[string]any, ptr string) error) error {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if err := fn(m, ptr); err != nil {
		return err
	}
	for _, key := range []string{"properties", "patternProperties", "definitions", "dependencies"} {
		children, ok := m[key].(map[string]any)
		if !ok {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(children)) {
			if err := visit(children[name], jsonptr.Append(ptr+"/"+key, name), fn); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames"} {
		if err := visit(m[key], ptr+"/"+key, fn); err != nil {
			return err
		}
	}
	switch items := m["items"].(type) {
	case map[string]any:
		if err := visit(items, ptr+"/items", fn); err != nil {
			return err
		}
	case []any:
		for i, it := range items {
			if err := visit(it, ptr+"/items/"+strconv.Itoa(i), fn); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := m[key].([]any)
		for i, br := range branches {
			if err := visit(br, ptr+"/"+key+"/"+strconv.Itoa(i), fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// isOpenObject reports whether a schema node admits objects with any keys: it declares no
// properties, does not forbid additional ones, and is not just a $ref, an enum or a wrapper of
// alternatives (whose branches are judged on their own). An untyped branch (of allOf, anyOf,
// oneOf, then, else or dependencies) only constrains its parent ({"required": [...]}) and is not
// an object of its own.
func isOpenObject(m map[string]any, branch bool) bool {
	if _, ok := m["$ref"]; ok {
		return false
	}
	if _, ok := m["properties"]; ok {
		return false
	}
	if ap, ok := m["additionalProperties"].(bool); ok && !ap {
		return false
	}
	if _, ok := m["enum"]; ok {
		return false
	}
	if _, ok := m["const"]; ok {
		return false
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if _, ok := m[key]; ok {
			return false
		}
	}
	switch t := m["type"].(type) {
	case string:
		return t == "object"
	case []any:
		for _, x := range t {
			if x == "object" {
				return true
			}
		}
		return false
	}
	if _, ok := m["not"]; ok || branch {
		return false
	}
	return true
}

// openObjects lists the schema locations of free-form objects in doc. Conditions (not, if) are
// skipped: an open object there admits nothing.
func openObjects(doc map[string]any) []string {
	var out []string
	var walk func(v any, ptr string, branch bool)
	walk = func(v any, ptr string, branch bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if ptr != "" && isOpenObject(m, branch) {
			out = append(out, ptr)
		}
		for _, key := range []string{"properties", "patternProperties", "definitions"} {
			children, _ := m[key].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(children)) {
				walk(children[name], jsonptr.Append(ptr+"/"+key, name), false)
			}
		}
		for _, key := range []string{"additionalProperties", "additionalItems", "contains", "propertyNames"} {
			walk(m[key], ptr+"/"+key, false)
		}
		switch items := m["items"].(type) {
		case map[string]any:
			walk(items, ptr+"/items", false)
		case []any:
			for i, it := range items {
				walk(it, ptr+"/items/"+strconv.Itoa(i), false)
			}
		}
		for _, sub := range sameInstance(m, ptr) {
			walk(sub.node, sub.ptr, true)
		}
	}
	walk(doc, "", false)
	return out
}

// checkPatterns refuses any pattern or patternProperties key RE2 cannot compile. After the
// generator's own translation only an overlay can introduce one, and an overlay's policy pattern is
// never translated or dropped: loosening it silently would defeat its purpose.
func checkPatterns(doc map[string]any) error {
	return visit(doc, "", func(m map[string]any, ptr string) error {
		if p, ok := m["pattern"].(string); ok {
			if _, err := regexp.Compile(p); err != nil {
				return fmt.Errorf("pattern at %s is not RE2: %w", ptr+"/pattern", err)
			}
		}
		if pp, ok := m["patternProperties"].(map[string]any); ok {
			for k := range pp {
				if _, err := regexp.Compile(k); err != nil {
					return fmt.Errorf("patternProperties key at %s is not RE2: %w", jsonptr.Append(ptr+"/patternProperties", k), err)
				}
			}
		}
		return nil
	})
}
