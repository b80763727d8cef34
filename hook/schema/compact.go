package schema

// keptAnnotations stay in a compact template: $schema decides the draft (and so how $ref beside
// other keywords is read), typeName says which type the file is for.
var keptAnnotations = map[string]bool{"$schema": true, "typeName": true}

// Compact returns a copy of the template doc without the annotations the validator never reads:
// descriptions, titles, examples, defaults and CloudFormation's provider metadata (handlers,
// readOnlyProperties, ...). Only schema positions are visited, so a property, definition or
// pattern named "description" stays, and so do enum, const and x-rcfge values. The result
// validates every instance exactly as doc does and reports the same schema locations.
//
// AWS's schemas are mostly prose: the generated templates shrink by about four fifths, which the
// hook pays for in download, decoding and memory on every cold type. `rcfge schemas compact`
// writes what `make publish` uploads; the repository keeps the annotated templates for review.
func Compact(doc any) any { return compactSchema(doc) }

func compactSchema(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v // a boolean schema, or a malformed one the checker reports unchanged
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		switch {
		case annotations[k] && !keptAnnotations[k]:
		case constraints[k]:
			out[k] = compactKeyword(k, val)
		default:
			out[k] = val // x-rcfge and other extensions, $id, and what Compile refuses
		}
	}
	return out
}

// compactKeyword compacts the subschemas a constraint holds, as the checker walks them.
func compactKeyword(k string, v any) any {
	switch k {
	case "definitions", "properties", "patternProperties", "dependencies":
		// A property dependency (a list of names) is not a map: compactSchema keeps it as is.
		return compactMembers(v)
	case "items", "allOf", "anyOf", "oneOf":
		if l, ok := v.([]any); ok {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = compactSchema(e)
			}
			return out
		}
		if k == "items" {
			return compactSchema(v)
		}
		return v
	case "additionalItems", "contains", "additionalProperties", "propertyNames", "not", "if", "then", "else":
		return compactSchema(v)
	}
	return v // a keyword whose value is data (enum, const, required, ...)
}

// compactMembers compacts an object of named subschemas.
func compactMembers(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for name, sub := range m {
		out[name] = compactSchema(sub)
	}
	return out
}
