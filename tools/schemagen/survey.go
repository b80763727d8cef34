package schemagen

import (
	"fmt"
	"regexp"
	"strconv"
)

// visit calls fn for every schema node under v (v included), with its JSON Pointer and whether it
// sits under not or if (a condition, not a shape), in a fixed order. It only descends through
// schema keywords, never into enum, const, default or examples.
func visit(v any, ptr string, cond bool, fn func(m map[string]any, ptr string, cond bool) error) error {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if err := fn(m, ptr, cond); err != nil {
		return err
	}
	for _, key := range []string{"properties", "patternProperties", "definitions", "dependencies"} {
		children, ok := m[key].(map[string]any)
		if !ok {
			continue
		}
		for _, name := range sortedKeys(children) {
			if err := visit(children[name], ptr+"/"+key+"/"+pointerEscape(name), cond, fn); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames"} {
		if err := visit(m[key], ptr+"/"+key, cond || key == "not" || key == "if", fn); err != nil {
			return err
		}
	}
	switch items := m["items"].(type) {
	case map[string]any:
		if err := visit(items, ptr+"/items", cond, fn); err != nil {
			return err
		}
	case []any:
		for i, it := range items {
			if err := visit(it, ptr+"/items/"+strconv.Itoa(i), cond, fn); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := m[key].([]any)
		for i, br := range branches {
			if err := visit(br, ptr+"/"+key+"/"+strconv.Itoa(i), cond, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// isOpenObject reports whether a schema node admits objects with any keys: it declares no
// properties, does not forbid additional ones, and is not just a $ref, an enum or a wrapper of
// alternatives (whose branches are judged on their own). An untyped combinator branch only
// constrains its parent ({"required": [...]}) and is not an object of its own.
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

var branchRE = regexp.MustCompile(`/(allOf|anyOf|oneOf)/\d+$`)

// openObjects lists the schema locations of free-form objects in doc.
func openObjects(doc map[string]any) []string {
	var out []string
	_ = visit(doc, "", false, func(m map[string]any, ptr string, cond bool) error {
		if ptr != "" && !cond && isOpenObject(m, branchRE.MatchString(ptr)) {
			out = append(out, ptr)
		}
		return nil
	})
	return out
}

// checkPatterns refuses any pattern or patternProperties key RE2 cannot compile. After the
// generator's own translation only an overlay can introduce one, and an overlay's policy pattern is
// never translated or dropped: loosening it silently would defeat its purpose.
func checkPatterns(doc map[string]any) error {
	return visit(doc, "", false, func(m map[string]any, ptr string, _ bool) error {
		if p, ok := m["pattern"].(string); ok {
			if _, err := regexp.Compile(p); err != nil {
				return fmt.Errorf("pattern at %s is not RE2: %w", ptr+"/pattern", err)
			}
		}
		if pp, ok := m["patternProperties"].(map[string]any); ok {
			for k := range pp {
				if _, err := regexp.Compile(k); err != nil {
					return fmt.Errorf("patternProperties key at %s is not RE2: %w", ptr+"/patternProperties/"+pointerEscape(k), err)
				}
			}
		}
		return nil
	})
}
