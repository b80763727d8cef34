// Package suggest proposes the tightest restricted templates an organization's deployments need:
// it records which approved properties and values the deployed resources actually use, and turns
// what is never used into RFC 6902 overlays (remove unused properties, narrow enums to the values
// seen, pin ARNs to the deploying account), which `schemas generate` applies like any other
// overlay. Values that are not known before deployment never narrow anything.
package suggest

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Observation is one deployed resource: its type and its properties as CloudFormation would pass
// them (intrinsics resolved where they can be), with the values that cannot be known listed.
type Observation struct {
	Type string
	// Source names the resource in reports: "file.yaml#LogicalID".
	Source string
	// Properties is decoded JSON (a map[string]any; numbers as json.Number); nil for none.
	Properties any
	// Unknown are JSON Pointers (relative to Properties) of values not known before deployment.
	Unknown []string
	// resource, set on each variant of one resource (undecided conditions), makes the variants
	// count as one resource; their properties all count as used.
	resource string
}

// Context is the deploying account, region and partition: an ARN in a property is "own" when it
// names these.
type Context struct {
	AccountID, Region, Partition string
}

// usage is what the observations of one type used, keyed by schema location (a JSON Pointer into
// the restricted template): shared definitions are used wherever any instance reaches them.
type usage struct {
	resources int
	// props counts, per property location (".../properties/Name"), the resources that set it.
	props map[string]int
	// patterns marks patternProperties locations that matched a key.
	patterns map[string]bool
	// anyValue marks schema nodes that received a value not known before deployment: nothing at
	// or below them may be narrowed.
	anyValue map[string]bool
	// values lists, per schema node, the literal scalar values seen (as CloudFormation passes
	// them: strings, numbers and booleans rendered as strings).
	values map[string]map[string]bool
	// sources names, per property location, one resource that used it (for the report).
	sources map[string]string
}

func newUsage() *usage {
	return &usage{props: map[string]int{}, patterns: map[string]bool{}, anyValue: map[string]bool{}, values: map[string]map[string]bool{}, sources: map[string]string{}}
}

// schemaDoc is a restricted template as decoded JSON, with $ref resolution.
type schemaDoc struct {
	root map[string]any
}

// node returns the subschema at a location, following local $refs; the returned location is the
// one the rules live at.
func (d schemaDoc) node(loc string) (map[string]any, string) {
	for range 32 {
		v, ok := jsonptr.Lookup(d.root, loc)
		if !ok {
			return nil, loc
		}
		m, _ := v.(map[string]any)
		if m == nil {
			return nil, loc
		}
		ref, _ := m["$ref"].(string)
		if ref == "" || !strings.HasPrefix(ref, "#") {
			return m, loc
		}
		loc = ref[1:]
	}
	return nil, loc
}

// closure lists the locations whose rules apply to the same instance as loc: loc itself and its
// allOf/anyOf/oneOf branches, transitively. Every branch counts: which one a value meant is not
// known here, and counting a property as used in each keeps more, never less.
func (d schemaDoc) closure(loc string) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(string)
	walk = func(l string) {
		n, at := d.node(l)
		if n == nil || seen[at] {
			return
		}
		seen[at] = true
		out = append(out, at)
		for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
			if bs, ok := n[kw].([]any); ok {
				for i := range bs {
					walk(jsonptr.AppendIndex(jsonptr.Append(at, kw), i))
				}
			}
		}
	}
	walk(loc)
	return out
}

// observe records one resource's use of the template.
func (d schemaDoc) observe(u *usage, o Observation, seenProps map[string]bool) {
	var visit func(v any, locs []string, ipath string)
	visit = func(v any, locs []string, ipath string) {
		var set []string
		for _, l := range locs {
			set = append(set, d.closure(l)...)
		}
		if isUnknown(o.Unknown, ipath) {
			for _, l := range set {
				u.anyValue[l] = true
			}
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				var next []string
				for _, l := range set {
					n, _ := d.node(l)
					props, _ := n["properties"].(map[string]any)
					if _, ok := props[k]; ok {
						pl := jsonptr.Append(jsonptr.Append(l, "properties"), k)
						if !seenProps[pl] {
							seenProps[pl] = true
							u.props[pl]++
							if _, ok := u.sources[pl]; !ok {
								u.sources[pl] = o.Source
							}
						}
						next = append(next, pl)
						continue
					}
					pats, _ := n["patternProperties"].(map[string]any)
					for p := range pats {
						if re, err := regexp.Compile(p); err == nil && re.MatchString(k) {
							pl := jsonptr.Append(jsonptr.Append(l, "patternProperties"), p)
							u.patterns[pl] = true
							next = append(next, pl)
						}
					}
				}
				visit(c, next, jsonptr.Append(ipath, k))
			}
		case []any:
			var next []string
			for _, l := range set {
				n, _ := d.node(l)
				if _, ok := n["items"].(map[string]any); ok {
					next = append(next, jsonptr.Append(l, "items"))
				}
			}
			for i, c := range t {
				visit(c, next, jsonptr.AppendIndex(ipath, i))
			}
		case nil:
		default:
			s := fmt.Sprint(t)
			for _, l := range set {
				if u.values[l] == nil {
					u.values[l] = map[string]bool{}
				}
				u.values[l][s] = true
			}
		}
	}
	if o.Properties != nil {
		visit(o.Properties, []string{""}, "")
	}
}

// isUnknown reports whether the value at ipath is, or lies inside, an unknown value.
func isUnknown(unknown []string, ipath string) bool {
	for _, u := range unknown {
		if jsonptr.Under(ipath, u) {
			return true
		}
	}
	return false
}

// property is one approved property of a template: where its rules live and the instance path
// that reaches it first (items as "*").
type property struct {
	loc      string // ".../properties/Name"
	path     string // "/Rules/*/Name"
	parent   string // the schema node holding the properties keyword
	name     string
	required bool
}

// properties lists every approved property reachable from the root, once per schema location in
// walk order (a parent before its children), and counts the instance paths the template
// approves (recursion through definitions stops where a definition repeats on the path). drop,
// when set, is asked about each property the first time it is met; a dropped property's subtree
// is not walked, so what only it reached is neither listed nor counted.
func (d schemaDoc) properties(drop func(property) bool) (props []property, paths int) {
	decided := map[string]bool{} // location -> dropped
	budget := maxVisits
	var walk func(loc, ipath string, chain map[string]bool)
	walk = func(loc, ipath string, chain map[string]bool) {
		for _, at := range d.closure(loc) {
			if chain[at] || budget <= 0 {
				continue
			}
			budget--
			chain[at] = true
			n, _ := d.node(at)
			req := map[string]bool{}
			if rs, ok := n["required"].([]any); ok {
				for _, r := range rs {
					if s, ok := r.(string); ok {
						req[s] = true
					}
				}
			}
			if ps, ok := n["properties"].(map[string]any); ok {
				for _, k := range slices.Sorted(maps.Keys(ps)) {
					pl := jsonptr.Append(jsonptr.Append(at, "properties"), k)
					ip := jsonptr.Append(ipath, k)
					dropped, seen := decided[pl]
					if !seen {
						p := property{loc: pl, path: ip, parent: at, name: k, required: req[k]}
						dropped = drop != nil && drop(p)
						decided[pl] = dropped
						props = append(props, p)
					}
					if dropped {
						continue
					}
					paths++
					walk(pl, ip, chain)
				}
			}
			if _, ok := n["items"].(map[string]any); ok {
				walk(jsonptr.Append(at, "items"), ipath+"/*", chain)
			}
			if ps, ok := n["patternProperties"].(map[string]any); ok {
				for _, k := range slices.Sorted(maps.Keys(ps)) {
					walk(jsonptr.Append(jsonptr.Append(at, "patternProperties"), k), ipath+"/*", chain)
				}
			}
			delete(chain, at)
		}
	}
	walk("", "", map[string]bool{})
	return props, paths
}

// maxVisits bounds the walk of one template: path counts of deeply shared recursive definitions
// grow fast, and the count is a figure for the report, not a rule.
const maxVisits = 200_000
