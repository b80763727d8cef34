package schema

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/rcfge/rcfge/hook/jsonptr"
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

// node is one subschema of a template. Its compiled form is built the first time validation
// reaches it and published through the sync.Once, so concurrent readers see it complete.
type node struct {
	s    *Schema
	raw  any
	loc  string // "#/definitions/Rule/properties/Name"
	once sync.Once
	c    *compiled
}

func (n *node) get() *compiled {
	n.once.Do(func() { n.c = n.compile() })
	return n.c
}

type patternProp struct {
	re   *pattern
	node *node
}

type namedNode struct {
	name string
	node *node
}

type dependency struct {
	name     string
	required []string // a property dependency...
	node     *node    // ...or a schema dependency
}

// compiled is a subschema ready for validation. -1 means "absent" for the counts.
type compiled struct {
	err error

	always *bool // a boolean schema
	ref    *node // draft-07: $ref replaces every sibling keyword

	types     typeMask
	typeNames []string
	conj      typeMask // types wanted here and by $ref/allOf: what scalars are coerced to

	enum     []any
	consts   []any // zero or one value
	format   string
	formatOK func(string) bool

	pattern              *pattern
	minLength, maxLength int
	minimum, maximum     *decimal
	exMinimum, exMaximum *decimal
	multipleOf           *decimal
	numLit               map[string]string // keyword → literal, for messages

	minItems, maxItems int
	unique             bool
	items              *node
	tuple              []*node
	additionalItems    *node
	contains           *node

	minProps, maxProps int
	required           []string
	props              map[string]*node
	propList           []namedNode // props again, sorted by name: looked up one by one in small objects
	patternProps       []patternProp
	additional         *node
	propertyNames      *node
	deps               []dependency

	allOf, anyOf, oneOf []*node
	not                 *node
	ifNode, then, els   *node

	own    map[string]bool // x-rcfge-own: keywords rcfge added beyond AWS's provider schema
	ownAll bool            // a hand-written template: every constraint is rcfge's own
}

func (n *node) child(raw any, loc string) *node { return &node{s: n.s, raw: raw, loc: loc} }

// compile builds n's compiled form. Compile's checker has already refused every malformed
// keyword, so errors here are internal; they are kept on the node and reported by Validate.
func (n *node) compile() *compiled {
	c := &compiled{minLength: -1, maxLength: -1, minItems: -1, maxItems: -1, minProps: -1, maxProps: -1}
	c.ownAll = !n.s.generated
	if b, ok := n.raw.(bool); ok {
		c.always = &b
		return c
	}
	m, _ := n.raw.(map[string]any)
	if r, ok := m["$ref"].(string); ok {
		raw, loc, err := n.s.resolve(r)
		if err != nil {
			c.err = err
			return c
		}
		c.ref = n.s.refNode(loc, raw)
		return c
	}
	at := func(k string) string { return n.loc + "/" + k }
	for k, v := range m {
		switch k {
		case "type":
			switch t := v.(type) {
			case string:
				c.types = typeBit(t)
				c.typeNames = []string{t}
			case []any:
				for _, e := range t {
					s, _ := e.(string)
					c.types |= typeBit(s)
					c.typeNames = append(c.typeNames, s)
				}
			}
		case "enum":
			c.enum, _ = v.([]any)
		case "const":
			c.consts = []any{v}
		case "format":
			c.format, _ = v.(string)
			c.formatOK = formats[c.format]
		case "pattern":
			re, err := compilePattern(v.(string))
			if err != nil {
				c.err = fmt.Errorf("%s: %w", at(k), err)
				return c
			}
			c.pattern = re
		case "minLength":
			c.minLength, _ = count(v)
		case "maxLength":
			c.maxLength, _ = count(v)
		case "minItems":
			c.minItems, _ = count(v)
		case "maxItems":
			c.maxItems, _ = count(v)
		case "minProperties":
			c.minProps, _ = count(v)
		case "maxProperties":
			c.maxProps, _ = count(v)
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
			d, _ := numberOf(v)
			if c.numLit == nil {
				c.numLit = map[string]string{}
			}
			c.numLit[k] = fmt.Sprint(v)
			switch k {
			case "minimum":
				c.minimum = &d
			case "maximum":
				c.maximum = &d
			case "exclusiveMinimum":
				c.exMinimum = &d
			case "exclusiveMaximum":
				c.exMaximum = &d
			case "multipleOf":
				c.multipleOf = &d
			}
		case "uniqueItems":
			c.unique = v == true
		case "items":
			if l, ok := v.([]any); ok {
				for i, e := range l {
					c.tuple = append(c.tuple, n.child(e, at(k)+"/"+strconv.Itoa(i)))
				}
			} else {
				c.items = n.child(v, at(k))
			}
		case "additionalItems":
			c.additionalItems = n.child(v, at(k))
		case "contains":
			c.contains = n.child(v, at(k))
		case "required":
			for _, e := range v.([]any) {
				c.required = append(c.required, e.(string))
			}
		case "properties":
			pm := v.(map[string]any)
			c.props = make(map[string]*node, len(pm))
			c.propList = make([]namedNode, 0, len(pm))
			for _, name := range slices.Sorted(maps.Keys(pm)) {
				ch := n.child(pm[name], at(k)+"/"+jsonptr.Escape(name))
				c.props[name] = ch
				c.propList = append(c.propList, namedNode{name: name, node: ch})
			}
		case "patternProperties":
			for _, p := range slices.Sorted(maps.Keys(v.(map[string]any))) {
				re, err := compilePattern(p)
				if err != nil {
					c.err = fmt.Errorf("%s: %w", at(k), err)
					return c
				}
				c.patternProps = append(c.patternProps, patternProp{re: re, node: n.child(v.(map[string]any)[p], at(k)+"/"+jsonptr.Escape(p))})
			}
		case "additionalProperties":
			c.additional = n.child(v, at(k))
		case "propertyNames":
			c.propertyNames = n.child(v, at(k))
		case "dependencies":
			dm := v.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(dm)) {
				d := dependency{name: name}
				if l, ok := dm[name].([]any); ok {
					for _, e := range l {
						d.required = append(d.required, e.(string))
					}
				} else {
					d.node = n.child(dm[name], at(k)+"/"+jsonptr.Escape(name))
				}
				c.deps = append(c.deps, d)
			}
		case "allOf", "anyOf", "oneOf":
			var l []*node
			for i, e := range v.([]any) {
				l = append(l, n.child(e, at(k)+"/"+strconv.Itoa(i)))
			}
			switch k {
			case "allOf":
				c.allOf = l
			case "anyOf":
				c.anyOf = l
			default:
				c.oneOf = l
			}
		case "not":
			c.not = n.child(v, at(k))
		case "if":
			c.ifNode = n.child(v, at(k))
		case "then":
			c.then = n.child(v, at(k))
		case "else":
			c.els = n.child(v, at(k))
		case "x-rcfge-own":
			c.own = map[string]bool{}
			for _, e := range v.([]any) {
				s, _ := e.(string)
				c.own[s] = true
			}
		}
	}
	var deep bool
	if c.conj, deep = conjTypes(n.s, m, 0); deep {
		// Coercion for this place cannot be decided, so neither can the keywords that depend on
		// it: an error (the engine fails closed), never a scalar left uncoerced and unmeasured.
		c.err = fmt.Errorf("allOf and $ref applied more than %d levels deep at one place", maxConjDepth)
	}
	return c
}

// maxConjDepth bounds the allOf/$ref chains conjTypes follows; reference loops are refused by
// Compile, so this only stops a pathological template.
const maxConjDepth = 32

// conjTypes is the union of the types declared by a schema and the schemas it applies in full at
// the same place ($ref, allOf): what a scalar is coerced to before those schemas check it. anyOf and
// oneOf branches coerce for themselves. It reads the raw document so that building one node never
// waits on another's sync.Once.
func conjTypes(s *Schema, m map[string]any, depth int) (mask typeMask, deep bool) {
	if m == nil {
		return 0, false
	}
	if depth > maxConjDepth {
		return 0, true
	}
	if r, ok := m["$ref"].(string); ok {
		raw, _, err := s.resolve(r)
		if err != nil {
			return 0, false
		}
		t, _ := raw.(map[string]any)
		return conjTypes(s, t, depth+1)
	}
	switch t := m["type"].(type) {
	case string:
		mask = typeBit(t)
	case []any:
		for _, e := range t {
			s, _ := e.(string)
			mask |= typeBit(s)
		}
	}
	if l, ok := m["allOf"].([]any); ok {
		for _, e := range l {
			sub, _ := e.(map[string]any)
			sm, d := conjTypes(s, sub, depth+1)
			if d {
				return 0, true
			}
			mask |= sm
		}
	}
	return mask, false
}

// isOwn reports whether a keyword of this subschema is rcfge's own rule.
func (c *compiled) isOwn(k string) bool { return c.ownAll || c.own[k] }
