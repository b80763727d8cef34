// Package lint checks restricted schema templates before they reach S3: valid JSON, placeholders
// known and well formed, the schema compiles once sample values fill every placeholder, every
// object that declares properties is closed (an open one is a feature-gating hole), patterns are
// RE2, overlays are well-formed RFC 6902 patches and, given the provider schemas, every property
// name exists upstream.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/drift"
	"github.com/rcfge/rcfge/tools/schemagen"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Severity says whether a finding fails the lint.
type Severity string

// The severities.
const (
	// Error fails the lint (exit 1).
	Error Severity = "error"
	// Warning is a likely mistake: shown, and never fails the lint.
	Warning Severity = "warning"
	// Info is listed for review and never fails the lint.
	Info Severity = "info"
)

// Rule names a check.
type Rule string

// The checks.
const (
	RuleJSON               Rule = "invalid-json"
	RuleFileName           Rule = "file-name"
	RuleAnnotation         Rule = "annotation"
	RulePlaceholder        Rule = "placeholder"
	RuleUnknownPlaceholder Rule = "unknown-placeholder"
	RuleCompile            Rule = "compile"
	RuleOpenObject         Rule = "open-object"
	RuleFreeForm           Rule = "free-form"
	RulePattern            Rule = "pattern"
	RuleUnknownType        Rule = "unknown-type"
	RuleUnknownProperty    Rule = "unknown-property"
	RuleUnknownEnumValue   Rule = "unknown-enum-value"
	RuleOverlay            Rule = "overlay"
	// RulePlaceholderMeaning warns where a placeholder will not mean what it seems to.
	RulePlaceholderMeaning Rule = "placeholder-meaning"
)

// Finding is one problem (or, at Info, one thing to know) in one file.
type Finding struct {
	File     string   `json:"file"`
	Rule     Rule     `json:"rule"`
	Severity Severity `json:"severity"`
	// Path is the JSON Pointer inside the file; empty for the whole file.
	Path string `json:"path,omitempty"`
	// Line is the 1-based line Path starts on (of its nearest existing ancestor for an absent
	// keyword); 0 when the file could not be read as JSON that far.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Report is the outcome of a lint run.
type Report struct {
	// Dir, when set, is where the linted folder is; SARIF locations and text lines include it.
	Dir       string    `json:"dir,omitempty"`
	Templates int       `json:"templates"`
	Overlays  int       `json:"overlays"`
	Findings  []Finding `json:"findings"`
}

// Errors counts the findings that fail the lint.
func (r Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// HasFindings reports whether the lint failed.
func (r Report) HasFindings() bool { return r.Errors() > 0 }

// Options tune a lint run.
type Options struct {
	// Vars names user variables declared outside the templates (the hook's configuration), in
	// addition to each template's x-rcfge.variables. They are linted with a string sample value.
	Vars []string
	// Source, when set, holds the provider schemas: each template's type must exist there, and each
	// of its property names too (a name upstream lacks is a typo or was removed).
	Source schemagen.SchemaSource
}

// ErrNoTemplates means the folder holds no *.json template.
var ErrNoTemplates = errors.New("no templates found")

// Lint checks the *.json templates at the root of fsys, and the patches in fsys/overlays.
func Lint(ctx context.Context, fsys fs.FS, opts Options) (Report, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return Report{}, fmt.Errorf("templates: %w", err)
	}
	l := &linter{opts: opts, templates: map[string]bool{}, bodies: map[string][]byte{}}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return Report{}, fmt.Errorf("template %s: %w", e.Name(), err)
		}
		l.rep.Templates++
		l.templates[e.Name()] = true
		l.bodies[e.Name()] = body
		if err := l.template(ctx, e.Name(), body); err != nil {
			return Report{}, err
		}
	}
	if l.rep.Templates == 0 {
		return Report{}, ErrNoTemplates
	}
	if err := l.overlays(ctx, fsys); err != nil {
		return Report{}, err
	}
	l.locate()
	sort.SliceStable(l.rep.Findings, func(i, j int) bool {
		a, b := l.rep.Findings[i], l.rep.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		return a.Path < b.Path
	})
	return l.rep, nil
}

type linter struct {
	opts      Options
	templates map[string]bool
	// bodies keeps each file read, to give findings their lines.
	bodies map[string][]byte
	rep    Report
}

// locate fills the line of every finding, indexing each file once.
func (l *linter) locate() {
	index := map[string]map[string]int{}
	for i := range l.rep.Findings {
		f := &l.rep.Findings[i]
		body, ok := l.bodies[f.File]
		if !ok {
			continue
		}
		if index[f.File] == nil {
			index[f.File] = lineIndex(body)
		}
		f.Line = lineOf(index[f.File], f.Path)
	}
}

func (l *linter) add(file string, rule Rule, sev Severity, ptr, format string, args ...any) {
	l.rep.Findings = append(l.rep.Findings, Finding{File: file, Rule: rule, Severity: sev, Path: ptr, Message: fmt.Sprintf(format, args...)})
}

// template lints one template. Problems are findings; only a failure to run returns an error.
func (l *linter) template(ctx context.Context, file string, body []byte) error {
	doc, err := schema.Decode(body)
	if err != nil {
		l.add(file, RuleJSON, Error, "", "%v", err)
		return nil
	}
	root, ok := doc.(map[string]any)
	if !ok {
		l.add(file, RuleJSON, Error, "", "a template is a JSON object, not %s", jsonKind(doc))
		return nil
	}
	typeName := l.typeName(file, root)
	vars, declared := l.variables(file, root)
	// Structure and names first: they do not depend on placeholders, so a malformed placeholder
	// does not hide an open object.
	w := &walk{file: file, l: l}
	w.schema(root, "", true, false)
	if l.opts.Source != nil && typeName != "" {
		if err := l.upstream(ctx, file, typeName, root); err != nil {
			return err
		}
	}

	names, err := placeholder.Names(doc)
	if err != nil {
		l.add(file, RulePlaceholder, Error, errPath(err), "%v", err)
		return nil
	}
	for _, n := range names {
		if _, ok := vars[n]; ok || placeholder.IsBuiltin(n) {
			continue
		}
		if !declared[n] {
			l.add(file, RuleUnknownPlaceholder, Error, firstUse(root, n), "$<%s> is neither a built-in (%s) nor a declared variable (x-rcfge.variables or --var)", n, strings.Join(placeholder.Builtins, " "))
		}
		// Filled anyway, so that the rest of the template is still checked.
		vars[n] = placeholder.String("sample")
	}
	l.meaning(file, doc, vars, declared)
	for _, b := range placeholder.Builtins {
		vars[b] = placeholder.String(builtinSample(b, typeName))
	}
	filled, err := placeholder.Fill(doc, vars)
	if err != nil {
		l.add(file, RulePlaceholder, Error, errPath(err), "%v", err)
		return nil
	}

	bad := w.patterns(filled, "")
	// A pattern Go rejects also fails the meta-schema (format "regex") and compilation; one
	// finding per pattern says more. Likewise one finding per place that breaks the meta-schema
	// says more than one compile error naming the first.
	if bad == 0 {
		m, _ := filled.(map[string]any)
		n, err := l.meta(file, m)
		if err != nil {
			return err
		}
		bad += n
	}
	if bad == 0 {
		if _, err := schema.Compile(file, filled); err != nil {
			l.add(file, RuleCompile, Error, "", "%v", err)
		}
	}
	return nil
}

// typeName returns the template's type (x-rcfge.typeName, else the top-level typeName, else the
// file name) and checks that the engine will find the template under it.
func (l *linter) typeName(file string, root map[string]any) string {
	ann, isObj := root["x-rcfge"].(map[string]any)
	if _, present := root["x-rcfge"]; present && !isObj {
		l.add(file, RuleAnnotation, Error, "/x-rcfge", "x-rcfge must be an object")
	}
	tn, _ := ann["typeName"].(string)
	if top, _ := root["typeName"].(string); tn == "" {
		tn = top
	} else if top != "" && top != tn {
		l.add(file, RuleAnnotation, Error, "/typeName", "typeName %q differs from x-rcfge.typeName %q", top, tn)
	}
	if tn == "" {
		fromName, ok := store.TypeName(file)
		if !ok {
			l.add(file, RuleFileName, Error, "", "the engine never reads this file: a template is named after its type, AWS::S3::Bucket → AWS-S3-Bucket.json")
			return ""
		}
		return fromName
	}
	want, err := store.FileName(tn)
	if err != nil {
		l.add(file, RuleFileName, Error, "", "%v", err)
		return ""
	}
	if want != file {
		l.add(file, RuleFileName, Error, "", "the engine looks up %s as %s, never as this file", tn, want)
	}
	return tn
}

// variables returns sample values for the template's declared variables (x-rcfge.variables) and
// the names declared on the command line. A declaration is a name → {type: string|list,
// description, example} object, or just a list of names.
func (l *linter) variables(file string, root map[string]any) (placeholder.Vars, map[string]bool) {
	vars := placeholder.Vars{}
	declared := map[string]bool{}
	for _, n := range l.opts.Vars {
		declared[n] = true
	}
	ann, _ := root["x-rcfge"].(map[string]any)
	raw, present := ann["variables"]
	if !present {
		return vars, declared
	}
	const where = "/x-rcfge/variables"
	switch v := raw.(type) {
	case []any:
		for i, n := range v {
			name, _ := n.(string)
			if !placeholder.ValidName(name) {
				l.add(file, RuleAnnotation, Error, fmt.Sprintf("%s/%d", where, i), "variable name %v is not a valid placeholder name", n)
				continue
			}
			vars[name] = placeholder.String("sample-" + name)
		}
	case map[string]any:
		for name, d := range v {
			ptr := jsonptr.Append(where, name)
			if !placeholder.ValidName(name) {
				l.add(file, RuleAnnotation, Error, ptr, "variable name %q is not a valid placeholder name", name)
				continue
			}
			decl, ok := d.(map[string]any)
			if !ok {
				l.add(file, RuleAnnotation, Error, ptr, "a variable declaration is an object {type, description, example}")
				continue
			}
			val, err := sample(name, decl)
			if err != nil {
				l.add(file, RuleAnnotation, Error, ptr, "%v", err)
				continue
			}
			vars[name] = val
		}
	default:
		l.add(file, RuleAnnotation, Error, where, "x-rcfge.variables is an object of declarations or a list of names")
	}
	for name := range vars {
		if placeholder.IsBuiltin(name) {
			l.add(file, RuleAnnotation, Error, jsonptr.Append(where, name), "%q is a built-in placeholder and cannot be redeclared", name)
		}
	}
	return vars, declared
}

// sample is the value a declared variable is linted with: its example, else a placeholder string.
func sample(name string, decl map[string]any) (placeholder.Value, error) {
	typ, _ := decl["type"].(string)
	switch typ {
	case "", "string":
		if ex, ok := decl["example"].(string); ok {
			return placeholder.String(ex), nil
		}
		if _, ok := decl["example"]; ok {
			return placeholder.Value{}, fmt.Errorf("the example of string variable %q must be a string", name)
		}
		return placeholder.String("sample-" + name), nil
	case "list":
		ex, ok := decl["example"].([]any)
		if !ok {
			if _, present := decl["example"]; present {
				return placeholder.Value{}, fmt.Errorf("the example of list variable %q must be a list of strings", name)
			}
			return placeholder.List("sample-" + name), nil
		}
		items := make([]string, len(ex))
		for i, it := range ex {
			s, ok := it.(string)
			if !ok {
				return placeholder.Value{}, fmt.Errorf("the example of list variable %q must be a list of strings", name)
			}
			items[i] = s
		}
		return placeholder.List(items...), nil
	}
	return placeholder.Value{}, fmt.Errorf("variable %q: type %q is not string or list", name, typ)
}

// builtinSample returns a realistic value for each built-in, so that patterns built from them are
// compiled the way the hook will compile them.
func builtinSample(name, typeName string) string {
	switch name {
	case "accountID":
		return "123456789012"
	case "region":
		return "us-east-1"
	case "partition":
		return "aws"
	case "stackName":
		return "sample-stack"
	case "stackId":
		return "arn:aws:cloudformation:us-east-1:123456789012:stack/sample-stack/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	case "logicalResourceId":
		return "SampleResource"
	case "resourceType":
		return typeName
	}
	return "sample"
}

// upstream checks the template's type and property names against the provider schema. A schema
// that cannot be read is an error of the run, not a finding.
func (l *linter) upstream(ctx context.Context, file, typeName string, root map[string]any) error {
	p, err := l.opts.Source.Get(ctx, typeName)
	if errors.Is(err, schemagen.ErrTypeNotFound) {
		l.add(file, RuleUnknownType, Error, "", "%s is not in the provider schemas", typeName)
		return nil
	}
	if err != nil {
		return fmt.Errorf("template %s: provider schema: %w", file, err)
	}
	up, err := schema.Decode(p.Body)
	if err != nil {
		return fmt.Errorf("template %s: provider schema %s: %w", file, typeName, err)
	}
	doc, ok := up.(map[string]any)
	if tn, _ := doc["typeName"].(string); !ok || tn != typeName {
		l.add(file, RuleUnknownType, Error, "", "the provider schema found for %s holds type %q", typeName, tn)
		return nil
	}
	for _, c := range drift.Compare(doc, root, drift.Decisions{}) {
		switch c.Kind {
		case drift.RemovedProperty:
			l.add(file, RuleUnknownProperty, Error, c.SchemaLocation, "property %s is not in the provider schema of %s: a typo, or removed upstream", c.Path, typeName)
		case drift.RemovedEnumValues:
			l.add(file, RuleUnknownEnumValue, Error, c.SchemaLocation, "enum of %s admits %s, which the provider schema does not: a typo, or withdrawn upstream", displayPath(c.Path), strings.Join(c.Values, ", "))
		}
	}
	return nil
}

// firstUse finds the JSON Pointer of the first string using a placeholder, for the finding's path.
func firstUse(doc any, name string) string {
	needle := "$<" + name + ">"
	var found string
	var visit func(v any, ptr string) bool
	visit = func(v any, ptr string) bool {
		switch t := v.(type) {
		case string:
			if strings.Contains(t, needle) {
				found = ptr
				return true
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if strings.Contains(k, needle) {
					found = jsonptr.Append(ptr, k)
					return true
				}
				if visit(t[k], jsonptr.Append(ptr, k)) {
					return true
				}
			}
		case []any:
			for i, it := range t {
				if visit(it, fmt.Sprintf("%s/%d", ptr, i)) {
					return true
				}
			}
		}
		return false
	}
	visit(doc, "")
	return found
}

func displayPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func errPath(err error) string {
	var se *placeholder.SyntaxError
	var ue *placeholder.UnknownError
	var ve *placeholder.ValueError
	switch {
	case errors.As(err, &se):
		return se.Path
	case errors.As(err, &ue):
		return ue.Path
	case errors.As(err, &ve):
		return ve.Path
	}
	return ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// compileRE2 compiles a pattern the way the engine does.
func compileRE2(p string) error {
	_, err := regexp.Compile(p)
	return err
}
