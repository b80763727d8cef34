package lint

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// walk visits every subschema of a template by schema keyword, never entering data (enum, const,
// default, examples, x-rcfge), so a property named "pattern" or "properties" is never mistaken
// for the keyword.
type walk struct {
	file string
	l    *linter
	// conditions counts the not/if schemas the walk is inside.
	conditions int
}

// Keywords whose value is a map of name → schema.
var schemaMaps = []string{"properties", "patternProperties", "definitions", "$defs", "dependencies"}

// Keywords whose value is one schema; the bool says whether it holds a value (an instance sits
// there) rather than a constraint on the parent.
var schemaOne = map[string]bool{
	"items": true, "additionalItems": true, "additionalProperties": true, "contains": true,
	"not": false, "if": false, "then": false, "else": false, "propertyNames": false,
}

var schemaLists = []string{"allOf", "anyOf", "oneOf", "items"}

// schema checks one schema and recurses. value is false inside allOf/anyOf/oneOf/not/if/then/else,
// where a schema constrains its parent rather than describing a value of its own, so it is not
// free-form for lacking properties. gated is true when the schema validates the same object as an
// ancestor that declares properties and closes them (a branch of allOf/anyOf/oneOf, then, else or
// a schema dependency): that ancestor's additionalProperties: false already refuses every other
// name, so a branch that declares properties to constrain them is no hole (the generator leaves
// such branches open on purpose: closed, they would reject the parent's other properties).
func (w *walk) schema(s map[string]any, ptr string, value, gated bool) {
	w.closed(s, ptr, value, gated)
	w.ownMarker(s, ptr)
	same := gated || gates(s)
	// A branch under a gate only constrains properties its parent describes: the schemas it gives
	// them are constraints on those values too, held by the parent's own (closed) schemas.
	constraint := gated && !value
	for _, kw := range schemaMaps {
		m, _ := s[kw].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(m)) {
			if sub, ok := m[name].(map[string]any); ok {
				switch {
				case kw == "properties" && constraint:
					w.schema(sub, jsonptr.Append(ptr+"/"+kw, name), false, true)
				default:
					w.schema(sub, jsonptr.Append(ptr+"/"+kw, name), true, kw == "dependencies" && same)
				}
			}
		}
	}
	for kw, isValue := range schemaOne {
		sub, ok := s[kw].(map[string]any)
		if !ok {
			continue
		}
		if kw == "not" || kw == "if" {
			// A condition: an object there is never closed (a closed "not" would reject less).
			w.conditions++
			w.schema(sub, ptr+"/"+kw, isValue, false)
			w.conditions--
			continue
		}
		w.schema(sub, ptr+"/"+kw, isValue, (kw == "then" || kw == "else") && same)
	}
	for _, kw := range schemaLists {
		list, _ := s[kw].([]any)
		for i, it := range list {
			if sub, ok := it.(map[string]any); ok {
				w.schema(sub, jsonptr.AppendIndex(ptr+"/"+kw, i), kw == "items", kw != "items" && same)
			}
		}
	}
}

// ownMarker checks x-rcfge-own, the generator's list of the subschema's keywords that are rcfge's
// own: the engine reads it to decide what a dynamic reference may not skip, so a malformed one
// must not pass silently.
func (w *walk) ownMarker(s map[string]any, ptr string) {
	raw, ok := s[schemagen.OwnKeyword]
	if !ok {
		return
	}
	at := jsonptr.Append(ptr, schemagen.OwnKeyword)
	list, isList := raw.([]any)
	if !isList {
		w.l.add(w.file, RuleAnnotation, Error, at, "%s is a list of the keywords of this subschema that rcfge added or changed", schemagen.OwnKeyword)
		return
	}
	for i, it := range list {
		kw, _ := it.(string)
		if _, present := s[kw]; kw == "" || !present {
			w.l.add(w.file, RuleAnnotation, Error, jsonptr.AppendIndex(at, i), "%s names %v, which this subschema does not have", schemagen.OwnKeyword, it)
		}
	}
}

// gates reports whether a schema declares properties and refuses every other name.
func gates(s map[string]any) bool {
	_, hasProps := s["properties"].(map[string]any)
	return hasProps && s["additionalProperties"] == false
}

// closed reports an object that declares properties but admits others (a feature-gating hole: a
// property AWS adds tomorrow would pass), and lists free-form objects, which carry data.
func (w *walk) closed(s map[string]any, ptr string, value, gated bool) {
	if w.conditions > 0 {
		return
	}
	ap, hasAP := s["additionalProperties"]
	isClosed := hasAP && ap == false
	if _, ok := s["properties"].(map[string]any); ok {
		if !isClosed && !gated {
			how := "has no additionalProperties: false"
			if hasAP {
				how = fmt.Sprintf("sets additionalProperties to %s", describe(ap))
			}
			w.l.add(w.file, RuleOpenObject, Error, ptr, "object declares properties but %s: any other property passes (feature-gating hole)", how)
		}
		return
	}
	if !value || isClosed || !admitsObject(s) || branchDeclaresProperties(s) {
		return
	}
	what := "free-form object: any keys pass (data such as a policy document or a tag map, not features)"
	if _, typed := s["type"]; !typed {
		what = "free-form value: no type and no properties, so any object passes"
	}
	w.l.add(w.file, RuleFreeForm, Info, ptr, "%s", what)
}

// admitsObject reports whether a schema without properties lets an object through on its own.
// A $ref decides alone (draft-07 ignores its siblings); the definition it names is checked itself.
func admitsObject(s map[string]any) bool {
	if _, ok := s["$ref"]; ok {
		return false
	}
	switch t := s["type"].(type) {
	case string:
		return t == "object"
	case []any:
		for _, v := range t {
			if v == "object" {
				return true
			}
		}
		return false
	case nil:
	default:
		return false
	}
	for _, kw := range []string{"enum", "const", "allOf", "anyOf", "oneOf", "not"} {
		if _, ok := s[kw]; ok {
			return false
		}
	}
	return true
}

// branchDeclaresProperties reports whether the object's properties live in alternatives
// ({"type": "object", "oneOf": [{"properties": …}, …]}); each branch is checked on its own.
func branchDeclaresProperties(s map[string]any) bool {
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		list, _ := s[kw].([]any)
		for _, it := range list {
			if b, ok := it.(map[string]any); ok {
				if _, ok := b["properties"]; ok {
					return true
				}
			}
		}
	}
	return false
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a schema"
	case bool:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%v", v)
}

// patterns compiles every pattern and patternProperties key of a filled template with Go's RE2,
// the engine's regex engine, and returns how many failed.
func (w *walk) patterns(doc any, ptr string) int {
	s, ok := doc.(map[string]any)
	if !ok {
		return 0
	}
	bad := 0
	if p, ok := s["pattern"].(string); ok {
		if err := compileRE2(p); err != nil {
			w.l.add(w.file, RulePattern, Error, ptr+"/pattern", "pattern %q is not RE2 (the engine's regex syntax): %v", p, errText(err))
			bad++
		}
	}
	if pp, ok := s["patternProperties"].(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(pp)) {
			if err := compileRE2(k); err != nil {
				w.l.add(w.file, RulePattern, Error, jsonptr.Append(ptr+"/patternProperties", k), "patternProperties key %q is not RE2 (the engine's regex syntax): %v", k, errText(err))
				bad++
			}
		}
	}
	for _, kw := range schemaMaps {
		m, _ := s[kw].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(m)) {
			bad += w.patterns(m[name], jsonptr.Append(ptr+"/"+kw, name))
		}
	}
	for kw := range schemaOne {
		bad += w.patterns(s[kw], ptr+"/"+kw)
	}
	for _, kw := range schemaLists {
		list, _ := s[kw].([]any)
		for i, it := range list {
			bad += w.patterns(it, fmt.Sprintf("%s/%s/%d", ptr, kw, i))
		}
	}
	return bad
}

// errText drops the "error parsing regexp: " prefix Go puts on every regex error.
func errText(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}
