package suggest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/store"
)

// Options tune what counts as used.
type Options struct {
	// MinCount is how many resources must set a property for it to count as used (default 1).
	MinCount int
	// Keep lists, per type, instance paths kept even when unused ("/Tags", "/Rules/*/Prefix"):
	// the property at the path and everything below it.
	Keep map[string][]string
	// Context decides which ARNs are the deploying account's own.
	Context Context
}

// Op is one RFC 6902 operation of a suggested overlay.
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// EnumChange is an enum narrowed to the values seen.
type EnumChange struct {
	Path   string `json:"path"`
	Schema string `json:"schema"`
	Before []any  `json:"before"`
	After  []any  `json:"after"`
}

// ARNRule is a pattern pinning a property's ARNs to the deploying account, region and partition.
type ARNRule struct {
	Path    string `json:"path"`
	Schema  string `json:"schema"`
	Pattern string `json:"pattern"`
}

// Removal is an approved property no deployment sets.
type Removal struct {
	Path   string `json:"path"`
	Schema string `json:"schema"`
	// Seen is how many resources set it (below MinCount).
	Seen int `json:"seen"`
}

// TypeSuggestion is what one type's deployments need.
type TypeSuggestion struct {
	Type        string       `json:"type"`
	Resources   int          `json:"resources"`
	PathsBefore int          `json:"approvedPathsBefore"`
	PathsAfter  int          `json:"approvedPathsAfter"`
	Removed     []Removal    `json:"removed,omitempty"`
	Enums       []EnumChange `json:"enumsNarrowed,omitempty"`
	ARNs        []ARNRule    `json:"arnRules,omitempty"`
	// Kept are unused paths kept on purpose (--keep).
	Kept []string `json:"kept,omitempty"`
	// Ops is the overlay: apply it on top of the type's existing overlay.
	Ops []Op `json:"-"`
	// Narrowed is the template with Ops applied, for the proof.
	Narrowed []byte `json:"-"`
}

// Result is the suggestion for every type observed or approved.
type Result struct {
	Types []TypeSuggestion `json:"types"`
	// NotApproved are types deployed without a template (the hook refuses them today).
	NotApproved []string `json:"deployedNotApproved,omitempty"`
	// NeverDeployed are approved types no observation uses.
	NeverDeployed []string `json:"approvedNeverDeployed,omitempty"`
	MinCount      int      `json:"minCount"`
}

// ErrTemplate means a template could not be read as a restricted template.
var ErrTemplate = errors.New("invalid template")

// Suggest computes the narrowing for every approved type from the observations. templates maps
// a type name to its restricted template (raw JSON, placeholders unfilled).
func Suggest(templates map[string][]byte, obs []Observation, opts Options) (*Result, error) {
	if opts.MinCount < 1 {
		opts.MinCount = 1
	}
	res := &Result{MinCount: opts.MinCount}
	byType := map[string][]Observation{}
	for _, o := range obs {
		byType[o.Type] = append(byType[o.Type], o)
	}
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		if _, ok := templates[t]; !ok {
			res.NotApproved = append(res.NotApproved, t)
		}
	}
	for _, t := range slices.Sorted(maps.Keys(templates)) {
		tobs := byType[t]
		if len(tobs) == 0 {
			res.NeverDeployed = append(res.NeverDeployed, t)
			continue
		}
		ts, err := suggestType(t, templates[t], tobs, opts)
		if err != nil {
			return nil, err
		}
		res.Types = append(res.Types, *ts)
	}
	return res, nil
}

func suggestType(typeName string, body []byte, obs []Observation, opts Options) (*TypeSuggestion, error) {
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil || root == nil {
		return nil, fmt.Errorf("%w: %s: want a JSON object: %v", ErrTemplate, typeName, err)
	}
	d := schemaDoc{root: root}
	u := newUsage()
	// Variants of one resource share its count: a property set in any of them is set by it.
	var seen map[string]bool
	last := ""
	for _, o := range obs {
		if o.resource == "" || o.resource != last {
			u.resources++
			seen = map[string]bool{}
		}
		last = o.resource
		d.observe(u, o, seen)
	}
	_, before := d.properties(nil)
	ts := &TypeSuggestion{Type: typeName, Resources: u.resources, PathsBefore: before}

	keep := opts.Keep[typeName]
	// A property under a value that was unknown somewhere counts as used with any content.
	frozen := func(loc string) bool {
		for l := range u.anyValue {
			if jsonptr.Under(loc, l) {
				return true
			}
		}
		return false
	}
	var removed []string
	props, after := d.properties(func(p property) bool {
		n := u.props[p.loc]
		if n >= opts.MinCount || p.required || frozen(p.loc) || d.admitsByPattern(p.parent, p.name) {
			return false
		}
		if keptPath(keep, p.path) {
			ts.Kept = append(ts.Kept, p.path)
			return false
		}
		removed = append(removed, p.loc)
		ts.Removed = append(ts.Removed, Removal{Path: p.path, Schema: p.loc, Seen: n})
		ts.Ops = append(ts.Ops, Op{Op: "remove", Path: p.loc})
		return true
	})
	ts.PathsAfter = after
	pathOf := map[string]string{}
	for _, p := range props {
		pathOf[p.loc] = p.path
	}
	for _, loc := range slices.Sorted(maps.Keys(u.values)) {
		path, reached := pathFor(pathOf, loc)
		if !reached || underAny(loc, removed) || frozen(loc) {
			continue
		}
		n, _ := d.node(loc)
		seen := u.values[loc]
		if enum, ok := n["enum"].([]any); ok {
			var after []any
			for _, e := range enum {
				if seen[fmt.Sprint(e)] {
					after = append(after, e)
				}
			}
			if len(after) > 0 && len(after) < len(enum) && !keptPath(keep, path) {
				ts.Enums = append(ts.Enums, EnumChange{Path: path, Schema: loc, Before: enum, After: after})
				ts.Ops = append(ts.Ops, Op{Op: "replace", Path: jsonptr.Append(loc, "enum"), Value: after})
			}
			continue
		}
		if pat := arnPattern(seen, opts.Context); pat != "" && !keptPath(keep, path) {
			ts.ARNs = append(ts.ARNs, ARNRule{Path: path, Schema: loc, Pattern: pat})
			ts.Ops = append(ts.Ops, arnOp(n, loc, pat))
		}
	}
	narrowed, err := apply(root, ts.Ops)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", typeName, err)
	}
	ts.Narrowed = narrowed
	return ts, nil
}

// admitsByPattern reports whether the object at loc admits name through patternProperties, in
// which case removing the declared property would gate nothing (a custom resource's
// provider-defined properties, say).
func (d schemaDoc) admitsByPattern(loc, name string) bool {
	n, _ := d.node(loc)
	pats, _ := n["patternProperties"].(map[string]any)
	for p := range pats {
		if re, err := regexp.Compile(p); err == nil && re.MatchString(name) {
			return true
		}
	}
	return false
}

// pathFor names a schema node by the instance path of the property that holds it; ok is false
// when no approved property reaches it any more.
func pathFor(pathOf map[string]string, loc string) (string, bool) {
	for l := loc; l != ""; {
		if p, ok := pathOf[l]; ok {
			return p, true
		}
		l, _ = jsonptr.Parent(l)
	}
	return "", false
}

func keptPath(keep []string, path string) bool {
	for _, k := range keep {
		if globUnder(path, k) {
			return true
		}
	}
	return false
}

// globUnder reports whether an instance path (items as "*") is at or below a --keep path, where
// a "*" or an index in either matches any item.
func globUnder(path, keep string) bool {
	p, _ := jsonptr.Split(path)
	k, _ := jsonptr.Split(keep)
	if len(k) > len(p) {
		return false
	}
	for i, t := range k {
		if t != p[i] && t != "*" && p[i] != "*" {
			return false
		}
	}
	return true
}

func underAny(loc string, roots []string) bool {
	for _, r := range roots {
		if jsonptr.Under(loc, r) {
			return true
		}
	}
	return false
}

var arnRE = regexp.MustCompile(`^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}|):(.+)$`)

// arnPattern returns a pattern pinning ARNs to the context when every value seen is an ARN of
// the deploying account (and its region, or no region for global services) in its partition.
func arnPattern(seen map[string]bool, c Context) string {
	if len(seen) == 0 || c.AccountID == "" || c.Partition == "" {
		return ""
	}
	service, regional := "", false
	for i, v := range slices.Sorted(maps.Keys(seen)) {
		m := arnRE.FindStringSubmatch(v)
		if m == nil || m[1] != c.Partition || m[4] != c.AccountID || (m[3] != "" && m[3] != c.Region) {
			return ""
		}
		if i == 0 {
			service, regional = m[2], m[3] != ""
			continue
		}
		if m[2] != service {
			service = ""
		}
		if (m[3] != "") != regional {
			return ""
		}
	}
	svc := regexp.QuoteMeta(service)
	if service == "" {
		svc = "[a-z0-9-]+"
	}
	region := ""
	if regional {
		region = "$<region>"
	}
	return "^arn:$<partition>:" + svc + ":" + region + ":$<accountID>:.+$"
}

// arnOp adds the pattern, beside an existing pattern rather than instead of it.
func arnOp(n map[string]any, loc, pat string) Op {
	if _, has := n["pattern"]; !has {
		return Op{Op: "add", Path: jsonptr.Append(loc, "pattern"), Value: pat}
	}
	if _, has := n["allOf"]; has {
		return Op{Op: "add", Path: jsonptr.Append(jsonptr.Append(loc, "allOf"), "-"), Value: map[string]any{"pattern": pat}}
	}
	return Op{Op: "add", Path: jsonptr.Append(loc, "allOf"), Value: []any{map[string]any{"pattern": pat}}}
}

// apply applies ops to the template strictly (a missing path is an error).
func apply(root map[string]any, ops []Op) ([]byte, error) {
	doc, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return doc, nil
	}
	raw, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	patch, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		return nil, fmt.Errorf("suggested overlay: %w", err)
	}
	out, err := patch.Apply(doc)
	if err != nil {
		return nil, fmt.Errorf("suggested overlay does not apply: %w", err)
	}
	return out, nil
}

// Overlay returns the overlay file for a type: the existing overlay's operations (nil for none),
// a test of the type name when the existing overlay has none, then the suggested operations.
func Overlay(typeName string, existing []byte, ops []Op) ([]byte, error) {
	var all []json.RawMessage
	if len(existing) > 0 {
		if err := json.Unmarshal(existing, &all); err != nil {
			return nil, fmt.Errorf("existing overlay for %s: want a JSON Patch array: %w", typeName, err)
		}
	}
	if len(all) == 0 {
		t, _ := json.Marshal(Op{Op: "test", Path: "/typeName", Value: typeName})
		all = append(all, t)
	}
	for _, o := range ops {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		all = append(all, b)
	}
	var b strings.Builder
	b.WriteString("[\n")
	for i, r := range all {
		var v any
		_ = json.Unmarshal(r, &v)
		ind, _ := json.MarshalIndent(v, "  ", "  ")
		b.WriteString("  ")
		b.Write(ind)
		if i < len(all)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return []byte(b.String()), nil
}

// FileName is the overlay (and template) file name of a type.
func FileName(typeName string) (string, error) { return store.FileName(typeName) }
