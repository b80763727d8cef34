package schema

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// typeMask is a set of JSON Schema types.
type typeMask uint8

const (
	tString typeMask = 1 << iota
	tInteger
	tNumber
	tBoolean
	tObject
	tArray
	tNull
)

func typeBit(t string) typeMask {
	switch t {
	case "string":
		return tString
	case "integer":
		return tInteger
	case "number":
		return tNumber
	case "boolean":
		return tBoolean
	case "object":
		return tObject
	case "array":
		return tArray
	case "null":
		return tNull
	}
	return 0
}

// Coerce returns v with scalars converted the way CloudFormation converts them, only where the
// schema at that location expects another scalar type and the conversion is exact: a string that
// is wholly a boolean or a number becomes one; a number or boolean becomes a string. Nothing else
// changes: a string property holding "true" stays a string, "abc" for an integer stays a violation.
// v is never modified; unchanged parts are shared.
func (s *Schema) Coerce(v any) any {
	out, _ := s.coerce(v, s.rootSet)
	return out
}

// kids is what the coercion walk needs of one schema, precomputed at compile time so the walk
// allocates nothing on the common path.
type kids struct {
	mask        typeMask
	constrained bool
	props       map[string][]*jsonschema.Schema // schemas applying to each declared property
	items       []*jsonschema.Schema            // schemas applying to every item (items: schema)
	tuple       bool                            // items is a list or prefixItems is set: computed per index
}

func (s *Schema) precompute() {
	s.kids = make(map[*jsonschema.Schema]*kids, len(s.flat))
	for n := range s.flat {
		set := []*jsonschema.Schema{n}
		k := &kids{props: map[string][]*jsonschema.Schema{}}
		k.mask, k.constrained = s.types(set)
		for _, c := range s.flat[n] {
			for name := range c.Properties {
				if _, done := k.props[name]; !done {
					k.props[name] = s.propertySchemas(nil, set, name)
				}
			}
			if _, ok := c.Items.([]*jsonschema.Schema); ok || len(c.PrefixItems) > 0 {
				k.tuple = true
			}
		}
		if !k.tuple {
			k.items = s.itemSchemas(nil, set, 0)
		}
		s.kids[n] = k
	}
}

func (k *kids) lookup(name string) ([]*jsonschema.Schema, bool) {
	if k == nil {
		return nil, false
	}
	c, ok := k.props[name]
	return c, ok
}

func (s *Schema) typesOf(set []*jsonschema.Schema) (typeMask, bool) {
	if len(set) == 1 {
		if k := s.kids[set[0]]; k != nil {
			return k.mask, k.constrained
		}
	}
	return s.types(set)
}

func (s *Schema) types(set []*jsonschema.Schema) (m typeMask, constrained bool) {
	for _, r := range set {
		for _, c := range s.flat[r] {
			for _, t := range c.Types {
				m |= typeBit(t)
				constrained = true
			}
		}
	}
	return m, constrained
}

func (s *Schema) coerce(v any, set []*jsonschema.Schema) (any, bool) {
	switch t := v.(type) {
	case string:
		m, ok := s.typesOf(set)
		if !ok || m&tString != 0 {
			return v, false
		}
		if m&tBoolean != 0 && (t == "true" || t == "false") {
			return t == "true", true
		}
		if m&(tInteger|tNumber) != 0 {
			if n, integral, ok := numberLiteral(t); ok && (integral || m&tNumber != 0) {
				return n, true
			}
		}
		return v, false
	case json.Number:
		m, ok := s.typesOf(set)
		if ok && m&(tInteger|tNumber) == 0 && m&tString != 0 {
			return string(t), true
		}
		return v, false
	case bool:
		m, ok := s.typesOf(set)
		if ok && m&tBoolean == 0 && m&tString != 0 {
			return strconv.FormatBool(t), true
		}
		return v, false
	case map[string]any:
		var out map[string]any
		var pre *kids
		if len(set) == 1 {
			pre = s.kids[set[0]]
		}
		for k, val := range t {
			var kids []*jsonschema.Schema
			if c, ok := pre.lookup(k); ok {
				kids = c
			} else {
				kids = s.propertySchemas(nil, set, k)
			}
			if len(kids) == 0 {
				continue
			}
			nv, changed := s.coerce(val, kids)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(t))
				for k2, v2 := range t {
					out[k2] = v2
				}
			}
			out[k] = nv
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		var pre *kids
		if len(set) == 1 {
			pre = s.kids[set[0]]
		}
		for i, val := range t {
			var kids []*jsonschema.Schema
			if pre != nil && !pre.tuple {
				kids = pre.items
			} else {
				kids = s.itemSchemas(nil, set, i)
			}
			if len(kids) == 0 {
				continue
			}
			nv, changed := s.coerce(val, kids)
			if !changed {
				continue
			}
			if out == nil {
				out = make([]any, len(t))
				copy(out, t)
			}
			out[i] = nv
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}

// propertySchemas appends the schemas that apply to property k of an object validated by set.
func (s *Schema) propertySchemas(dst, set []*jsonschema.Schema, k string) []*jsonschema.Schema {
	for _, r := range set {
		for _, c := range s.flat[r] {
			matched := false
			if p, ok := c.Properties[k]; ok {
				dst = append(dst, p)
				matched = true
			}
			for re, p := range c.PatternProperties {
				if re.MatchString(k) {
					dst = append(dst, p)
					matched = true
				}
			}
			if !matched {
				if p, ok := c.AdditionalProperties.(*jsonschema.Schema); ok {
					dst = append(dst, p)
				}
			}
		}
	}
	return dst
}

// itemSchemas appends the schemas that apply to item i of an array validated by set.
func (s *Schema) itemSchemas(dst, set []*jsonschema.Schema, i int) []*jsonschema.Schema {
	for _, r := range set {
		for _, c := range s.flat[r] {
			switch it := c.Items.(type) {
			case *jsonschema.Schema:
				dst = append(dst, it)
			case []*jsonschema.Schema:
				if i < len(it) {
					dst = append(dst, it[i])
				} else if p, ok := c.AdditionalItems.(*jsonschema.Schema); ok {
					dst = append(dst, p)
				}
			}
			if i < len(c.PrefixItems) {
				dst = append(dst, c.PrefixItems[i])
			} else if c.Items2020 != nil {
				dst = append(dst, c.Items2020)
			}
		}
	}
	return dst
}

// numberRE is a decimal literal: JSON's grammar, but leading zeros allowed ("010" is ten, as
// CloudFormation reads it, never octal) and the exponent held to three digits so no literal can make
// the validator's big-number arithmetic expensive.
var numberRE = regexp.MustCompile(`^(-?)0*([0-9]+)((?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?)$`)

// numberLiteral parses a whole string as a number. It returns the JSON number (leading zeros
// removed) and whether its value is integral.
func numberLiteral(s string) (json.Number, bool, bool) {
	if len(s) == 0 || len(s) > 64 {
		return "", false, false
	}
	m := numberRE.FindStringSubmatch(s)
	if m == nil {
		return "", false, false
	}
	lit := m[1] + m[2] + m[3]
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return "", false, false
	}
	return json.Number(lit), r.IsInt(), true
}
