package approval

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Grant is one approval decision: a property with everything below it (Path), or one value of
// the enum at Path (Path=Value). The empty Path stands for the whole type.
type Grant struct {
	// Path is an instance path inside the resource's Properties; "*" stands for any array item
	// or map value (/Rules/*/StorageClass).
	Path string `json:"path"`
	// Value is the enum value, when Enum is set.
	Value string `json:"value,omitempty"`
	Enum  bool   `json:"-"`
}

// String is the command-line form: /Path or /Path=Value.
func (g Grant) String() string {
	if g.Enum {
		return g.Path + "=" + g.Value
	}
	return g.Path
}

// ErrBadGrant means a command-line approval is not /Path or /Path=Value.
var ErrBadGrant = errors.New("want an instance path /Name[/...] or /Path=VALUE")

// ParseGrant reads /Path or /Path=Value; "/" alone is the whole type (no CloudFormation property
// has an empty name). Property names never hold "=", so the first one splits.
func ParseGrant(s string) (Grant, error) {
	if s == "/" {
		return Grant{}, nil
	}
	p, v, isEnum := strings.Cut(s, "=")
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return Grant{}, fmt.Errorf("%q: %w", s, ErrBadGrant)
	}
	return Grant{Path: p, Value: v, Enum: isEnum}, nil
}

// Result is what Narrow did to one template.
type Result struct {
	// Pending are the new properties and enum values the template does not approve; Narrow
	// removed them.
	Pending []Change
	// Granted are the new properties and enum values the grants let in.
	Granted []Change
	// Removed are what the approved template admits and the provider schema no longer has.
	Removed []Change
	// Changed reports whether Narrow modified the document.
	Changed bool
}

// Narrow removes from full (a template generated with everything AWS's provider schema has) every
// property and enum value that approved (the existing template, the approval record) does not
// admit, unless grants approve it; revoked approvals are taken out of approved first. full is
// modified in place; approved too when revokes are given. Definitions that only the removed
// properties reached are removed with them, so the template shows no unapproved branch.
//
// Narrowing is fail closed where a definition is shared: a property removed from a definition is
// removed at every path that reaches it, and a grant at one path approves it at all of them (the
// same schema, by AWS's own account). Both are reported through the changes' paths.
func Narrow(full, approved map[string]any, grants, revokes []Grant) (Result, error) {
	for _, g := range revokes {
		if err := revoke(approved, g); err != nil {
			return Result{}, err
		}
	}
	var res Result
	granted, values, err := grantIndex(full, grants)
	if err != nil {
		return Result{}, err
	}
	before := reachableDefinitions(full, nil)
	var cuts []Change
	for _, c := range Compare(full, approved, Decisions{}) {
		switch c.Kind {
		case RemovedProperty, RemovedEnumValues:
			res.Removed = append(res.Removed, c)
			continue
		case NewProperty:
			if granted.any(c.Path, c.Locations...) {
				res.Granted = append(res.Granted, c)
				continue
			}
		case NewBranch:
			if granted.any(c.Path, c.Locations...) {
				res.Granted = append(res.Granted, c)
				continue
			}
		case OpenedEnum:
			if granted.any(c.Path, strings.TrimSuffix(c.SchemaLocation, "/enum")) {
				res.Granted = append(res.Granted, c)
				continue
			}
		case NewEnumValues:
			var keep, cut []string
			for _, v := range c.Values {
				if granted.any(c.Path, strings.TrimSuffix(c.SchemaLocation, "/enum")) || values[c.SchemaLocation+"\x00"+v] {
					keep = append(keep, v)
				} else {
					cut = append(cut, v)
				}
			}
			if len(keep) > 0 {
				g := c
				g.Values = keep
				res.Granted = append(res.Granted, g)
			}
			if len(cut) == 0 {
				continue
			}
			c.Values = cut
		default:
			continue
		}
		res.Pending = append(res.Pending, c)
		cuts = append(cuts, c)
	}
	if len(cuts) == 0 {
		return res, nil
	}
	res.Changed = true
	var drops []branchRef
	for _, c := range cuts {
		switch c.Kind {
		case NewProperty:
			for _, loc := range c.Locations {
				drops = append(drops, cutProperty(full, loc)...)
			}
		case NewEnumValues:
			cutEnum(full, c.SchemaLocation, c.Values)
		case OpenedEnum:
			restoreEnum(full, approved, c.SchemaLocation, c.Locations[0])
		case NewBranch:
			for _, loc := range c.Locations {
				kwLoc, idx := jsonptr.Parent(loc)
				owner, kw := jsonptr.Parent(kwLoc)
				i, _ := strconv.Atoi(idx)
				drops = append(drops, branchRef{owner, kw, i})
			}
		}
	}
	dropBranches(full, drops)
	defs, _ := full["definitions"].(map[string]any)
	after := reachableDefinitions(full, before)
	for name := range before {
		if !after[name] {
			delete(defs, name)
		}
	}
	return res, nil
}

// locSet holds schema locations and instance paths a grant covers.
type locSet struct {
	paths []string
	locs  map[string]bool
}

func (s locSet) any(path string, locs ...string) bool {
	for _, p := range s.paths {
		if jsonptr.Under(path, p) {
			return true
		}
	}
	for _, l := range locs {
		if s.locs[l] {
			return true
		}
	}
	return false
}

// ErrNotInSource means a grant names a property or enum value the provider schema does not have.
var ErrNotInSource = errors.New("not in the provider schema")

// grantIndex resolves the grants in full: a property grant covers every schema location reachable
// from the property (so a definition shared with another path counts as approved there too), an
// enum grant the enum's location and value.
func grantIndex(full map[string]any, grants []Grant) (locSet, map[string]bool, error) {
	set := locSet{locs: map[string]bool{}}
	values := map[string]bool{}
	for _, g := range grants {
		nodes, err := locate(full, g.Path)
		if err != nil {
			return locSet{}, nil, err
		}
		if g.Enum {
			found := false
			for _, n := range nodes {
				r := resolve(full, n)
				for _, v := range enumOf(r.s) {
					if v == g.Value {
						values[r.loc+"/enum\x00"+v] = true
						found = true
					}
				}
			}
			if !found {
				return locSet{}, nil, fmt.Errorf("%s: enum value %q %w", g.Path, g.Value, ErrNotInSource)
			}
			continue
		}
		set.paths = append(set.paths, g.Path)
		for _, n := range nodes {
			reach(full, n, set.locs)
		}
	}
	return set, values, nil
}

// locate returns the schema nodes that define the instance path in doc, following $ref, the
// branches of allOf/anyOf/oneOf, and "*" into items, additionalProperties and patternProperties.
// The root path "" is the document. It fails with ErrNotInSource when nothing defines the path.
func locate(doc map[string]any, path string) ([]node, error) {
	toks, err := jsonptr.Split(path)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", path, err)
	}
	cur := []node{{doc, ""}}
	for i, tok := range toks {
		var next []node
		for _, n := range cur {
			n = resolve(doc, n)
			if tok != "*" {
				next = append(next, properties(doc, n)[tok]...)
				continue
			}
			for _, kw := range []string{"items", "additionalProperties"} {
				if sub, ok := n.s[kw].(map[string]any); ok {
					next = append(next, node{sub, n.loc + "/" + kw})
				}
			}
			pp, _ := n.s["patternProperties"].(map[string]any)
			for _, key := range slices.Sorted(maps.Keys(pp)) {
				if sub, ok := pp[key].(map[string]any); ok {
					next = append(next, node{sub, jsonptr.Append(n.loc+"/patternProperties", key)})
				}
			}
		}
		if len(next) == 0 {
			return nil, fmt.Errorf("%s: %w", jsonptr.Format(toks[:i+1]...), ErrNotInSource)
		}
		cur = next
	}
	return cur, nil
}

// Defines reports whether the schema doc defines the instance path (/A/*/B).
func Defines(doc map[string]any, path string) bool {
	_, err := locate(doc, path)
	return err == nil
}

// EnumAt returns the enum values the schema doc admits at the instance path, as strings.
func EnumAt(doc map[string]any, path string) []string {
	nodes, _ := locate(doc, path)
	var out []string
	for _, n := range nodes {
		out = append(out, enumOf(resolve(doc, n).s)...)
	}
	return out
}

// reach adds to seen the location of n and of every schema below it, through $ref.
func reach(doc map[string]any, n node, seen map[string]bool) {
	if seen[n.loc] {
		return
	}
	seen[n.loc] = true
	if ref, ok := n.s["$ref"].(string); ok {
		if r := resolve(doc, n); r.loc != n.loc || ref == "#" {
			reach(doc, r, seen)
		}
		return
	}
	for _, c := range children(n) {
		reach(doc, c, seen)
	}
}

// children are the subschemas of n that describe its instance or its members, definitions aside.
func children(n node) []node {
	var out []node
	for _, kw := range []string{"properties", "patternProperties", "dependencies"} {
		m, _ := n.s[kw].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if sub, ok := m[k].(map[string]any); ok {
				out = append(out, node{sub, jsonptr.Append(n.loc+"/"+kw, k)})
			}
		}
	}
	for _, kw := range []string{"items", "additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if", "then", "else"} {
		if sub, ok := n.s[kw].(map[string]any); ok {
			out = append(out, node{sub, n.loc + "/" + kw})
		}
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf", "items"} {
		list, _ := n.s[kw].([]any)
		for i, b := range list {
			if sub, ok := b.(map[string]any); ok {
				out = append(out, node{sub, jsonptr.AppendIndex(n.loc+"/"+kw, i)})
			}
		}
	}
	return out
}

// reachableDefinitions names the definitions the resource's properties reach through $ref. When
// known is given, the definitions it does not hold (AWS's unused ones, which a full generation
// keeps too) count as roots, so that nothing they refer to is taken away from under them.
func reachableDefinitions(doc map[string]any, known map[string]bool) map[string]bool {
	seen := map[string]bool{}
	root := node{doc, ""}
	for _, c := range children(root) {
		reach(doc, c, seen)
	}
	if known != nil {
		defs, _ := doc["definitions"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(defs)) {
			if sub, ok := defs[name].(map[string]any); ok && !known[name] {
				reach(doc, node{sub, jsonptr.Append("/definitions", name)}, seen)
			}
		}
	}
	out := map[string]bool{}
	for loc := range seen {
		if rest, ok := strings.CutPrefix(loc, "/definitions/"); ok {
			name, _, _ := strings.Cut(rest, "/")
			out[jsonptr.Unescape(name)] = true
		}
	}
	return out
}

// branchRef is an anyOf/oneOf branch to remove: it requires a property that is not approved.
type branchRef struct {
	owner string // location of the schema holding the keyword
	kw    string
	index int
}

// cutProperty removes the property (or patternProperties key) at loc from its object, with the
// required entries that name it. It returns the anyOf/oneOf branches of the object that require
// the property: such a branch describes the alternative that uses the new feature, and emptying
// its required list instead would make it match what another branch matches (and a oneOf fail).
func cutProperty(doc map[string]any, loc string) []branchRef {
	kwLoc, name := jsonptr.Parent(loc)
	ownerLoc, kw := jsonptr.Parent(kwLoc)
	v, ok := jsonptr.Lookup(doc, ownerLoc)
	owner, _ := v.(map[string]any)
	if !ok || owner == nil {
		return nil
	}
	m, _ := owner[kw].(map[string]any)
	delete(m, name)
	if kw == "patternProperties" {
		if len(m) == 0 {
			delete(owner, kw)
		}
		return nil
	}
	dropRequired(owner, name)
	if deps, ok := owner["dependencies"].(map[string]any); ok {
		delete(deps, name)
		if len(deps) == 0 {
			delete(owner, "dependencies")
		}
	}
	var drops []branchRef
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := owner[key].([]any)
		for i, br := range branches {
			bm, ok := br.(map[string]any)
			if !ok || !slices.Contains(requiredOf(bm), name) {
				continue
			}
			if key == "allOf" {
				dropRequired(bm, name)
				continue
			}
			drops = append(drops, branchRef{ownerLoc, key, i})
		}
	}
	return drops
}

// dropBranches removes the branches, highest index first so that the others keep their place. An
// allOf left empty goes; an anyOf or oneOf left with no approved alternative admits nothing
// ({"not": {}}), since dropping the keyword would admit every combination.
func dropBranches(doc map[string]any, drops []branchRef) {
	sort.Slice(drops, func(i, j int) bool {
		a, b := drops[i], drops[j]
		if a.owner != b.owner || a.kw != b.kw {
			return a.owner+"/"+a.kw < b.owner+"/"+b.kw
		}
		return a.index > b.index
	})
	for i, d := range drops {
		if i > 0 && drops[i-1] == d {
			continue
		}
		v, _ := jsonptr.Lookup(doc, d.owner)
		owner, _ := v.(map[string]any)
		list, _ := owner[d.kw].([]any)
		if d.index >= len(list) {
			continue
		}
		list = slices.Delete(list, d.index, d.index+1)
		switch {
		case len(list) > 0:
			owner[d.kw] = list
		case d.kw == "allOf":
			delete(owner, d.kw)
		default:
			owner[d.kw] = []any{map[string]any{"not": map[string]any{}}}
		}
	}
}

// cutEnum removes values from the enum at loc.
func cutEnum(doc map[string]any, loc string, values []string) {
	ownerLoc, _ := jsonptr.Parent(loc)
	v, _ := jsonptr.Lookup(doc, ownerLoc)
	owner, _ := v.(map[string]any)
	list, ok := owner["enum"].([]any)
	if !ok {
		return
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		if !slices.Contains(values, enumString(e)) {
			out = append(out, e)
		}
	}
	owner["enum"] = out
}

// restoreEnum puts the approved template's enum (at from) back where upstream lifted it (at to).
func restoreEnum(full, approved map[string]any, to, from string) {
	v, ok := jsonptr.Lookup(approved, from)
	if !ok {
		return
	}
	ownerLoc, _ := jsonptr.Parent(to)
	o, _ := jsonptr.Lookup(full, ownerLoc)
	if owner, ok := o.(map[string]any); ok {
		owner["enum"] = v
	}
}

// revoke takes a grant out of an approved template: the property at every location that defines
// the path, or the enum value.
func revoke(approved map[string]any, g Grant) error {
	if g.Path == "" {
		return errors.New("revoking a whole type: delete its template instead")
	}
	nodes, err := locate(approved, g.Path)
	if err != nil {
		return fmt.Errorf("revoke %s: the template does not approve it", g.Path)
	}
	if g.Enum {
		for _, n := range nodes {
			r := resolve(approved, n)
			if slices.Contains(enumOf(r.s), g.Value) {
				cutEnum(approved, r.loc+"/enum", []string{g.Value})
				return nil
			}
		}
		return fmt.Errorf("revoke %s: the template's enum has no %q", g.Path, g.Value)
	}
	var drops []branchRef
	for _, n := range nodes {
		drops = append(drops, cutProperty(approved, n.loc)...)
	}
	dropBranches(approved, drops)
	return nil
}

func enumOf(s map[string]any) []string {
	list, _ := s["enum"].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, enumString(v))
	}
	return out
}

func requiredOf(m map[string]any) []string {
	list, _ := m["required"].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func dropRequired(m map[string]any, name string) {
	req, ok := m["required"].([]any)
	if !ok {
		return
	}
	out := make([]any, 0, len(req))
	for _, r := range req {
		if r != name {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		delete(m, "required")
		return
	}
	m["required"] = out
}
