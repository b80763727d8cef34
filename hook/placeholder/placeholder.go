// Package placeholder finds and fills $<name> placeholders inside the strings of a parsed JSON
// template. It never rewrites raw bytes, so a value can never change the JSON structure, and inside
// regular expressions (the pattern keyword and patternProperties keys) every substituted value is
// quoted, so a value can never change the regex either.
package placeholder

import (
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Value is a variable's value: a string, or a list of strings.
type Value struct {
	str    string
	list   []string
	isList bool
}

// String returns a string value.
func String(s string) Value { return Value{str: s} }

// List returns a list value.
func List(items ...string) Value { return Value{list: items, isList: true} }

// IsList reports whether the value is a list.
func (v Value) IsList() bool { return v.isList }

// Str returns the string of a string value.
func (v Value) Str() string { return v.str }

// Items returns the items of a list value.
func (v Value) Items() []string { return v.list }

// Key returns an unambiguous encoding of the value, for cache keys.
func (v Value) Key() string { return string(v.AppendKey(nil)) }

// AppendKey appends Key's encoding to dst without allocating beyond dst's growth.
func (v Value) AppendKey(dst []byte) []byte {
	if !v.isList {
		dst = append(dst, 's')
		dst = strconv.AppendInt(dst, int64(len(v.str)), 10)
		dst = append(dst, ':')
		return append(dst, v.str...)
	}
	dst = append(dst, 'l')
	dst = strconv.AppendInt(dst, int64(len(v.list)), 10)
	dst = append(dst, ':')
	for _, it := range v.list {
		dst = strconv.AppendInt(dst, int64(len(it)), 10)
		dst = append(dst, ':')
		dst = append(dst, it...)
	}
	return dst
}

// Vars maps placeholder names to values.
type Vars map[string]Value

// Builtins are the placeholders filled from the invocation context.
var Builtins = []string{"accountID", "region", "partition", "stackName", "stackId", "logicalResourceId", "resourceType"}

// IsBuiltin reports whether name is filled from the invocation context.
func IsBuiltin(name string) bool {
	for _, b := range Builtins {
		if b == name {
			return true
		}
	}
	return false
}

var nameFirst, nameRest = ident.NewSet("A-Za-z_"), ident.NewSet("A-Za-z0-9_.-")

// ValidName reports whether s can name a placeholder: ^[A-Za-z_][A-Za-z0-9_.-]{0,127}$.
func ValidName(s string) bool { return ident.Word(s, nameFirst, nameRest, 1, 128) }

// UnknownError is a placeholder with no value: not a built-in and not a user variable.
type UnknownError struct {
	Name string
	// Path is the JSON Pointer, inside the template, of the string holding it.
	Path string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown placeholder $<%s> at %s", e.Name, pathOrRoot(e.Path))
}

// SyntaxError is a malformed placeholder.
type SyntaxError struct {
	Path   string
	Text   string
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed placeholder at %s: %s in %q", pathOrRoot(e.Path), e.Reason, e.Text)
}

// ValueError is a value that cannot go where its placeholder stands (a list inside a longer string).
type ValueError struct {
	Name   string
	Path   string
	Reason string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("placeholder $<%s> at %s: %s", e.Name, pathOrRoot(e.Path), e.Reason)
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// segment is a piece of a string: literal text, or a placeholder name.
type segment struct {
	lit  string
	name string
}

// parse splits s into segments. ok is false when s holds no placeholder or escape at all, the
// common case, which then costs one strings.Contains.
func parse(s string) (segs []segment, ok bool, reason string) {
	if !strings.Contains(s, "$<") {
		return nil, false, ""
	}
	var lit strings.Builder
	i := 0
	for i != len(s) { // every step below lands on or before len(s)
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		j += i
		lit.WriteString(s[i:j])
		rest := s[j:]
		switch {
		case strings.HasPrefix(rest, "$$<"):
			lit.WriteString("$<")
			i = j + 3
		case strings.HasPrefix(rest, "$<"):
			k := strings.IndexByte(rest, '>')
			if k == -1 {
				return nil, true, "unterminated $<"
			}
			name := rest[2:k]
			if !ValidName(name) {
				return nil, true, fmt.Sprintf("invalid name %q", name)
			}
			if lit.Len() > 0 {
				segs = append(segs, segment{lit: lit.String()})
				lit.Reset()
			}
			segs = append(segs, segment{name: name})
			i = j + k + 1
		default:
			lit.WriteByte('$')
			i = j + 1
		}
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{lit: lit.String()})
	}
	return segs, true, ""
}

// mode says how substituted values are written into the string.
type mode int

const (
	plain mode = iota // schema text or data: the value as is
	regex             // a regular expression: values quoted
)

// walker carries the state of one walk over a template.
type walker struct {
	vars     Vars
	names    map[string]struct{} // Names collects here
	literals *[]Literal          // Literals collects here
	fill     bool
	path     []string
	// sites, when set, records where placeholders stand (Prepare); only, when set, limits a fill
	// to the sites recorded (Template.Fill).
	sites *site
	only  bool
}

// site is a node of the tree of places holding a placeholder or an escape: an object member or an
// array item (by its index in decimal) whose value, or whose key, holds one somewhere.
type site struct {
	kids map[string]*site
}

func (s *site) add(path []string) {
	for _, tok := range path {
		if s.kids == nil {
			s.kids = map[string]*site{}
		}
		next := s.kids[tok]
		if next == nil {
			next = &site{}
			s.kids[tok] = next
		}
		s = next
	}
}

// Template is a parsed template whose placeholders have been found once: its names, and the places
// they stand, so that each fill (per account, per region) rewrites only those places and shares
// the rest of the document.
type Template struct {
	doc   any
	names []string
	sites *site
}

// Prepare finds the placeholders of doc, as Names does (malformed ones are errors). doc must not
// be modified afterwards.
func Prepare(doc any) (*Template, error) {
	w := &walker{names: map[string]struct{}{}, sites: &site{}}
	if _, _, err := w.value(doc, plain, false, "", nil); err != nil {
		return nil, err
	}
	return &Template{doc: doc, names: sortedNames(w.names), sites: w.sites}, nil
}

// Names returns the distinct placeholder names the template uses, sorted. The slice is shared.
func (t *Template) Names() []string { return t.names }

// Fill is Fill(doc, vars) for the prepared document: the same result, walking only the places
// that hold placeholders.
func (t *Template) Fill(vars Vars) (any, error) {
	if t.sites.kids == nil && !isSiteString(t.doc) {
		return t.doc, nil
	}
	w := &walker{vars: vars, fill: true, only: true}
	out, _, err := w.value(t.doc, plain, false, "", t.sites)
	return out, err
}

// isSiteString reports whether a top-level string holds a placeholder (the one site with an empty path).
func isSiteString(v any) bool {
	s, ok := v.(string)
	return ok && strings.Contains(s, "$<")
}

func (w *walker) pointer() string { return jsonptr.Format(w.path...) }

// dataKeywords hold instance data, not schema: strings there are literal data, never regexes.
var dataKeywords = map[string]bool{"enum": true, "const": true, "default": true, "examples": true}

// Names returns the distinct placeholder names used in doc, sorted. Malformed placeholders are errors.
func Names(doc any) ([]string, error) {
	w := &walker{names: map[string]struct{}{}}
	if _, _, err := w.value(doc, plain, false, "", nil); err != nil {
		return nil, err
	}
	return sortedNames(w.names), nil
}

func sortedNames(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Literal is a template string holding the escape $$<, which writes a literal "$<" instead of
// a placeholder. Lint warns on each: "$$<accountID>" silently stops being the account ID.
type Literal struct {
	// Path is the JSON Pointer, inside the template, of the string (or of the object key).
	Path string
	// Text is the string as written in the template.
	Text string
}

// Literals returns every string and object key of doc that uses the $$< escape, in document
// order for arrays and key order for objects (sorted, for a stable report). Malformed
// placeholders are errors, as for Names.
func Literals(doc any) ([]Literal, error) {
	var out []Literal
	w := &walker{names: map[string]struct{}{}, literals: &out}
	if _, _, err := w.value(doc, plain, false, "", nil); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Fill returns doc with every placeholder replaced by its value from vars. doc is not modified;
// parts without placeholders are shared with it.
func Fill(doc any, vars Vars) (any, error) {
	w := &walker{vars: vars, fill: true}
	out, _, err := w.value(doc, plain, false, "", nil)
	return out, err
}

// value walks one JSON value. m is the mode for strings found directly here; data is true inside
// enum/const/default/examples; key is the object key this value sits under.
// It returns the (possibly new) value and whether it changed. at is v's node in the recorded
// sites when the walk is limited to them (w.only): nil there means nothing to fill below.
func (w *walker) value(v any, m mode, data bool, key string, at *site) (any, bool, error) {
	if w.only && at == nil {
		return v, false, nil
	}
	switch t := v.(type) {
	case string:
		nv, changed, err := w.str(t, m, false)
		if !changed {
			return v, false, err // v, not nv: returning the string boxed anew would allocate
		}
		return nv, true, err
	case map[string]any:
		return w.object(t, data, key, at)
	case []any:
		return w.array(t, m, data, at)
	default:
		return v, false, nil
	}
}

func (w *walker) object(o map[string]any, data bool, parentKey string, at *site) (any, bool, error) {
	var out map[string]any
	// Keys of patternProperties are regexes; keys of other objects are plain text.
	keyMode := plain
	if parentKey == "patternProperties" && !data {
		keyMode = regex
	}
	if w.only {
		// Only the members holding a placeholder: the others are shared unchanged.
		for k, below := range at.kids {
			if v, ok := o[k]; ok {
				if err := w.member(o, &out, k, v, data, parentKey, keyMode, below); err != nil {
					return nil, false, err
				}
			}
		}
	} else {
		for k, v := range o {
			if err := w.member(o, &out, k, v, data, parentKey, keyMode, nil); err != nil {
				return nil, false, err
			}
		}
	}
	if out == nil {
		return o, false, nil
	}
	return out, true, nil
}

// member walks one member of o, its value then its key; *out becomes o's copy on the first change.
func (w *walker) member(o map[string]any, out *map[string]any, k string, v any, data bool, parentKey string, keyMode mode, below *site) error {
	w.path = append(w.path, k)
	childMode := plain
	if k == "pattern" && !data {
		childMode = regex
	}
	var nv any
	var changed bool
	var err error
	if str, isStr := v.(string); isStr && k == "enum" && !data {
		nv, changed, err = w.str(str, plain, true)
		if !changed {
			nv = v
		}
	} else {
		nv, changed, err = w.value(v, childMode, data || dataKeywords[k] && parentKey != "properties", k, below)
	}
	if err != nil {
		return err
	}
	nk, kchanged, err := w.key(k, keyMode)
	if err != nil {
		return err
	}
	w.path = w.path[:len(w.path)-1]
	if (changed || kchanged) && *out == nil && w.fill {
		*out = maps.Clone(o)
	}
	if *out != nil {
		if kchanged {
			delete(*out, k)
		}
		(*out)[nk] = nv
	}
	return nil
}

func (w *walker) key(k string, m mode) (string, bool, error) {
	nv, changed, err := w.str(k, m, false)
	if err != nil || !changed {
		return k, false, err
	}
	s, ok := nv.(string)
	if !ok {
		return "", false, &ValueError{Name: k, Path: w.pointer(), Reason: "a list value cannot be an object key"}
	}
	return s, true, nil
}

func (w *walker) array(a []any, m mode, data bool, at *site) (any, bool, error) {
	var out []any
	for i, v := range a {
		var below *site
		if w.only {
			if below = at.kids[strconv.Itoa(i)]; below == nil {
				if out != nil {
					out = append(out, v)
				}
				continue
			}
		}
		w.path = append(w.path, strconv.Itoa(i))
		nv, changed, err := w.value(v, m, data, "", below)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return nil, false, err
		}
		if changed && out == nil && w.fill {
			out = make([]any, 0, len(a))
			out = append(out, a[:i]...)
		}
		if out == nil {
			continue
		}
		// An element that is exactly one list placeholder is spliced in: ["a", "$<more>"]. A string
		// element becomes an array only that way.
		if _, isStr := v.(string); isStr {
			if items, isList := nv.([]any); isList {
				out = append(out, items...)
				continue
			}
		}
		out = append(out, nv)
	}
	if out == nil {
		return a, false, nil
	}
	return out, true, nil
}

// str substitutes in one string. asArray is set for the value of an enum keyword: a single
// placeholder there always yields an array, since enum must be one. An unchanged string returns
// (nil, false): the caller keeps the original.
func (w *walker) str(s string, m mode, asArray bool) (any, bool, error) {
	segs, ok, reason := parse(s)
	if !ok {
		return nil, false, nil // unchanged: the caller keeps its own s (boxing it here would allocate)
	}
	if reason != "" {
		return nil, false, &SyntaxError{Path: w.pointer(), Text: s, Reason: reason}
	}
	if w.sites != nil {
		w.sites.add(w.path)
	}
	if w.literals != nil && strings.Contains(s, "$$<") {
		*w.literals = append(*w.literals, Literal{Path: w.pointer(), Text: s})
	}
	if !w.fill {
		for _, sg := range segs {
			if sg.name != "" {
				w.names[sg.name] = struct{}{}
			}
		}
		return nil, false, nil
	}
	single := len(segs) == 1 && segs[0].name != ""
	// A string that is exactly one placeholder takes the value's own shape.
	if single && m == plain {
		val, err := w.lookup(segs[0].name)
		if err != nil {
			return nil, false, err
		}
		if val.isList {
			arr := make([]any, len(val.list))
			for i, it := range val.list {
				arr[i] = it
			}
			return arr, true, nil
		}
		if asArray {
			return []any{val.str}, true, nil
		}
		return val.str, true, nil
	}
	// A regex that is exactly one placeholder (plain strings returned above) means "the value
	// itself": anchored, so a list ["a","b"] matches "a" or "b" and not "xay" (an unanchored
	// (?:a|b) would).
	whole := single
	var b strings.Builder
	if whole {
		b.WriteByte('^')
	}
	for _, sg := range segs {
		if sg.name == "" {
			b.WriteString(sg.lit)
			continue
		}
		val, err := w.lookup(sg.name)
		if err != nil {
			return nil, false, err
		}
		if m == regex {
			writeRegex(&b, val)
			continue
		}
		if val.isList {
			return nil, false, &ValueError{Name: sg.name, Path: w.pointer(), Reason: "a list value can only stand alone in a string or inside a regex"}
		}
		b.WriteString(val.str)
	}
	if whole {
		b.WriteByte('$')
	}
	return b.String(), true, nil
}

// writeRegex writes a value into a regex, quoted: a string matches itself, a list any one of its
// items, each taken literally.
func writeRegex(b *strings.Builder, val Value) {
	if !val.isList {
		b.WriteString(regexp.QuoteMeta(val.str))
		return
	}
	b.WriteString("(?:")
	for i, it := range val.list {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(regexp.QuoteMeta(it))
	}
	b.WriteByte(')')
}

func (w *walker) lookup(name string) (Value, error) {
	val, ok := w.vars[name]
	if !ok {
		return Value{}, &UnknownError{Name: name, Path: w.pointer()}
	}
	return val, nil
}
