package cfntemplate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

const forEachPrefix = "Fn::ForEach::"

// expandForEach replaces every Fn::ForEach::<Name> key of m (and of the objects inside it) by
// the fragments it produces, as the AWS::LanguageExtensions transform does:
//
//	Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]
//
// For each string of the collection, ${Identifier} and &{Identifier} (the item without
// non-alphanumeric characters) are replaced in the output key and in every string of the
// output value, and {Ref: Identifier} becomes the item. lines maps the new keys to the line of
// their loop when lines is non-nil.
func (e *evaluator) expandForEach(m map[string]any, lines map[string]int, depth int) (map[string]any, error) {
	if depth > maxEvalDepth {
		return nil, intrinsicErr("Fn::ForEach nested deeper than %d levels", maxEvalDepth)
	}
	out := make(map[string]any, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if !strings.HasPrefix(k, forEachPrefix) {
			x, err := e.expandIn(v, depth+1)
			if err != nil {
				return nil, err
			}
			if _, dup := out[k]; dup {
				return nil, intrinsicErr("%s: produced twice by Fn::ForEach", k)
			}
			out[k] = x
			continue
		}
		loop, ok := v.([]any)
		if !ok || len(loop) != 3 {
			return nil, intrinsicErr("%s takes [identifier, collection, {output key: output value}]", k)
		}
		ident, ok := loop[0].(string)
		if !ok || ident == "" {
			return nil, intrinsicErr("%s: identifier is %s, not a name", k, kindOf(loop[0]))
		}
		frag, ok := loop[2].(map[string]any)
		if !ok {
			return nil, intrinsicErr("%s: output is %s, not an object", k, kindOf(loop[2]))
		}
		coll, err := e.eval(loop[1], "")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if u, ok := coll.(*unknown); ok {
			return nil, fmt.Errorf("%w: %s: the collection is not known before deployment (%s); give it with --parameter", ErrUnsupported, k, u.reason)
		}
		items, ok := coll.([]any)
		if !ok {
			return nil, intrinsicErr("%s: collection is %s, not a list", k, kindOf(coll))
		}
		for _, it := range items {
			item, ok := scalarString(it)
			if !ok {
				if u, isU := it.(*unknown); isU {
					return nil, fmt.Errorf("%w: %s: an item of the collection is not known before deployment (%s)", ErrUnsupported, k, u.reason)
				}
				return nil, intrinsicErr("%s: collection item is %s, not a string", k, kindOf(it))
			}
			for _, ok := range slices.Sorted(maps.Keys(frag)) {
				if err := e.step(); err != nil {
					return nil, err
				}
				key := substituteIdent(ok, ident, item)
				val := replaceIdent(frag[ok], ident, item)
				expanded, err := e.expandForEach(map[string]any{key: val}, nil, depth+1)
				if err != nil {
					return nil, err
				}
				for ek, ev := range expanded {
					// Copying what inner loops produced is work too.
					if err := e.step(); err != nil {
						return nil, err
					}
					if _, dup := out[ek]; dup || m[ek] != nil {
						return nil, intrinsicErr("%s: key %s produced twice", k, ek)
					}
					out[ek] = ev
					if lines != nil {
						lines[ek] = lines[k]
					}
				}
			}
		}
	}
	return out, nil
}

func (e *evaluator) expandIn(v any, depth int) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		return e.expandForEach(x, nil, depth)
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			r, err := e.expandIn(el, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// substituteIdent replaces ${ident} by the item and &{ident} by its alphanumeric characters.
func substituteIdent(s, ident, item string) string {
	s = strings.ReplaceAll(s, "${"+ident+"}", item)
	return strings.ReplaceAll(s, "&{"+ident+"}", alphanumeric(item))
}

func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}

// replaceIdent copies v with the loop identifier replaced: in every string and key, and as the
// target of a Ref.
func replaceIdent(v any, ident, item string) any {
	switch x := v.(type) {
	case string:
		return substituteIdent(x, ident, item)
	case map[string]any:
		if r, ok := x["Ref"].(string); ok && len(x) == 1 && r == ident {
			return item
		}
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[substituteIdent(k, ident, item)] = replaceIdent(el, ident, item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = replaceIdent(el, ident, item)
		}
		return out
	}
	return v
}
