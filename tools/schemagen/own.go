package schemagen

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// OwnKeyword is the subschema keyword listing the keywords of that subschema that rcfge added or
// changed beyond AWS's provider schema: overlays, placeholders, approval narrowing. The engine
// reads it to tell a constraint of rcfge's own (a value behind a dynamic reference cannot be
// checked against it: unverifiable) from one AWS's schema already had (AWS enforces it itself).
const OwnKeyword = "x-rcfge-own"

// notOwn are keywords never marked. The name gate (properties, patternProperties,
// additionalProperties, propertyNames) is what the generator closes and approval opens; a
// removed property is refused by name, never through a value. Annotations constrain nothing,
// and $ref, definitions and the subschema keywords are compared where they lead.
var notOwn = map[string]bool{
	"properties": true, "patternProperties": true, "additionalProperties": true, "propertyNames": true,
	"definitions": true, "$ref": true, "$schema": true, "$comment": true, "title": true, "description": true,
	"default": true, "examples": true, "typeName": true, Extension: true, OwnKeyword: true,
}

// MarkOwn writes OwnKeyword on every subschema of final that has a constraint base lacks or holds
// differently. base is the unrestricted generation of the same provider schema (surface patches
// applied, no overlay, no approval narrowing); final is the template about to ship. Both are
// decoded JSON (map[string]any); final is changed in place, and markers it already carries are
// recomputed, so MarkOwn can run again after a later narrowing. It returns how many subschemas
// it marked.
//
// Generate calls it after the overlay. Whatever narrows a template after Generate (approval) must
// call it again with the same base (Template.Base) before writing the template.
func MarkOwn(base, final any) int {
	fm, ok := final.(map[string]any)
	if !ok {
		return 0
	}
	bm, _ := base.(map[string]any)
	m := &marker{baseDoc: bm}
	m.node(bm, fm, "")
	return m.marked
}

// MarkOwnJSON is MarkOwn on template bytes: it returns final, canonical, with its markers.
func MarkOwnJSON(base, final []byte) ([]byte, error) {
	b, err := decodeObject(base)
	if err != nil {
		return nil, fmt.Errorf("mark own constraints: base: %w", err)
	}
	f, err := decodeObject(final)
	if err != nil {
		return nil, fmt.Errorf("mark own constraints: final: %w", err)
	}
	MarkOwn(b, f)
	return Marshal(f)
}

type marker struct {
	baseDoc map[string]any
	marked  int
}

// node compares one subschema of final with its counterpart in base (nil when base has none:
// every constraint of a subschema rcfge brought is its own).
func (m *marker) node(base, final map[string]any, ptr string) {
	delete(final, OwnKeyword)
	if base != nil {
		if _, isRef := final["$ref"]; !isRef {
			// An overlay that replaced a $ref with an inline schema is compared with the
			// definition the $ref named.
			if target, ok := base["$ref"].(string); ok {
				if r := deref(m.baseDoc, map[string]any{"$ref": target}); r != nil {
					base = r
				}
			}
		}
	}
	var own []string
	for k, fv := range final {
		if notOwn[k] {
			continue
		}
		bv, inBase := base[k]
		switch k {
		case "not", "if", "then", "else", "items", "additionalItems", "contains", "allOf", "anyOf", "oneOf":
			if !inBase || !sameShape(bv, fv) {
				own = append(own, k)
			}
		case "dependencies":
			if !inBase || !sameDependencies(bv, fv) {
				own = append(own, k)
			}
		default:
			if !inBase || !equalJSON(bv, fv) {
				own = append(own, k)
			}
		}
	}
	if len(own) > 0 {
		slices.Sort(own)
		list := make([]any, len(own))
		for i, k := range own {
			list[i] = k
		}
		final[OwnKeyword] = list
		m.marked++
	}
	m.children(base, final, ptr)
}

// children recurses into every subschema of final, paired with base's at the same place.
func (m *marker) children(base, final map[string]any, ptr string) {
	for _, key := range []string{"properties", "patternProperties", "definitions", "dependencies"} {
		fc, _ := final[key].(map[string]any)
		bc, _ := base[key].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(fc)) {
			if sub, ok := fc[name].(map[string]any); ok {
				b, _ := bc[name].(map[string]any)
				m.node(b, sub, jsonptr.Append(ptr+"/"+key, name))
			}
		}
	}
	for _, key := range []string{"additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if", "then", "else", "items"} {
		if sub, ok := final[key].(map[string]any); ok {
			b, _ := base[key].(map[string]any)
			m.node(b, sub, ptr+"/"+key)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf", "items"} {
		fl, _ := final[key].([]any)
		bl, _ := base[key].([]any)
		for i, it := range fl {
			sub, ok := it.(map[string]any)
			if !ok {
				continue
			}
			var b map[string]any
			if i < len(bl) {
				b, _ = bl[i].(map[string]any)
			}
			m.node(b, sub, ptr+"/"+key+"/"+strconv.Itoa(i))
		}
	}
}

// sameShape reports whether a subschema keyword is there in both with the same kind of value (one
// schema, or a list of as many): what is inside is compared subschema by subschema.
func sameShape(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		_, ok := b.(map[string]any)
		return ok
	case []any:
		bv, ok := b.([]any)
		return ok && len(av) == len(bv)
	}
	return equalJSON(a, b)
}

// sameDependencies compares the property form of dependencies ("A": ["B"]) entry by entry; the
// schema form is compared subschema by subschema.
func sameDependencies(a, b any) bool {
	am, _ := a.(map[string]any)
	bm, ok := b.(map[string]any)
	if !ok {
		return equalJSON(a, b)
	}
	for name, bv := range bm {
		av, inA := am[name]
		if _, isSchema := bv.(map[string]any); isSchema {
			if _, was := av.(map[string]any); !was {
				return false
			}
			continue
		}
		if !inA || !equalJSON(av, bv) {
			return false
		}
	}
	return true
}

// equalJSON compares decoded JSON values, numbers by their text (json.Number) or value.
func equalJSON(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ab, err1 := json.Marshal(a)
	bb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ab) == string(bb)
}
