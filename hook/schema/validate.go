package schema

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/verdict"
)

// Options tune Validate.
type Options struct {
	// TypeName names the resource type in messages ("NewFeature is not an approved property of AWS::S3::Bucket").
	TypeName string
	// Unknown are JSON Pointers of values not known before deployment (intrinsics): constraints on
	// the value or inside it are skipped (type, enum, pattern, lengths, ranges, items, a combinator
	// whose branch choice depends on it, uniqueItems for items that are or hold one); property-name gates
	// naming it, required on its parent and constraints on siblings and ancestors never are.
	Unknown []string
	// References are JSON Pointers of dynamic references the hook cannot read (Secrets Manager,
	// SSM SecureString). Constraints from AWS's provider schema are skipped as for Unknown; a
	// constraint rcfge added (listed in the subschema's x-rcfge-own, or any constraint of a template
	// whose top-level x-rcfge lacks "generated": true) is reported as a Violation with Unverifiable set.
	References []string
	// MaxViolations bounds the answer: when more violations exist, Validate returns the first
	// MaxViolations+1 of them in path order, so "more than MaxViolations" means the caller should
	// report the rest as "and more". 0 means no limit.
	MaxViolations int
}

const (
	// maxAllowed bounds the allowed values or pattern quoted in a violation.
	maxAllowed = 200
	// maxDepth bounds how deep validation follows an instance. Deeper values are a violation (never
	// an error, so they decide even when engine errors only warn).
	maxDepth = 100
	// checkEvery is how many schema applications pass between two looks at the context.
	checkEvery = 256
)

// Validate checks an instance as CloudFormation hands it over (scalars coerced as the schema
// directs) and returns every violation, sorted by path. A non-nil error means the validation did not
// finish (the context's deadline, or an internal failure); the violations found until then are
// returned with it and still count.
//
// A context already done does not skip the work: validation runs at most checkEvery steps before
// it looks (microseconds), so a violation at the top, the usual case, is still found and decides.
func (s *Schema) Validate(ctx context.Context, v any, opts Options) ([]verdict.Violation, error) {
	vs, _, err := s.validate(ctx, v, opts, false)
	return vs, err
}

// ReferencePrefix starts every CloudFormation dynamic reference ({{resolve:...}}).
const ReferencePrefix = "{{resolve:"

// ValidateUnreferenced is Validate for a caller that has not yet looked for dynamic references in
// v: it validates v as holding none, and confirms that along the way. Every string of v is either
// reached by the walk or scanned where the walk skips a value (an unapproved property, a value no
// subschema constrains), so the caller needs no walk of its own. clean is true when no string of
// v starts with ReferencePrefix and the walk finished: the answer is then exactly Validate's with
// no References. Otherwise the answer must be discarded and the references looked for.
// opts.Unknown and opts.References must be empty.
func (s *Schema) ValidateUnreferenced(ctx context.Context, v any, opts Options) (vs []verdict.Violation, clean bool, err error) {
	if len(opts.Unknown) != 0 || len(opts.References) != 0 {
		return nil, false, nil
	}
	return s.validate(ctx, v, opts, true)
}

func (s *Schema) validate(ctx context.Context, v any, opts Options, scan bool) ([]verdict.Violation, bool, error) {
	w := walkers.Get().(*walker)
	*w = walker{s: s, ctx: ctx, opts: opts, scan: scan}
	w.path = w.pathBuf[:0]
	w.marks = buildMarks(opts.Unknown, opts.References)
	st := known
	if w.marks != nil {
		st = w.marks.state
	}
	w.node(s.root, v, w.marks, st)
	out, err := w.finish(), w.err
	clean := scan && !w.maybeRef && !w.stop && w.err == nil
	// The violations go to the caller: the pooled walker keeps nothing of this validation.
	*w = walker{}
	walkers.Put(w)
	return out, clean, err
}

// walkers recycles the walker (its path buffer makes it the one allocation of a validation, and a
// warm hook validates thousands of times a second).
var walkers = sync.Pool{New: func() any { return new(walker) }}

// state says what validation knows of the value at hand.
type state uint8

const (
	known state = iota
	unknownValue
	reference
)

// flags summarise a (sub)validation for the combinators that called it.
type flags uint8

const (
	failed flags = 1 << iota // a violation that decides
	unsure                   // a check skipped for an unknown value or a reference
)

// marks is a trie of the Unknown and References pointers, walked alongside the instance so that
// asking "is this value unknown?" costs one map lookup per level and /Tags/1 never covers /Tags/10.
type marks struct {
	state state
	kids  map[string]*marks
}

func buildMarks(unknown, refs []string) *marks {
	if len(unknown) == 0 && len(refs) == 0 {
		return nil
	}
	root := &marks{}
	add := func(p string, st state) {
		toks, err := jsonptr.Split(p)
		if err != nil {
			return
		}
		m := root
		for _, t := range toks {
			if m.kids == nil {
				m.kids = map[string]*marks{}
			}
			next := m.kids[t]
			if next == nil {
				next = &marks{}
				m.kids[t] = next
			}
			m = next
		}
		if m.state != unknownValue { // unknown wins over reference
			m.state = st
		}
	}
	for _, p := range refs {
		add(p, reference)
	}
	for _, p := range unknown {
		add(p, unknownValue)
	}
	return root
}

// seg is one step of the instance path: a property name or an array index.
type seg struct {
	key string
	idx int // -1 for a property
}

type walker struct {
	s       *Schema
	ctx     context.Context
	opts    Options
	marks   *marks
	path    []seg
	pathBuf [24]seg // the path's first levels, inside the walker's own allocation
	out     []verdict.Violation
	probe   int  // >0: deciding a combinator; stop at the first failure and build no message
	held    int  // >0: collecting a combinator's branches; no compaction
	exact   bool // no coercion: choosing among oneOf branches that all pass once coerced
	steps   int
	err     error
	stop    bool
	// scan: ValidateUnreferenced. maybeRef is set when a string reached or scanned starts with
	// ReferencePrefix.
	scan     bool
	maybeRef bool
}

// skipped is called where the walk, outside any probe, leaves a value it will not descend into:
// its strings are scanned for references instead. Outside probes the walk reaches every value its
// schemas describe, so reached and skipped values together cover the whole instance.
func (w *walker) skipped(v any) {
	if w.scan && w.probe == 0 && !w.maybeRef && holdsReference(v) {
		w.maybeRef = true
	}
}

// holdsReference reports whether a string in v starts with ReferencePrefix (allocation-free).
func holdsReference(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.HasPrefix(t, ReferencePrefix)
	case map[string]any:
		for _, c := range t {
			if holdsReference(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if holdsReference(c) {
				return true
			}
		}
	}
	return false
}

func (w *walker) pointer() string {
	var b strings.Builder
	for _, s := range w.path {
		b.WriteByte('/')
		if s.idx >= 0 {
			b.WriteString(strconv.Itoa(s.idx))
		} else {
			b.WriteString(jsonptr.Escape(s.key))
		}
	}
	return b.String()
}

func (w *walker) pointerOf(n int) string {
	saved := w.path
	w.path = w.path[:n]
	p := w.pointer()
	w.path = saved
	return p
}

func (w *walker) owner(path string) string {
	switch {
	case path == "" && w.opts.TypeName != "":
		return w.opts.TypeName
	case path == "":
		return "the resource"
	case w.opts.TypeName != "":
		return fmt.Sprintf("%s at %s", w.opts.TypeName, path)
	}
	return path
}

// report records a violation at the current path (a no-op while probing) and returns failed.
func (w *walker) report(keyword, schemaLoc, allowed, msg string) flags {
	if w.probe > 0 {
		return failed
	}
	w.add(verdict.Violation{Path: w.pointer(), Keyword: keyword, SchemaLocation: schemaLoc, Allowed: allowed, Message: msg})
	return failed
}

func (w *walker) add(v verdict.Violation) {
	w.out = append(w.out, v)
	if lim := w.opts.MaxViolations; lim > 0 && w.held == 0 && len(w.out) >= 4*(lim+1)+64 {
		w.out = w.compact(w.out)
	}
}

func (w *walker) compact(vs []verdict.Violation) []verdict.Violation {
	slices.SortStableFunc(vs, func(a, b verdict.Violation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Keyword, b.Keyword)
	})
	out := vs[:0]
	for i, v := range vs {
		if i > 0 && v.Path == vs[i-1].Path && v.Keyword == vs[i-1].Keyword && v.Message == vs[i-1].Message {
			continue
		}
		out = append(out, v)
	}
	if lim := w.opts.MaxViolations; lim > 0 && len(out) > lim+1 {
		out = out[:lim+1]
	}
	return out
}

func (w *walker) finish() []verdict.Violation {
	if len(w.out) == 0 {
		return nil
	}
	return w.compact(w.out)
}

// tick looks at the context every checkEvery steps.
func (w *walker) tick() bool {
	if w.stop {
		return false
	}
	w.steps++
	if w.steps%checkEvery == 0 {
		if err := w.ctx.Err(); err != nil {
			w.err = fmt.Errorf("validation against %s stopped after %d steps: %w", w.s.name, w.steps, err)
			w.stop = true
			return false
		}
	}
	return true
}

func (w *walker) fail(err error) flags {
	if w.err == nil {
		w.err = fmt.Errorf("validator failed on template %s: %w", w.s.name, err)
	}
	w.stop = true
	return failed
}

// descend moves the marks along one path step.
func descend(m *marks, st state, tok string) (*marks, state) {
	if st != known || m == nil {
		return nil, st
	}
	next := m.kids[tok]
	if next == nil {
		return nil, known
	}
	return next, next.state
}

func descendIndex(m *marks, st state, i int) (*marks, state) {
	if st != known || m == nil || m.kids == nil {
		return nil, st
	}
	return descend(m, st, strconv.Itoa(i))
}

// node applies one subschema to the value at the current path.
func (w *walker) node(n *node, v any, m *marks, st state) flags {
	if !w.tick() {
		return 0
	}
	c := n.get()
	if c.err != nil {
		return w.fail(c.err)
	}
	if c.always != nil {
		w.skipped(v)
		if *c.always {
			return 0
		}
		// A false schema: the property itself is not approved. Its name is known even when its
		// value is not, so this gate never yields to Unknown or References.
		return w.notAllowed(n.loc)
	}
	if c.ref != nil {
		return w.node(c.ref, v, m, st)
	}
	switch st {
	case unknownValue:
		return unsure
	case reference:
		return w.referenced(n, c)
	}
	if w.scan {
		if str, ok := v.(string); ok && strings.HasPrefix(str, ReferencePrefix) {
			w.maybeRef = true
		}
	}
	if len(w.path) > maxDepth {
		w.skipped(v)
		return w.report("depth", n.loc, "", fmt.Sprintf("value is nested more than %d levels deep, beyond what rcfge checks", maxDepth))
	}
	if c.conj != 0 && !w.exact {
		v = coerce(v, c.conj)
	}
	var num decimal
	if isNumber(v) {
		d, ok := numberOf(v)
		if !ok {
			return w.report("type", n.loc+"/type", "", "value is not a number CloudFormation accepts")
		}
		num = d
	}
	if c.types != 0 && !typeMatches(c.types, v, num) {
		w.skipped(v)
		return w.report("type", n.loc+"/type", "", fmt.Sprintf("expected %s, but got %s", strings.Join(c.typeNames, " or "), jsonType(v)))
	}
	var f flags
	done := func() bool { return w.stop || (w.probe > 0 && f&failed != 0) }

	if c.enum != nil && !slices.ContainsFunc(c.enum, func(e any) bool { return equal(v, e) }) {
		f |= w.enumViolation(n, c)
	}
	if len(c.consts) == 1 && !equal(v, c.consts[0]) {
		allowed := short(display(c.consts[0]))
		msg := "value is not the approved value"
		if allowed != "" {
			msg += " " + allowed
		}
		f |= w.report("const", n.loc+"/const", allowed, msg)
	}
	if done() {
		return f
	}
	switch t := v.(type) {
	case string:
		f |= w.str(n, c, t)
	case map[string]any:
		f |= w.object(n, c, t, m)
	case []any:
		f |= w.array(n, c, t, m)
	default:
		if isNumber(v) {
			f |= w.number(n, c, num)
		}
	}
	if done() {
		return f
	}
	for _, sub := range c.allOf {
		f |= w.node(sub, v, m, st)
		if done() {
			return f
		}
	}
	if c.anyOf != nil {
		f |= w.alternatives(n, "anyOf", c.anyOf, v, m)
	}
	if c.oneOf != nil && !done() {
		f |= w.alternatives(n, "oneOf", c.oneOf, v, m)
	}
	if c.not != nil && !done() {
		w.probe++
		r := w.node(c.not, v, m, st)
		w.probe--
		switch {
		case r&failed != 0:
		case r&unsure != 0:
			f |= unsure
		default:
			f |= w.report("not", n.loc+"/not", "", "value matches a schema it must not match (not)")
		}
	}
	if c.ifNode != nil && (c.then != nil || c.els != nil) && !done() {
		f |= w.conditional(c, v, m, st)
	}
	return f
}

// conditional applies if/then/else. When the if depends on an unknown value, the value is reported
// only if it fails whichever branch applies.
func (w *walker) conditional(c *compiled, v any, m *marks, st state) flags {
	w.probe++
	r := w.node(c.ifNode, v, m, st)
	w.probe--
	switch {
	case r == 0:
		if c.then != nil {
			return w.node(c.then, v, m, st)
		}
	case r&failed != 0:
		if c.els != nil {
			return w.node(c.els, v, m, st)
		}
	default:
		w.probe++
		var rt, re flags = 0, 0
		if c.then != nil {
			rt = w.node(c.then, v, m, st)
		}
		if c.els != nil {
			re = w.node(c.els, v, m, st)
		}
		w.probe--
		if rt&failed != 0 && re&failed != 0 {
			return w.node(c.then, v, m, st)
		}
		return unsure
	}
	return 0
}

// notAllowed reports a value under a false schema: an unapproved property, or an item or value
// allowed nowhere.
func (w *walker) notAllowed(loc string) flags {
	if w.probe > 0 {
		return failed
	}
	path := w.pointer()
	if k := len(w.path); k > 0 && w.path[k-1].idx < 0 {
		parent := w.pointerOf(k - 1)
		return w.report("false", loc, "", fmt.Sprintf("%s is not an approved property of %s", w.path[k-1].key, w.owner(parent)))
	}
	_ = path
	return w.report("false", loc, "", "value is not allowed here")
}

// referenced handles a dynamic reference: the value cannot be read, so no constraint is checked;
// each of rcfge's own constraints that would apply becomes an Unverifiable violation.
func (w *walker) referenced(n *node, c *compiled) flags {
	f := unsure
	own := func(k string, present bool) {
		if present && c.isOwn(k) {
			f |= w.unverifiable(k, n.loc+"/"+k)
		}
	}
	own("type", c.types != 0)
	own("enum", c.enum != nil)
	own("const", len(c.consts) > 0)
	own("format", c.formatOK != nil)
	own("pattern", c.pattern != nil)
	own("minLength", c.minLength >= 0)
	own("maxLength", c.maxLength >= 0)
	own("minimum", c.minimum != nil)
	own("maximum", c.maximum != nil)
	own("exclusiveMinimum", c.exMinimum != nil)
	own("exclusiveMaximum", c.exMaximum != nil)
	own("multipleOf", c.multipleOf != nil)
	own("anyOf", c.anyOf != nil)
	own("oneOf", c.oneOf != nil)
	own("not", c.not != nil)
	own("if", c.ifNode != nil)
	// Rules inside combinators apply to the same value: an own rule in any branch cannot be verified.
	for _, l := range [][]*node{c.allOf, c.anyOf, c.oneOf, {c.not, c.then, c.els}} {
		for _, sub := range l {
			if sub != nil {
				f |= w.node(sub, nil, nil, reference)
			}
		}
	}
	return f
}

func (w *walker) unverifiable(keyword, loc string) flags {
	if w.probe > 0 {
		return unsure
	}
	w.add(verdict.Violation{
		Path: w.pointer(), Keyword: keyword, SchemaLocation: loc, Unverifiable: true,
		Message: fmt.Sprintf("value is a dynamic reference rcfge cannot read, and %s is rcfge's own rule (not AWS's provider schema), so it cannot be verified", keyword),
	})
	return unsure
}

func (w *walker) enumViolation(n *node, c *compiled) flags {
	if w.probe > 0 {
		return failed
	}
	vals := make([]string, len(c.enum))
	for i, e := range c.enum {
		vals[i] = display(e)
	}
	allowed := short(strings.Join(vals, ", "))
	msg := "value is not one of the approved values"
	if allowed != "" {
		msg += ": " + allowed
	}
	return w.report("enum", n.loc+"/enum", allowed, msg)
}

func display(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		b := canonical(nil, v)
		return string(b)
	}
	return fmt.Sprint(v)
}

func (w *walker) str(n *node, c *compiled, s string) flags {
	var f flags
	if c.minLength >= 0 || c.maxLength >= 0 {
		l := utf8.RuneCountInString(s)
		if c.minLength >= 0 && l < c.minLength {
			f |= w.report("minLength", n.loc+"/minLength", "", fmt.Sprintf("length must be >= %d, but got %d", c.minLength, l))
		}
		if c.maxLength >= 0 && l > c.maxLength {
			f |= w.report("maxLength", n.loc+"/maxLength", "", fmt.Sprintf("length must be <= %d, but got %d", c.maxLength, l))
		}
	}
	if c.pattern != nil && !c.pattern.MatchString(s) {
		allowed := short(c.pattern.String())
		msg := "value does not match the approved pattern"
		if allowed != "" {
			msg += " " + allowed
		}
		f |= w.report("pattern", n.loc+"/pattern", allowed, msg)
	}
	if c.formatOK != nil && !c.formatOK(s) {
		f |= w.report("format", n.loc+"/format", "", fmt.Sprintf("value is not a valid %s", c.format))
	}
	return f
}

func (w *walker) number(n *node, c *compiled, d decimal) flags {
	var f flags
	if c.minimum != nil && d.cmp(*c.minimum) < 0 {
		f |= w.report("minimum", n.loc+"/minimum", "", "value must be >= "+c.numLit["minimum"])
	}
	if c.exMinimum != nil && d.cmp(*c.exMinimum) <= 0 {
		f |= w.report("exclusiveMinimum", n.loc+"/exclusiveMinimum", "", "value must be > "+c.numLit["exclusiveMinimum"])
	}
	if c.maximum != nil && d.cmp(*c.maximum) > 0 {
		f |= w.report("maximum", n.loc+"/maximum", "", "value must be <= "+c.numLit["maximum"])
	}
	if c.exMaximum != nil && d.cmp(*c.exMaximum) >= 0 {
		f |= w.report("exclusiveMaximum", n.loc+"/exclusiveMaximum", "", "value must be < "+c.numLit["exclusiveMaximum"])
	}
	if c.multipleOf != nil && !d.multipleOf(*c.multipleOf) {
		f |= w.report("multipleOf", n.loc+"/multipleOf", "", "value is not a multiple of "+c.numLit["multipleOf"])
	}
	return f
}

func (w *walker) object(n *node, c *compiled, obj map[string]any, m *marks) flags {
	var f flags
	if c.minProps >= 0 && len(obj) < c.minProps {
		f |= w.report("minProperties", n.loc+"/minProperties", "", fmt.Sprintf("minimum %d properties allowed, but found %d properties", c.minProps, len(obj)))
	}
	if c.maxProps >= 0 && len(obj) > c.maxProps {
		f |= w.report("maxProperties", n.loc+"/maxProperties", "", fmt.Sprintf("maximum %d properties allowed, but found %d properties", c.maxProps, len(obj)))
	}
	if len(c.required) > 0 {
		var missing []string
		for _, r := range c.required {
			if _, ok := obj[r]; !ok {
				if w.probe > 0 {
					return failed
				}
				missing = append(missing, "'"+r+"'")
			}
		}
		if len(missing) > 0 {
			f |= w.report("required", n.loc+"/required", "", "missing required properties: "+strings.Join(missing, ", "))
		}
	}
	for _, d := range c.deps {
		if _, ok := obj[d.name]; !ok {
			continue
		}
		for _, r := range d.required {
			if _, ok := obj[r]; !ok {
				f |= w.report("dependencies", n.loc+"/dependencies/"+jsonptr.Escape(d.name), "", fmt.Sprintf("property '%s' is required, if '%s' property exists", r, d.name))
			}
		}
		if d.node != nil {
			f |= w.node(d.node, obj, m, known)
		}
	}
	if w.probe > 0 && f&failed != 0 {
		return f
	}
	if c.props == nil && c.patternProps == nil && c.additional == nil && c.propertyNames == nil {
		w.skipped(obj)
		return f
	}
	// Few declared properties (the usual nested object): look each one up instead of iterating the
	// instance, which costs more than a lookup per key in Go maps. Every instance key is still
	// gated: when the declared ones found do not account for all of them, the rest are walked.
	if c.patternProps == nil && c.propertyNames == nil && len(c.propList) <= 2*len(obj) {
		found := 0
		for _, p := range c.propList {
			val, ok := obj[p.name]
			if !ok {
				continue
			}
			found++
			if f |= w.member(n, c, p.name, val, m, p.node, true); w.stop || (w.probe > 0 && f&failed != 0) {
				return f
			}
		}
		if found == len(obj) {
			return f
		}
		for k, val := range obj {
			if _, declared := c.props[k]; declared {
				continue
			}
			if f |= w.member(n, c, k, val, m, nil, true); w.stop || (w.probe > 0 && f&failed != 0) {
				return f
			}
		}
		return f
	}
	for k, val := range obj {
		if f |= w.member(n, c, k, val, m, nil, false); w.stop || (w.probe > 0 && f&failed != 0) {
			return f
		}
	}
	return f
}

// member applies to one property of an object what its parent schema says of it: the declared
// property's schema, every matching patternProperties schema, else additionalProperties (the
// property-name gate), and propertyNames. When looked is set, decl is the declared property's
// schema (nil: not declared) and c.props is not searched again.
func (w *walker) member(n *node, c *compiled, k string, val any, m *marks, decl *node, looked bool) flags {
	if !w.tick() {
		return 0
	}
	var f flags
	cm, cst := descend(m, known, k)
	w.path = append(w.path, seg{key: k, idx: -1})
	if !looked {
		decl = c.props[k]
	}
	matched := false
	if decl != nil {
		matched = true
		f |= w.node(decl, val, cm, cst)
	}
	for _, pp := range c.patternProps {
		if pp.re.MatchString(k) {
			matched = true
			f |= w.node(pp.node, val, cm, cst)
		}
	}
	if !matched && c.additional != nil {
		if ac := c.additional.get(); ac.always != nil && !*ac.always {
			w.skipped(val)
			f |= w.unapproved(n)
		} else {
			f |= w.node(c.additional, val, cm, cst)
		}
	} else if !matched {
		w.skipped(val)
	}
	if c.propertyNames != nil {
		f |= w.node(c.propertyNames, k, nil, known)
	}
	w.path = w.path[:len(w.path)-1]
	return f
}

// unapproved reports the property at the current path: additionalProperties is false and nothing
// declares it. This is the feature gate; the property's name is known even when its value is not.
func (w *walker) unapproved(n *node) flags {
	if w.probe > 0 {
		return failed
	}
	k := len(w.path)
	return w.report("additionalProperties", n.loc+"/additionalProperties", "",
		fmt.Sprintf("%s is not an approved property of %s", w.path[k-1].key, w.owner(w.pointerOf(k-1))))
}

func (w *walker) array(n *node, c *compiled, arr []any, m *marks) flags {
	var f flags
	if c.minItems >= 0 && len(arr) < c.minItems {
		f |= w.report("minItems", n.loc+"/minItems", "", fmt.Sprintf("minimum %d items required, but found %d items", c.minItems, len(arr)))
	}
	if c.maxItems >= 0 && len(arr) > c.maxItems {
		f |= w.report("maxItems", n.loc+"/maxItems", "", fmt.Sprintf("maximum %d items required, but found %d items", c.maxItems, len(arr)))
	}
	if c.unique && len(arr) > 1 {
		if i, j, ok := duplicate(arr, m); ok {
			f |= w.report("uniqueItems", n.loc+"/uniqueItems", "", fmt.Sprintf("items at index %d and %d are equal", i, j))
		}
	}
	if w.probe > 0 && f&failed != 0 {
		return f
	}
	if c.tuple != nil && c.additionalItems != nil && len(arr) > len(c.tuple) {
		if ac := c.additionalItems.get(); ac.always != nil && !*ac.always {
			f |= w.report("additionalItems", n.loc+"/additionalItems", "", fmt.Sprintf("only %d items are allowed, but found %d items", len(c.tuple), len(arr)))
		}
	}
	for i, item := range arr {
		var sub *node
		switch {
		case c.items != nil:
			sub = c.items
		case i < len(c.tuple):
			sub = c.tuple[i]
		case c.tuple != nil && c.additionalItems != nil:
			sub = c.additionalItems
		}
		if sub == nil {
			w.skipped(arr[i:])
			break
		}
		if ac := sub.get(); ac.always != nil && !*ac.always && sub == c.additionalItems {
			w.skipped(arr[i:])
			break // reported once above
		}
		cm, cst := descendIndex(m, known, i)
		w.path = append(w.path, seg{idx: i})
		f |= w.node(sub, item, cm, cst)
		w.path = w.path[:len(w.path)-1]
		if w.stop || (w.probe > 0 && f&failed != 0) {
			return f
		}
	}
	if c.contains != nil {
		found, maybe := false, false
		w.probe++
		for i, item := range arr {
			cm, cst := descendIndex(m, known, i)
			w.path = append(w.path, seg{idx: i})
			r := w.node(c.contains, item, cm, cst)
			w.path = w.path[:len(w.path)-1]
			if r == 0 {
				found = true
				break
			}
			if r&failed == 0 {
				maybe = true
			}
		}
		w.probe--
		switch {
		case found:
		case maybe:
			f |= unsure
		default:
			f |= w.report("contains", n.loc+"/contains", "", "no item matches the schema under contains")
		}
	}
	return f
}

// duplicate finds two equal known items. An item that is, or holds, an unknown value or a
// reference is never "equal" to anything: two different Fn::ImportValue subnets are not a
// duplicate, nor are two target-group targets whose Ids are Refs to different instances.
func duplicate(arr []any, m *marks) (int, int, bool) {
	skip := func(i int) bool {
		if m == nil {
			return false
		}
		below, st := descendIndex(m, known, i)
		return st != known || below != nil // the trie holds a node only on the way to a mark
	}
	if len(arr) <= 16 {
		for j := 1; j < len(arr); j++ {
			if skip(j) {
				continue
			}
			for i := 0; i < j; i++ {
				if !skip(i) && equal(arr[i], arr[j]) {
					return i, j, true
				}
			}
		}
		return 0, 0, false
	}
	seen := make(map[string]int, len(arr))
	var buf []byte
	for j, item := range arr {
		if skip(j) {
			continue
		}
		buf = canonical(buf[:0], item)
		if i, ok := seen[string(buf)]; ok {
			return i, j, true
		}
		seen[string(buf)] = j
	}
	return 0, 0, false
}

// alternatives applies anyOf or oneOf. Branches are first probed (no messages); only when the value
// fails them is each branch validated in full, to report the branch the value clearly meant (the
// only one it has the shape of) or else one violation naming every branch's first problem. A
// branch that fails only on unknown values might pass at deployment: the keyword is then skipped.
func (w *walker) alternatives(n *node, kw string, branches []*node, v any, m *marks) flags {
	sure, maybe := 0, 0
	first, second := -1, -1
	var maybes []int
	w.probe++
	for i, b := range branches {
		r := w.node(b, v, m, known)
		if w.stop {
			w.probe--
			return 0
		}
		switch {
		case r == 0:
			sure++
			if first < 0 {
				first = i
			} else if second < 0 {
				second = i
			}
		case r&failed == 0:
			maybe++
			maybes = append(maybes, i)
		}
		if kw == "anyOf" && sure > 0 {
			break
		}
	}
	w.probe--
	switch {
	case kw == "anyOf" && sure > 0, kw == "oneOf" && sure == 1 && maybe == 0:
		return 0
	case kw == "oneOf" && sure > 1 && w.exactlyOne(branches, v, m):
		// "5" for oneOf [string, integer]: the branch the value matches as given is the one meant.
		return 0
	case kw == "oneOf" && sure > 1:
		return w.report("oneOf", n.loc+"/oneOf", "", fmt.Sprintf("valid against schemas at indexes %d and %d", first, second))
	case sure+maybe > 0:
		// Passing depends on unknown values. With one candidate branch, its unverifiable rules
		// (dynamic references meeting rcfge's own constraints) still get reported.
		if sure == 0 && maybe == 1 && w.probe == 0 {
			return w.node(branches[maybes[0]], v, m, known) | unsure
		}
		return unsure
	}
	if w.probe > 0 {
		return failed
	}
	// Every branch fails: collect each branch's violations apart.
	w.held++
	found := make([][]verdict.Violation, len(branches))
	for i, b := range branches {
		start := len(w.out)
		w.node(b, v, m, known)
		found[i] = slices.Clone(w.out[start:])
		w.out = w.out[:start]
	}
	w.held--
	meant := -1
	for i, b := range found {
		if len(b) == 0 {
			continue
		}
		if !structural(b) {
			if meant == -1 {
				meant = i
			} else {
				meant = -2
			}
		}
	}
	if meant >= 0 {
		for _, x := range found[meant] {
			w.add(x)
		}
		return failed
	}
	var reasons []string
	for i, b := range found {
		if len(b) > 0 {
			// The first by path, not by the walk: the walk visits an object's members in map
			// order, and the same resource must always get the same message.
			first := slices.MinFunc(b, func(x, y verdict.Violation) int {
				return cmp.Or(strings.Compare(x.Path, y.Path), strings.Compare(x.Message, y.Message))
			})
			reasons = append(reasons, fmt.Sprintf("alternative %d: %s", i+1, first.Message))
		}
	}
	return w.report(kw, n.loc+"/"+kw, "", "matches none of the allowed alternatives ("+strings.Join(reasons, "; ")+")")
}

// exactlyOne reports whether exactly one branch accepts v without coercion.
func (w *walker) exactlyOne(branches []*node, v any, m *marks) bool {
	if w.exact {
		return false
	}
	w.probe++
	w.exact = true
	n := 0
	for _, b := range branches {
		if w.node(b, v, m, known) == 0 {
			n++
		}
	}
	w.exact = false
	w.probe--
	return n == 1
}

// structural reports whether violations show the value does not have the alternative's shape.
func structural(vs []verdict.Violation) bool {
	for _, v := range vs {
		switch v.Keyword {
		case "type", "required", "additionalProperties", "false", "anyOf", "oneOf", "const":
			return true
		}
	}
	return false
}

func short(s string) string {
	if len(s) > maxAllowed {
		return ""
	}
	return s
}

// typeMatches checks a value against a type set; an integral number is an integer (1.0 is).
func typeMatches(t typeMask, v any, num decimal) bool {
	switch x := v.(type) {
	case string:
		return t&tString != 0
	case bool:
		return t&tBoolean != 0
	case nil:
		return t&tNull != 0
	case map[string]any:
		return t&tObject != 0
	case []any:
		return t&tArray != 0
	default:
		_ = x
		if isNumber(v) {
			return t&tNumber != 0 || (t&tInteger != 0 && num.isInt())
		}
	}
	return false
}
