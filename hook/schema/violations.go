package schema

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/rcfge/rcfge/hook/verdict"
)

// Options tune Validate.
type Options struct {
	// TypeName names the resource type in messages ("NewFeature is not an approved property of AWS::S3::Bucket").
	TypeName string
	// Unknown are JSON Pointers of values not known before deployment: violations at or below them
	// are dropped, and so are alternatives (anyOf/oneOf) that only failed because of them.
	Unknown []string
}

// maxAllowed bounds the allowed values or pattern quoted in a violation.
const maxAllowed = 200

// Validate checks an instance (already coerced) and returns every violation, sorted by path.
// A non-nil error means the validator itself failed (e.g. an infinite $ref loop), not a violation.
func (s *Schema) Validate(v any, opts Options) ([]verdict.Violation, error) {
	err := s.root.Validate(v)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, fmt.Errorf("validator failed on template %s: %w", s.name, err)
	}
	f := flattener{s: s, inst: v, opts: opts}
	out := f.flatten(ve)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Keyword < out[j].Keyword
	})
	return dedupe(out), nil
}

func dedupe(vs []verdict.Violation) []verdict.Violation {
	out := vs[:0]
	for i, v := range vs {
		if i > 0 && v.Path == vs[i-1].Path && v.Keyword == vs[i-1].Keyword && v.Message == vs[i-1].Message {
			continue
		}
		out = append(out, v)
	}
	return out
}

type flattener struct {
	s    *Schema
	inst any
	opts Options
}

func (f *flattener) unknown(path string) bool {
	for _, u := range f.opts.Unknown {
		if path == u || strings.HasPrefix(path, u+"/") || u == "" {
			return true
		}
	}
	return false
}

func keywordOf(ve *jsonschema.ValidationError) string {
	loc := ve.KeywordLocation
	return loc[strings.LastIndexByte(loc, '/')+1:]
}

func (f *flattener) flatten(ve *jsonschema.ValidationError) []verdict.Violation {
	kw := keywordOf(ve)
	if (kw == "anyOf" || kw == "oneOf") && len(ve.Causes) > 0 {
		return f.alternatives(ve, kw)
	}
	if len(ve.Causes) > 0 && (ve.Message == "" || strings.HasPrefix(ve.Message, "doesn't validate with")) {
		var out []verdict.Violation
		for _, c := range ve.Causes {
			out = append(out, f.flatten(c)...)
		}
		return out
	}
	return f.leaf(ve, kw)
}

// alternatives reports a failed anyOf/oneOf. When exactly one alternative matched the shape of the
// value (no type, required or unapproved-property failure), the resource clearly meant it and its
// own violations are the useful ones; otherwise one violation names the alternatives. An alternative
// that failed only on unknown values might pass at deployment, so the keyword is then skipped.
func (f *flattener) alternatives(ve *jsonschema.ValidationError, kw string) []verdict.Violation {
	branches := make([][]verdict.Violation, len(ve.Causes))
	meant := -1
	for i, c := range ve.Causes {
		b := f.flatten(c)
		if len(b) == 0 {
			return nil
		}
		branches[i] = b
		if !structural(b) {
			if meant >= 0 {
				meant = -2 // more than one: none is clearly meant
			} else if meant == -1 {
				meant = i
			}
		}
	}
	if meant >= 0 {
		return branches[meant]
	}
	var reasons []string
	for i, b := range branches {
		reasons = append(reasons, fmt.Sprintf("alternative %d: %s", i+1, b[0].Message))
	}
	msg := "matches none of the allowed alternatives (" + strings.Join(reasons, "; ") + ")"
	return []verdict.Violation{{
		Path:           ve.InstanceLocation,
		Keyword:        kw,
		SchemaLocation: f.schemaLoc(ve),
		Message:        msg,
	}}
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

func depth(p string) int { return strings.Count(p, "/") }

func (f *flattener) schemaLoc(ve *jsonschema.ValidationError) string {
	loc := ve.AbsoluteKeywordLocation
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		return loc[i:]
	}
	return "#"
}

// keywordSchema finds the compiled schema that holds the failing keyword.
func (f *flattener) keywordSchema(ve *jsonschema.ValidationError, kw string) *jsonschema.Schema {
	loc := strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/"+kw)
	return f.s.byLoc[loc]
}

func (f *flattener) owner(path string) string {
	if path == "" {
		if f.opts.TypeName != "" {
			return f.opts.TypeName
		}
		return "the resource"
	}
	if f.opts.TypeName != "" {
		return fmt.Sprintf("%s at %s", f.opts.TypeName, path)
	}
	return path
}

func (f *flattener) leaf(ve *jsonschema.ValidationError, kw string) []verdict.Violation {
	base := verdict.Violation{
		Path:           ve.InstanceLocation,
		Keyword:        kw,
		SchemaLocation: f.schemaLoc(ve),
		Message:        ve.Message,
	}
	if n := f.s.byLoc[ve.AbsoluteKeywordLocation]; n != nil && n.Always != nil && !*n.Always {
		kw = "false"
	}
	sch := f.keywordSchema(ve, kw)
	switch kw {
	case "additionalProperties":
		return f.unapproved(ve, base, sch)
	case "false":
		// A false schema: the property is explicitly disallowed.
		base.Keyword = "false"
		name := ve.InstanceLocation[strings.LastIndexByte(ve.InstanceLocation, '/')+1:]
		parent := ve.InstanceLocation[:max(0, strings.LastIndexByte(ve.InstanceLocation, '/'))]
		base.Message = fmt.Sprintf("%s is not an approved property of %s", unescape(name), f.owner(parent))
	case "pattern":
		if sch != nil && sch.Pattern != nil {
			base.Allowed = short(sch.Pattern.String())
			base.Message = "value does not match the approved pattern"
			if base.Allowed != "" {
				base.Message += " " + base.Allowed
			}
		}
	case "enum":
		if sch != nil {
			vals := make([]string, len(sch.Enum))
			for i, e := range sch.Enum {
				vals[i] = fmt.Sprint(e)
			}
			base.Allowed = short(strings.Join(vals, ", "))
			base.Message = "value is not one of the approved values"
			if base.Allowed != "" {
				base.Message += ": " + base.Allowed
			}
		}
	case "const":
		if sch != nil && len(sch.Constant) > 0 {
			base.Allowed = short(fmt.Sprint(sch.Constant[0]))
			base.Message = "value is not the approved value"
			if base.Allowed != "" {
				base.Message += " " + base.Allowed
			}
		}
	case "format":
		if sch != nil {
			base.Message = fmt.Sprintf("value is not a valid %s", sch.Format)
		}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		// The validator's message quotes the value; ours names only the rule.
		if i := strings.Index(ve.Message, " but found"); i > 0 {
			base.Message = "value " + ve.Message[:i]
		} else if i := strings.Index(ve.Message, " not multipleOf "); i > 0 {
			base.Message = "value is not a multiple of " + ve.Message[i+len(" not multipleOf "):]
		}
	case "required":
		base.Message = strings.Replace(ve.Message, "missing properties:", "missing required properties:", 1)
	}
	if f.unknown(base.Path) {
		return nil
	}
	return []verdict.Violation{base}
}

// unapproved names each property the closed object does not allow, one violation each, at the
// property's own path: this is the feature gate.
func (f *flattener) unapproved(ve *jsonschema.ValidationError, base verdict.Violation, sch *jsonschema.Schema) []verdict.Violation {
	obj, _ := lookup(f.inst, ve.InstanceLocation).(map[string]any)
	if obj == nil || sch == nil {
		if f.unknown(base.Path) {
			return nil
		}
		return []verdict.Violation{base}
	}
	var names []string
	for k := range obj {
		if _, ok := sch.Properties[k]; ok {
			continue
		}
		matched := false
		for re := range sch.PatternProperties {
			if re.MatchString(k) {
				matched = true
				break
			}
		}
		if !matched {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []verdict.Violation
	for _, n := range names {
		v := base
		v.Path = ve.InstanceLocation + "/" + escape(n)
		v.Message = fmt.Sprintf("%s is not an approved property of %s", n, f.owner(ve.InstanceLocation))
		if !f.unknown(v.Path) {
			out = append(out, v)
		}
	}
	return out
}

func short(s string) string {
	if len(s) > maxAllowed {
		return ""
	}
	return s
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// lookup resolves a JSON Pointer in a decoded document.
func lookup(doc any, ptr string) any {
	if ptr == "" {
		return doc
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescape(tok)
		switch t := cur.(type) {
		case map[string]any:
			cur = t[tok]
		case []any:
			i := 0
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil
			}
			cur = t[i]
		default:
			return nil
		}
	}
	return cur
}
