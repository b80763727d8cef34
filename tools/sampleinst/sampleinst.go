// Package sampleinst generates sample instances of a JSON Schema (a restricted template): valid
// ones, and invalid ones that carry one extra property at a random depth of a closed object. It
// drives property-based tests of the generator and the engine: every valid instance must be
// approved, and every extra property must be rejected at its JSON Pointer. Given a seed, the output
// is deterministic.
//
// It understands what provider schemas and restricted templates use: local $ref, type, enum,
// const, properties, required, additionalProperties, patternProperties, allOf, anyOf and oneOf
// (CloudFormation's {"required": [...]} alternatives included), dependencies (array form), not
// with enum or const, string patterns (RE2) and lengths, numeric bounds and multipleOf, array
// bounds and uniqueItems. if/then/else and other uses of not are not taken into account.
package sampleinst

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// ErrUnsatisfiable means the generator could not build a value that meets a schema node.
var ErrUnsatisfiable = errors.New("cannot generate a value")

// ErrNoClosedObject means an instance has no closed object to add an extra property to.
var ErrNoClosedObject = errors.New("no closed object in the instance")

// ExtraProperty is the name Invalid adds; a suffix keeps it clear of any patternProperties.
const ExtraProperty = "RcfgeUnapprovedProperty"

// Generator builds instances of one schema. It is safe for concurrent use.
type Generator struct {
	root     map[string]any
	maxDepth int
	maxItems int
	optional float64
}

// Option tunes a Generator.
type Option func(*Generator)

// WithMaxDepth sets the object depth below which optional properties are still added (default 6).
// Required properties are always generated, whatever the depth.
func WithMaxDepth(n int) Option { return func(g *Generator) { g.maxDepth = n } }

// WithMaxItems bounds the extra array items added above minItems (default 2).
func WithMaxItems(n int) Option { return func(g *Generator) { g.maxItems = n } }

// WithOptionalRate sets the chance that an optional property is generated (default 0.5).
func WithOptionalRate(p float64) Option { return func(g *Generator) { g.optional = p } }

// New returns a generator for doc, a parsed schema whose placeholders are already filled.
func New(doc any, opts ...Option) (*Generator, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema is %T, want an object", doc)
	}
	g := &Generator{root: root, maxDepth: 6, maxItems: 2, optional: 0.5}
	for _, o := range opts {
		o(g)
	}
	return g, nil
}

// hardDepth stops runaway recursion through required properties of recursive schemas.
const hardDepth = 64

// run is the state of one generation.
type run struct {
	g      *Generator
	rnd    *rand.Rand
	closed []closedObject
}

// closedObject is an object in the instance whose schema admits only named properties.
type closedObject struct {
	pointer string
	value   map[string]any
	depth   int
	allowed func(name string) bool
}

func (g *Generator) newRun(seed uint64) *run {
	return &run{g: g, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Valid returns an instance the schema accepts.
func (g *Generator) Valid(seed uint64) (any, error) {
	r := g.newRun(seed)
	return r.value(g.root, "", 0)
}

// Invalid returns an instance that differs from Valid(seed) by one extra property in a closed
// object chosen at a random depth, and that property's JSON Pointer.
func (g *Generator) Invalid(seed uint64) (any, string, error) {
	r := g.newRun(seed)
	v, err := r.value(g.root, "", 0)
	if err != nil {
		return nil, "", err
	}
	// An object whose patternProperties admit any name is not closed to an extra property.
	r.closed = slices.DeleteFunc(r.closed, func(c closedObject) bool {
		return c.allowed(ExtraProperty) && c.allowed(ExtraProperty+"2") && c.allowed("~"+ExtraProperty)
	})
	if len(r.closed) == 0 {
		return nil, "", ErrNoClosedObject
	}
	// Pick a depth first, then an object at that depth, so that deep objects are not drowned
	// out by the many shallow ones (or the reverse).
	byDepth := map[int][]closedObject{}
	var depths []int
	for _, c := range r.closed {
		if _, seen := byDepth[c.depth]; !seen {
			depths = append(depths, c.depth)
		}
		byDepth[c.depth] = append(byDepth[c.depth], c)
	}
	sort.Ints(depths)
	at := byDepth[depths[r.rnd.IntN(len(depths))]]
	c := at[r.rnd.IntN(len(at))]
	name := ExtraProperty
	for i := 2; c.allowed(name) || c.value[name] != nil; i++ {
		if i > 1000 {
			return nil, "", ErrNoClosedObject // the patterns admit every name tried
		}
		name = ExtraProperty + strconv.Itoa(i)
	}
	c.value[name] = "unapproved"
	return v, c.pointer + "/" + jsonptr.Escape(name), nil
}

// resolve follows local $refs.
func (r *run) resolve(node any) (map[string]any, error) {
	for range 64 {
		switch m := node.(type) {
		case bool:
			if m {
				return map[string]any{}, nil
			}
			return nil, fmt.Errorf("%w: schema false admits nothing", ErrUnsatisfiable)
		case map[string]any:
			ref, ok := m["$ref"].(string)
			if !ok {
				return m, nil
			}
			target, err := r.lookup(ref)
			if err != nil {
				return nil, err
			}
			node = target
		default:
			return nil, fmt.Errorf("schema node is %T", node)
		}
	}
	return nil, fmt.Errorf("$ref chain longer than 64")
}

func (r *run) lookup(ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var node any = r.g.root
	if p == "" {
		return node, nil
	}
	for _, t := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		t = jsonptr.Unescape(t)
		if node, ok = m[t]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	return node, nil
}

// merged flattens allOf and picks one oneOf/anyOf branch into a single node. Properties that
// other branches require (and the chosen one does not) are excluded, which keeps oneOf's
// "exactly one" true for CloudFormation's usual {"required": [...]} alternatives.
type merged struct {
	props    map[string]any
	required []string
	excluded map[string]bool
	closed   bool
	patterns []*regexp.Regexp
}

func (r *run) merge(node map[string]any) (*merged, error) {
	m := &merged{props: map[string]any{}, excluded: map[string]bool{}}
	if err := r.absorb(m, node, true); err != nil {
		return nil, err
	}
	return m, nil
}

func (r *run) absorb(m *merged, node map[string]any, top bool) error {
	if props, ok := node["properties"].(map[string]any); ok {
		for k, v := range props {
			if _, seen := m.props[k]; !seen {
				m.props[k] = v
			}
		}
	}
	m.required = append(m.required, stringsOf(node["required"])...)
	if top {
		if ap, ok := node["additionalProperties"].(bool); ok && !ap {
			m.closed = true
		}
		if pp, ok := node["patternProperties"].(map[string]any); ok {
			for k := range pp {
				if re, err := regexp.Compile(k); err == nil {
					m.patterns = append(m.patterns, re)
				}
			}
		}
	}
	for _, br := range anySlice(node["allOf"]) {
		sub, err := r.resolve(br)
		if err != nil {
			return err
		}
		if err := r.absorb(m, sub, false); err != nil {
			return err
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		branches := anySlice(node[key])
		if len(branches) == 0 {
			continue
		}
		pick := r.rnd.IntN(len(branches))
		chosen, err := r.resolve(branches[pick])
		if err != nil {
			return err
		}
		mine := map[string]bool{}
		for _, req := range stringsOf(chosen["required"]) {
			mine[req] = true
		}
		for i, br := range branches {
			if i == pick {
				continue
			}
			other, err := r.resolve(br)
			if err != nil {
				return err
			}
			for _, req := range stringsOf(other["required"]) {
				if !mine[req] {
					m.excluded[req] = true
				}
			}
		}
		if err := r.absorb(m, chosen, false); err != nil {
			return err
		}
		if ap, ok := chosen["additionalProperties"].(bool); ok && !ap {
			if _, hasProps := chosen["properties"]; hasProps {
				// A closed branch limits the object to its own properties.
				m.closed = true
				allowed := map[string]any{}
				for k := range chosen["properties"].(map[string]any) {
					allowed[k] = m.props[k]
				}
				m.props = allowed
			}
		}
	}
	return nil
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func stringsOf(v any) []string {
	var out []string
	for _, x := range anySlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// value generates a value for node at instance pointer ptr.
func (r *run) value(raw any, ptr string, depth int) (any, error) {
	node, err := r.resolve(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ptr, err)
	}
	forbidden := forbiddenValues(node)
	if e := anySlice(node["enum"]); len(e) > 0 && len(forbidden) > 0 {
		var allowed []any
		for _, v := range e {
			if b, _ := json.Marshal(v); !forbidden[string(b)] {
				allowed = append(allowed, v)
			}
		}
		if len(allowed) == 0 {
			return nil, fmt.Errorf("%w at %s: not forbids every enum value", ErrUnsatisfiable, ptr)
		}
		return allowed[r.rnd.IntN(len(allowed))], nil
	}
	if len(forbidden) == 0 {
		return r.shape(node, ptr, depth)
	}
	// "not": {"enum": [...]} (or const) forbids a few values: draw again when one comes up.
	for range 32 {
		mark := len(r.closed)
		v, err := r.shape(node, ptr, depth)
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(v)
		if !forbidden[string(b)] {
			return v, nil
		}
		r.closed = r.closed[:mark]
	}
	return nil, fmt.Errorf("%w at %s: every draw hit a value that not forbids", ErrUnsatisfiable, ptr)
}

// forbiddenValues returns the JSON encodings of the values a "not" with enum or const rules out.
func forbiddenValues(node map[string]any) map[string]bool {
	not, ok := node["not"].(map[string]any)
	if !ok {
		return nil
	}
	vals := anySlice(not["enum"])
	if c, ok := not["const"]; ok {
		vals = append(vals, c)
	}
	out := make(map[string]bool, len(vals))
	for _, v := range vals {
		b, _ := json.Marshal(v)
		out[string(b)] = true
	}
	return out
}

// shape generates a value for a resolved node; value wraps it with the "not" check.
func (r *run) shape(node map[string]any, ptr string, depth int) (any, error) {
	if depth > hardDepth {
		return nil, fmt.Errorf("%w at %s: required properties nest deeper than %d", ErrUnsatisfiable, ptr, hardDepth)
	}
	if c, ok := node["const"]; ok {
		return c, nil
	}
	if e := anySlice(node["enum"]); len(e) > 0 {
		return e[r.rnd.IntN(len(e))], nil
	}
	if _, hasProps := node["properties"]; !hasProps {
		// Alternatives of different shapes: generate from one branch laid over the parent.
		for _, key := range []string{"oneOf", "anyOf"} {
			branches := anySlice(node[key])
			if len(branches) == 0 {
				continue
			}
			br, err := r.resolve(branches[r.rnd.IntN(len(branches))])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ptr, err)
			}
			composite := make(map[string]any, len(node)+len(br))
			for k, v := range node {
				if k != key {
					composite[k] = v
				}
			}
			for k, v := range br {
				composite[k] = v
			}
			return r.value(composite, ptr, depth)
		}
	}
	m, err := r.merge(node)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ptr, err)
	}
	switch r.typeOf(node, m) {
	case "object":
		return r.object(node, m, ptr, depth)
	case "array":
		return r.array(node, ptr, depth)
	case "string":
		return r.str(node, ptr)
	case "integer":
		return r.number(node, true, ptr)
	case "number":
		return r.number(node, false, ptr)
	case "boolean":
		return r.rnd.IntN(2) == 0, nil
	case "null":
		return nil, nil
	}
	return "sample", nil
}

// typeOf picks the type to generate: the declared one (the first of a list that is not null),
// else what the keywords imply.
func (r *run) typeOf(node map[string]any, m *merged) string {
	switch t := node["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	switch {
	case len(m.props) > 0 || node["patternProperties"] != nil || node["additionalProperties"] != nil:
		return "object"
	case node["items"] != nil:
		return "array"
	case node["minimum"] != nil || node["maximum"] != nil:
		return "integer"
	}
	return "string"
}

func (r *run) object(node map[string]any, m *merged, ptr string, depth int) (any, error) {
	out := map[string]any{}
	include := map[string]bool{}
	for _, req := range m.required {
		include[req] = true
	}
	names := make([]string, 0, len(m.props))
	for k := range m.props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if include[k] || m.excluded[k] {
			continue
		}
		if depth < r.g.maxDepth && r.rnd.Float64() < r.g.optional {
			include[k] = true
		}
	}
	// Property dependencies (the array form) pull in the names they list.
	if deps, ok := node["dependencies"].(map[string]any); ok {
		for _, k := range names {
			if include[k] {
				for _, d := range stringsOf(deps[k]) {
					include[d] = true
				}
			}
		}
	}
	if minP, ok := intOf(node["minProperties"]); ok {
		for _, k := range names {
			if countTrue(include) >= minP {
				break
			}
			if !m.excluded[k] {
				include[k] = true
			}
		}
	}
	// maxProperties drops optional properties (required ones stay: the schema asks for both).
	if maxP, ok := intOf(node["maxProperties"]); ok {
		for _, k := range names {
			if countTrue(include) <= maxP {
				break
			}
			if include[k] && !slices.Contains(m.required, k) {
				delete(include, k)
			}
		}
	}
	keys := make([]string, 0, len(include))
	for k := range include {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sub, declared := m.props[k]
		if !declared {
			sub = map[string]any{}
		}
		v, err := r.value(sub, ptr+"/"+jsonptr.Escape(k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	if _, hasPP := node["patternProperties"]; len(m.props) == 0 && (hasPP || !m.closed) {
		if err := r.mapEntries(node, out, ptr, depth); err != nil {
			return nil, err
		}
	}
	if m.closed && len(m.props) > 0 {
		props, patterns := m.props, m.patterns
		r.closed = append(r.closed, closedObject{
			pointer: ptr, value: out, depth: depth,
			allowed: func(name string) bool {
				if _, ok := props[name]; ok {
					return true
				}
				for _, re := range patterns {
					if re.MatchString(name) {
						return true
					}
				}
				return false
			},
		})
	}
	return out, nil
}

// mapEntries fills a map-like object (patternProperties or an additionalProperties schema).
func (r *run) mapEntries(node, out map[string]any, ptr string, depth int) error {
	n := r.rnd.IntN(3)
	if minP, ok := intOf(node["minProperties"]); ok && n < minP {
		n = minP
	}
	if maxP, ok := intOf(node["maxProperties"]); ok && n > maxP {
		n = maxP
	}
	pp, _ := node["patternProperties"].(map[string]any)
	keys := make([]string, 0, len(pp))
	for k := range pp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i := 0; i < n; i++ {
		var name string
		var sub any = map[string]any{"type": "string"}
		switch {
		case len(keys) > 0:
			k := keys[r.rnd.IntN(len(keys))]
			s, err := r.fromPattern(k, 1, 128)
			if err != nil {
				return fmt.Errorf("%s: key: %w", ptr, err)
			}
			name, sub = s, pp[k]
		default:
			name = "key" + strconv.Itoa(i)
			if ap, ok := node["additionalProperties"].(map[string]any); ok {
				sub = ap
			}
		}
		v, err := r.value(sub, ptr+"/"+jsonptr.Escape(name), depth+1)
		if err != nil {
			return err
		}
		out[name] = v
	}
	return nil
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

func (r *run) array(node map[string]any, ptr string, depth int) (any, error) {
	lo, _ := intOf(node["minItems"])
	hi := lo + r.g.maxItems
	if depth >= r.g.maxDepth {
		hi = lo
	}
	if mx, ok := intOf(node["maxItems"]); ok && hi > mx {
		hi = mx
	}
	n := lo
	if hi > lo {
		n += r.rnd.IntN(hi - lo + 1)
	}
	unique, _ := node["uniqueItems"].(bool)
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n*8+8; i++ {
		var item any = map[string]any{}
		switch it := node["items"].(type) {
		case map[string]any, bool:
			item = it
		case []any:
			if len(out) < len(it) {
				item = it[len(out)]
			}
		}
		mark := len(r.closed)
		v, err := r.value(item, ptr+"/"+strconv.Itoa(len(out)), depth+1)
		if err != nil {
			return nil, err
		}
		if unique {
			b, _ := json.Marshal(v)
			if seen[string(b)] {
				r.closed = r.closed[:mark] // the duplicate is thrown away with its objects
				continue
			}
			seen[string(b)] = true
		}
		out = append(out, v)
	}
	if len(out) < lo {
		return nil, fmt.Errorf("%w at %s: %d distinct items needed", ErrUnsatisfiable, ptr, lo)
	}
	return out, nil
}

func (r *run) number(node map[string]any, integer bool, ptr string) (any, error) {
	lo, hasLo := floatOf(node["minimum"])
	hi, hasHi := floatOf(node["maximum"])
	var loEx, hiEx bool
	if x, ok := floatOf(node["exclusiveMinimum"]); ok && (!hasLo || x >= lo) {
		lo, hasLo, loEx = x, true, true
	}
	if x, ok := floatOf(node["exclusiveMaximum"]); ok && (!hasHi || x <= hi) {
		hi, hasHi, hiEx = x, true, true
	}
	switch {
	case !hasLo && !hasHi:
		lo, hi = 0, 100
	case !hasLo:
		lo = hi - 100
	case !hasHi:
		hi = lo + 100
	}
	if hi < lo || (hi == lo && (loEx || hiEx)) {
		return nil, fmt.Errorf("%w at %s: empty numeric range", ErrUnsatisfiable, ptr)
	}
	stepText := "1"
	if n, ok := node["multipleOf"].(json.Number); ok {
		stepText = n.String()
	} else if !integer {
		u := r.rnd.Float64()
		if loEx || hiEx {
			u = 0.25 + 0.5*u // well inside an open interval
		}
		return json.Number(strconv.FormatFloat(lo+(hi-lo)*u, 'f', -1, 64)), nil
	}
	step, ok := new(big.Rat).SetString(stepText)
	if !ok || step.Sign() <= 0 {
		return nil, fmt.Errorf("%w at %s: multipleOf %s", ErrUnsatisfiable, ptr, stepText)
	}
	if integer && !step.IsInt() {
		// Every integer is a multiple of 0.5, 0.1, ...: step by 1 when 1 is a multiple of step.
		if q := new(big.Rat).Quo(big.NewRat(1, 1), step); q.IsInt() {
			step, stepText = big.NewRat(1, 1), "1"
		}
	}
	// Multiples are counted exactly (k * step as a rational), so 0.1 steps print as 0.3, never
	// as 0.30000000000000004, which multipleOf would reject.
	stepF, _ := step.Float64()
	first := int64(math.Ceil(lo / stepF))
	if loEx && float64(first)*stepF <= lo {
		first++
	}
	last := int64(math.Floor(hi / stepF))
	if hiEx && float64(last)*stepF >= hi {
		last--
	}
	if first > last {
		return nil, fmt.Errorf("%w at %s: no multiple of %s in range", ErrUnsatisfiable, ptr, stepText)
	}
	k := first + r.rnd.Int64N(last-first+1)
	v := new(big.Rat).Mul(step, new(big.Rat).SetInt64(k))
	decimals := 0
	if _, frac, found := strings.Cut(stepText, "."); found && !integer && !step.IsInt() {
		decimals = len(frac)
	}
	return json.Number(v.FloatString(decimals)), nil
}

func floatOf(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

func intOf(v any) (int, bool) {
	f, ok := floatOf(v)
	return int(f), ok
}

func (r *run) str(node map[string]any, ptr string) (any, error) {
	lo, _ := intOf(node["minLength"])
	hi, hasHi := intOf(node["maxLength"])
	if !hasHi {
		hi = lo + 24
		if _, ok := node["pattern"]; ok {
			hi = lo + 4096 // the pattern bounds the length
		}
	}
	if hi < lo {
		return nil, fmt.Errorf("%w at %s: maxLength below minLength", ErrUnsatisfiable, ptr)
	}
	if p, ok := node["pattern"].(string); ok {
		s, err := r.fromPattern(p, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ptr, err)
		}
		return s, nil
	}
	switch node["format"] {
	case "date-time":
		return "2026-08-03T12:00:00Z", nil
	case "uri":
		return "https://example.com/rcfge", nil
	}
	n := lo
	if hi > lo {
		n += r.rnd.IntN(min(hi, lo+12) - lo + 1)
	}
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.rnd.IntN(len(letters))]
	}
	return string(b), nil
}

// fromPattern returns a string of lo..hi characters that the RE2 pattern matches.
func (r *run) fromPattern(p string, lo, hi int) (string, error) {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("pattern %q: %w", p, err)
	}
	re = re.Simplify()
	check, err := regexp.Compile(p)
	if err != nil {
		return "", fmt.Errorf("pattern %q: %w", p, err)
	}
	for attempt := range 64 {
		var b strings.Builder
		r.emit(&b, re, attempt/8)
		s := b.String()
		if n := utf8.RuneCountInString(s); n >= lo && n <= hi && check.MatchString(s) {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: no string of length %d..%d found for pattern %q", ErrUnsatisfiable, lo, hi, p)
}

// emit writes a random string matched by re. extra raises repeat counts, for minLength.
func (r *run) emit(b *strings.Builder, re *syntax.Regexp, extra int) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		b.WriteRune(r.classRune(re.Rune))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteByte(byte('a' + r.rnd.IntN(26)))
	case syntax.OpCapture:
		r.emit(b, re.Sub[0], extra)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			r.emit(b, s, extra)
		}
	case syntax.OpAlternate:
		r.emit(b, re.Sub[r.rnd.IntN(len(re.Sub))], extra)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := re.Min, re.Max
		switch re.Op {
		case syntax.OpStar:
			lo, hi = 0, -1
		case syntax.OpPlus:
			lo, hi = 1, -1
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		top := lo + 3 + extra*4
		if hi >= 0 && top > hi {
			top = hi
		}
		n := lo + r.rnd.IntN(top-lo+1)
		for range n {
			r.emit(b, re.Sub[0], extra)
		}
	}
	// Anchors, word boundaries and empty matches emit nothing.
}

// classRune picks a rune from a class given as [lo, hi] pairs, preferring printable ASCII and
// never a surrogate.
func (r *run) classRune(ranges []rune) rune {
	var ascii [][2]rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], 0x21), min(ranges[i+1], 0x7E)
		if lo <= hi {
			ascii = append(ascii, [2]rune{lo, hi})
		}
	}
	if len(ascii) > 0 && r.rnd.IntN(8) != 0 {
		p := ascii[r.rnd.IntN(len(ascii))]
		return p[0] + rune(r.rnd.IntN(int(p[1]-p[0])+1))
	}
	for range 16 {
		i := r.rnd.IntN(len(ranges)/2) * 2
		lo, hi := ranges[i], min(ranges[i+1], 0x10FFFF)
		c := lo + rune(r.rnd.IntN(int(hi-lo)+1))
		if c < 0xD800 || c > 0xDFFF {
			return c
		}
	}
	return ranges[0]
}
