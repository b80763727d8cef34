// Package placeholder finds and fills $<name> placeholders inside the strings of a parsed JSON
// template. It never rewrites raw bytes, so a value can never change the JSON structure, and inside
// regular expressions (the pattern keyword and patternProperties keys) every substituted value is
// quoted, so a value can never change the regex either.
package placeholder

import (
	"fmt"
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
}

func (w *walker) pointer() string { return jsonptr.Format(w.path...) }

// dataKeywords hold instance data, not schema: strings there are literal data, never regexes.
var dataKeywords = map[string]bool{"enum": true, "const": true, "default": true, "examples": true}

// Names returns the distinct placeholder names used in doc, sorted. Malformed placeholders are errors.
func Names(doc any) ([]string, error) {
	w := &walker{names: map[string]struct{}{}}
	if _, _, err := w.value(doc, plain, false, ""); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(w.names))
	for n := range w.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
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
	if _, _, err := w.value(doc, plain, false, ""); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Fill returns doc with every placeholder replaced by its value from vars. doc is not modified;
// parts without placeholders are shared with it.
func Fill(doc any, vars Vars) (any, error) {
	w := &walker{vars: vars, fill: true}
	out, _, err := w.value(doc, plain, false, "")
	return out, err
}

// value walks one JSON value. m is the mode for strings found directly here; data is true inside
// enum/const/default/examples; key is the object key this value sits under.
// It returns the (possibly new) value and whether it changed.
func (w *walker) value(v any, m mode, data bool, key string) (any, bool, error) {
	switch t := v.(type) {
	case string:
		return w.str(t, m, false)
	case map[string]any:
		return w.object(t, data, key)
	case []any:
		return w.array(t, m, data)
	default:
		return v, false, nil
	}
}

func (w *walker) object(o map[string]any, data bool, parentKey string) (any, bool, error) {
	var out map[string]any
	// Keys of patternProperties are regexes; keys of other objects are plain text.
	keyMode := plain
	if parentKey == "patternProperties" && !data {
		keyMode = regex
	}
	for k, v := range o {
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
		} else {
			nv, changed, err = w.value(v, childMode, data || dataKeywords[k] && parentKey != "properties", k)
		}
		if err != nil {
			return nil, false, err
		}
		nk, kchanged, err := w.key(k, keyMode)
		if err != nil {
			return nil, false, err
		}
		w.path = w.path[:len(w.path)-1]
		if (changed || kchanged) && out == nil && w.fill {
			out = make(map[string]any, len(o))
			for k2, v2 := range o {
				out[k2] = v2
			}
		}
		if out != nil {
			if kchanged {
				delete(out, k)
			}
			out[nk] = nv
		}
	}
	if out == nil {
		return o, false, nil
	}
	return out, true, nil
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

func (w *walker) array(a []any, m mode, data bool) (any, bool, error) {
	var out []any
	for i, v := range a {
		w.path = append(w.path, strconv.Itoa(i))
		nv, changed, err := w.value(v, m, data, "")
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
// placeholder there always yields an array, since enum must be one.
func (w *walker) str(s string, m mode, asArray bool) (any, bool, error) {
	segs, ok, reason := parse(s)
	if !ok {
		return s, false, nil
	}
	if reason != "" {
		return nil, false, &SyntaxError{Path: w.pointer(), Text: s, Reason: reason}
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
		return s, false, nil
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
