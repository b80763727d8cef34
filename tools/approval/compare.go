// Package approval decides what a restricted template approves. The templates themselves are the
// approval record: regenerating from a newer provider schema keeps only the properties and enum
// values the existing template already admits (Narrow), lists the rest as pending (Compare, the
// one notion of "what is new", which drift shows too), and `schemas approve` grants them one by
// one, each grant appended to an approvals record (Record).
package approval

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Kind is the kind of a change between a snapshot and the current provider schema.
type Kind string

// The kinds of change drift reports.
const (
	// NewProperty: the provider schema has a property the snapshot lacks. The restricted template
	// blocks it until the DevSecOps approve it (regenerate) or refuse it (overlay remove).
	NewProperty Kind = "new-property"
	// NewEnumValues: an enum upstream admits values the snapshot's enum does not.
	NewEnumValues Kind = "new-enum-values"
	// RemovedProperty: the snapshot has a property the provider schema no longer has (removed or
	// renamed upstream, or a typo in the template).
	RemovedProperty Kind = "removed-property"
	// RemovedEnumValues: the snapshot's enum admits values the provider schema's no longer does
	// (withdrawn upstream, or a typo in an overlay's narrowing).
	RemovedEnumValues Kind = "removed-enum-values"
	// OpenedEnum: the snapshot's enum restricted the values and upstream no longer does, so any
	// value would pass. Values are the snapshot's.
	OpenedEnum Kind = "opened-enum"
	// NewBranch: an anyOf or oneOf upstream has an alternative the snapshot's lacks, a new way to
	// combine the properties. Values holds the keyword and the alternative's outline.
	NewBranch Kind = "new-branch"
)

// Change is one difference, located in the resource's properties.
type Change struct {
	Kind Kind `json:"kind"`
	// Path is the JSON Pointer of the property inside the resource's Properties; "*" stands for
	// any array item or map value. A property reachable along several paths is reported once, at
	// the shortest.
	Path string `json:"path"`
	// SchemaLocation is where the property is defined: in the provider schema for new properties and
	// enum values, in the snapshot for removed properties.
	SchemaLocation string `json:"schemaLocation"`
	// Type is the JSON type of a new property, when the schema says.
	Type string `json:"type,omitempty"`
	// Values are the new enum values.
	Values []string `json:"values,omitempty"`
	// Description is the provider schema's description of a new property, first sentence only.
	Description string `json:"description,omitempty"`
	// Locations are every schema location that declares a new property at Path: the object and
	// the combinator branches that name it. Narrow removes it from all of them.
	Locations []string `json:"-"`
}

// Decisions are the DevSecOps' deliberate differences from the provider schema, read from an
// overlay. Drift must not report them again at every run.
type Decisions struct {
	// Removed holds snapshot schema locations (JSON Pointers, e.g. /definitions/Rule/properties/X)
	// of properties removed on purpose.
	Removed map[string]bool
	// Narrowed holds snapshot schema locations whose enum was narrowed on purpose.
	Narrowed map[string]bool
}

// Compare reports what upstream has that snapshot does not, and the reverse, walking both property
// trees in step from the root through $ref into definitions. Read-only properties (each schema's
// readOnlyProperties) are outputs, not features, and are skipped on both sides.
func Compare(upstream, snapshot map[string]any, dec Decisions) []Change {
	c := comparer{
		up:     upstream,
		snap:   snapshot,
		upRO:   readOnly(upstream),
		snapRO: readOnly(snapshot),
		dec:    dec,
		seen:   map[[2]string]bool{},
	}
	c.run()
	sort.SliceStable(c.changes, func(i, j int) bool {
		a, b := c.changes[i], c.changes[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Kind < b.Kind
	})
	return c.changes
}

type comparer struct {
	up, snap     map[string]any
	upRO, snapRO roSet
	dec          Decisions
	// seen pairs of (upstream, snapshot) schema locations already compared; it bounds the walk on
	// recursive and heavily shared definitions (QuickSight has 700 of them).
	seen    map[[2]string]bool
	changes []Change
}

// node is one schema with its location, after $ref resolution.
type node struct {
	s   map[string]any
	loc string
}

type pair struct {
	u, s node
	path string
}

func (c *comparer) run() {
	queue := []pair{{u: node{c.up, ""}, s: node{c.snap, ""}, path: ""}}
	// Breadth first, so that a shared definition is reported at its shortest path.
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		u, s := resolve(c.up, p.u), resolve(c.snap, p.s)
		key := [2]string{u.loc, s.loc}
		if c.seen[key] {
			continue
		}
		c.seen[key] = true
		queue = append(queue, c.compareNode(u, s, p.path)...)
	}
}

func (c *comparer) compareNode(u, s node, path string) []pair {
	var next []pair
	c.compareEnum(u, s, path)
	c.compareBranches(u, s, path)
	up, sp := properties(c.up, u), properties(c.snap, s)
	for _, name := range slices.Sorted(maps.Keys(up)) {
		child := jsonptr.Append(path, name)
		un := up[name][0]
		if c.upRO.has(child, un.loc) {
			continue
		}
		sns, ok := sp[name]
		if !ok {
			if c.snapRO.paths[child] || c.dec.Removed[jsonptr.Append(s.loc+"/properties", name)] {
				continue
			}
			r := resolve(c.up, un)
			locs := make([]string, 0, len(up[name]))
			for _, n := range up[name] {
				locs = append(locs, n.loc)
			}
			c.changes = append(c.changes, Change{
				Kind:           NewProperty,
				Path:           child,
				SchemaLocation: un.loc,
				Type:           typeOf(r.s),
				Description:    firstSentence(un.s, r.s),
				Locations:      locs,
			})
			continue
		}
		// A property refused in the overlay is gone from the template along with all below it.
		if !c.dec.Removed[jsonptr.Append(s.loc+"/properties", name)] {
			next = append(next, pair{u: un, s: sns[0], path: child})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sp)) {
		child := jsonptr.Append(path, name)
		if _, ok := up[name]; ok || c.snapRO.has(child, sp[name][0].loc) || c.upRO.paths[child] {
			continue
		}
		c.changes = append(c.changes, Change{Kind: RemovedProperty, Path: child, SchemaLocation: sp[name][0].loc})
	}
	for _, kw := range []string{"items", "additionalProperties"} {
		ui, uok := u.s[kw].(map[string]any)
		si, sok := s.s[kw].(map[string]any)
		if uok && sok {
			next = append(next, pair{u: node{ui, u.loc + "/" + kw}, s: node{si, s.loc + "/" + kw}, path: path + "/*"})
		}
	}
	return append(next, c.comparePatterns(u, s, path)...)
}

// compareBranches reports the anyOf/oneOf alternatives upstream has and the snapshot does not, by
// outline (see outline). A keyword the snapshot lacks altogether is a new constraint, not a new
// alternative; allOf branches only ever constrain.
func (c *comparer) compareBranches(u, s node, path string) {
	for _, kw := range []string{"anyOf", "oneOf"} {
		ub, _ := u.s[kw].([]any)
		sb, ok := s.s[kw].([]any)
		if !ok {
			continue
		}
		known := map[string]bool{}
		for _, b := range sb {
			known[outline(c.snap, b)] = true
		}
		var locs, values []string
		for i, b := range ub {
			if o := outline(c.up, b); !known[o] {
				locs = append(locs, jsonptr.AppendIndex(u.loc+"/"+kw, i))
				values = append(values, kw+" "+o)
			}
		}
		if len(locs) > 0 {
			c.changes = append(c.changes, Change{Kind: NewBranch, Path: path, SchemaLocation: u.loc + "/" + kw, Values: values, Locations: locs})
		}
	}
}

// outline is what an alternative says about its object beyond the names of its properties, as
// canonical JSON: its keywords (required, type, not, ...), with the prose left out and a local
// $ref followed. Property names are compared on their own (new-property), so an alternative
// that only gained a property is not new; one that requires, or forbids, something else is.
func outline(root map[string]any, v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return enumString(v)
	}
	m = resolve(root, node{m, ""}).s
	out := make(map[string]any, len(m))
	for k, x := range m {
		switch k {
		case "description", "title", "$comment", "examples", "default", "$ref", "properties", "patternProperties",
			"x-rcfge-own": // rcfge's own bookkeeping, recomputed at every generation
		default:
			out[k] = x
		}
	}
	return enumString(out)
}

// comparePatterns pairs the patternProperties of both sides by key. A key only upstream admits a
// new family of names: it is a new property at path/* (its SchemaLocation names the key).
func (c *comparer) comparePatterns(u, s node, path string) []pair {
	upp, _ := u.s["patternProperties"].(map[string]any)
	spp, _ := s.s["patternProperties"].(map[string]any)
	var next []pair
	for _, key := range slices.Sorted(maps.Keys(upp)) {
		us, ok := upp[key].(map[string]any)
		if !ok {
			continue
		}
		uloc := jsonptr.Append(u.loc+"/patternProperties", key)
		if ss, ok := spp[key].(map[string]any); ok {
			next = append(next, pair{u: node{us, uloc}, s: node{ss, jsonptr.Append(s.loc+"/patternProperties", key)}, path: path + "/*"})
			continue
		}
		if open := s.s["additionalProperties"]; len(spp) == 0 && s.s["properties"] == nil && (open == nil || open == true) {
			// Both open objects: the snapshot admitted every name already.
			continue
		}
		r := resolve(c.up, node{us, uloc})
		c.changes = append(c.changes, Change{
			Kind:           NewProperty,
			Path:           path + "/*",
			SchemaLocation: uloc,
			Type:           typeOf(r.s),
			Description:    firstSentence(us, r.s),
			Locations:      []string{uloc},
		})
	}
	return next
}

func (c *comparer) compareEnum(u, s node, path string) {
	ue, uok := u.s["enum"].([]any)
	se, sok := s.s["enum"].([]any)
	if _, isConst := u.s["const"]; !uok && sok && !isConst && !c.dec.Narrowed[s.loc] {
		values := make([]string, 0, len(se))
		for _, v := range se {
			values = append(values, enumString(v))
		}
		// Locations holds the snapshot's enum: Narrow puts it back.
		c.changes = append(c.changes, Change{Kind: OpenedEnum, Path: path, SchemaLocation: u.loc + "/enum", Values: values, Locations: []string{s.loc + "/enum"}})
		return
	}
	if !uok || !sok {
		return
	}
	// New values of an enum narrowed on purpose stay blocked and need no review; values the
	// template admits but AWS withdrew always do.
	if added := missing(ue, se); len(added) > 0 && !c.dec.Narrowed[s.loc] {
		c.changes = append(c.changes, Change{Kind: NewEnumValues, Path: path, SchemaLocation: u.loc + "/enum", Values: added})
	}
	var gone []string
	for _, v := range missing(se, ue) {
		// A placeholder is filled at evaluation time; it cannot be checked here.
		if !strings.Contains(v, "$<") {
			gone = append(gone, v)
		}
	}
	if len(gone) > 0 {
		c.changes = append(c.changes, Change{Kind: RemovedEnumValues, Path: path, SchemaLocation: s.loc + "/enum", Values: gone})
	}
}

// missing returns the values of a that b lacks, as strings, in a's order.
func missing(a, b []any) []string {
	have := make(map[string]bool, len(b))
	for _, v := range b {
		have[enumString(v)] = true
	}
	var out []string
	for _, v := range a {
		if str := enumString(v); !have[str] {
			out = append(out, str)
		}
	}
	return out
}

// properties collects the properties an object schema declares, itself and through allOf, anyOf
// and oneOf branches, which CloudFormation schemas use for alternatives; each name maps to every
// location that declares it, the object's own first. Each schema location is visited once, so
// branches that refer back to their parent cannot blow up.
func properties(root map[string]any, n node) map[string][]node {
	out := map[string][]node{}
	visited := map[string]bool{}
	var collect func(n node)
	collect = func(n node) {
		if visited[n.loc] {
			return
		}
		visited[n.loc] = true
		if props, ok := n.s["properties"].(map[string]any); ok {
			for _, name := range slices.Sorted(maps.Keys(props)) {
				if sub, ok := props[name].(map[string]any); ok {
					out[name] = append(out[name], node{sub, jsonptr.Append(n.loc+"/properties", name)})
				}
			}
		}
		for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
			branches, _ := n.s[kw].([]any)
			for i, b := range branches {
				if sub, ok := b.(map[string]any); ok {
					collect(resolve(root, node{sub, fmt.Sprintf("%s/%s/%d", n.loc, kw, i)}))
				}
			}
		}
	}
	collect(n)
	return out
}

// resolve follows local $ref chains ("#/definitions/X"). A ref it cannot follow leaves the node as
// it is: drift compares what it can see.
func resolve(root map[string]any, n node) node {
	for range 16 {
		ref, ok := n.s["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return n
		}
		target, ok := lookup(root, ref[1:])
		if !ok {
			return n
		}
		n = node{target, ref[1:]}
	}
	return n
}

// lookup resolves a JSON Pointer inside a decoded document.
func lookup(root map[string]any, ptr string) (map[string]any, bool) {
	if ptr == "" {
		return root, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	var cur any = root
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = jsonptr.Unescape(tok)
		switch v := cur.(type) {
		case map[string]any:
			cur = v[tok]
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

// roSet holds a schema's readOnlyProperties: instance paths ("/properties/A/*/B" → "/A/*/B") and,
// for entries that point into definitions, schema locations ("/definitions/X/properties/Y").
type roSet struct{ paths, locs map[string]bool }

func (r roSet) has(path, loc string) bool { return r.paths[path] || r.locs[loc] }

func readOnly(doc map[string]any) roSet {
	list, _ := doc["readOnlyProperties"].([]any)
	r := roSet{paths: map[string]bool{}, locs: map[string]bool{}}
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if rest, ok := strings.CutPrefix(s, "/properties"); ok {
			r.paths[rest] = true
		} else if strings.HasPrefix(s, "/definitions/") {
			r.locs[s] = true
		}
	}
	return r
}

func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		parts := make([]string, 0, len(t))
		for _, v := range t {
			parts = append(parts, fmt.Sprint(v))
		}
		return strings.Join(parts, "|")
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return ""
}

// firstSentence gives the reviewer a hint of what a new property does without the whole AWS prose.
func firstSentence(schemas ...map[string]any) string {
	for _, s := range schemas {
		d, _ := s["description"].(string)
		if d == "" {
			continue
		}
		d = strings.Join(strings.Fields(d), " ")
		if i := strings.Index(d, ". "); i >= 0 {
			d = d[:i+1]
		}
		if r := []rune(d); len(r) > 160 {
			d = string(r[:157]) + "..."
		}
		return d
	}
	return ""
}

func enumString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Detail is the one-line explanation renderers print after a change's path, with two leading
// spaces; empty when there is nothing to add.
func (c Change) Detail() string {
	switch c.Kind {
	case NewProperty:
		var parts []string
		if c.Type != "" {
			parts = append(parts, c.Type)
		}
		if c.Description != "" {
			parts = append(parts, c.Description)
		}
		if len(parts) == 0 {
			return ""
		}
		return "  " + strings.Join(parts, ": ")
	case NewEnumValues:
		return "  enum + " + strings.Join(quoteAll(c.Values), ", ")
	case RemovedProperty:
		return "  removed upstream (or misspelt in the template)"
	case RemovedEnumValues:
		return "  enum - " + strings.Join(quoteAll(c.Values), ", ") + " (withdrawn upstream, or misspelt in the template)"
	case NewBranch:
		return "  new alternative: " + strings.Join(c.Values, "; ")
	case OpenedEnum:
		return "  enum lifted upstream: any value, where the template admits only " + strings.Join(quoteAll(c.Values), ", ")
	}
	return ""
}

func quoteAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
