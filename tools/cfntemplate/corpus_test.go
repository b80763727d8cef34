package cfntemplate_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/realdata"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir is a folder of the shared real data (skips without it).
func dataDir(tb testing.TB, sub string) string {
	tb.Helper()
	return realdata.Dir(tb, sub)
}

// corpusEngine generates a template from every provider schema, without overlays, as
// `rcfge schemas generate` does, and serves them from memory (the same bytes a --out folder
// would hold, without the disk).
func corpusEngine(tb testing.TB) (*engine.Engine, map[string][]byte) {
	tb.Helper()
	src := schemagen.NewFSSource(os.DirFS(dataDir(tb, "cfn-schemas/us-east-1")))
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: src, Snapshot: "2026-01-01"})
	if err != nil {
		tb.Fatalf("generate: %v", err)
	}
	fsys := fstest.MapFS{}
	bodies := map[string][]byte{}
	for _, tpl := range tpls {
		bodies[tpl.TypeName] = tpl.Body
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			tb.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: tpl.Body}
	}
	return engine.New(dirstore.New(fsys), engine.WithCacheSize(4096)), bodies
}

func qualifying(tb testing.TB) (string, []string) {
	tb.Helper()
	dir := dataDir(tb, "real-templates")
	f, err := os.Open(filepath.Join(dir, "QUALIFYING.txt"))
	if err != nil {
		tb.Skipf("real templates: %v", err)
	}
	defer f.Close()
	var files []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			files = append(files, l)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return dir, files
}

const (
	corpusAccount = "111122223333"
	corpusRegion  = "us-east-1"
)

// TestRealCorpus: every qualifying real template is approved by templates generated from AWS's
// provider schemas without restrictions.
func TestRealCorpus(t *testing.T) {
	dir, files := qualifying(t)
	eng, bodies := corpusEngine(t)
	ctx := context.Background()
	ectx := engine.Context{AccountID: corpusAccount, Region: corpusRegion}
	allowed := allowList(t)
	pending := pendingFixes(t, bodies)
	pendingCount := map[string]int{}
	approved, pendingOnly := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		tmpl, err := cfntemplate.Parse(file, data, cfntemplate.Options{AccountID: corpusAccount, Region: corpusRegion})
		if err != nil {
			t.Errorf("%s: parse: %v", file, err)
			continue
		}
		fr, err := cfntemplate.Validate(ctx, eng, tmpl, ectx, nil)
		if err != nil {
			t.Errorf("%s: validate: %v", file, err)
			continue
		}
		var findings, waiting []string
		for _, r := range fr.Resources {
			for _, v := range r.Violations {
				line := fmt.Sprintf("%s (%s) %s", r.LogicalID, r.Type, v)
				if cause := pending.cause(r.Type, v); cause != "" {
					pendingCount[cause]++
					waiting = append(waiting, line+" ["+cause+"]")
					continue
				}
				findings = append(findings, line)
			}
		}
		if len(findings) == 0 && len(waiting) == 0 {
			approved++
			continue
		}
		if len(findings) == 0 {
			pendingOnly++
			t.Logf("%s: not approved, only for causes fixed elsewhere:\n\t%s", file, strings.Join(waiting, "\n\t"))
			continue
		}
		if rule, ok := allowed[file]; ok {
			t.Logf("%s: not approved, allowed (%s):\n\t%s", file, rule, strings.Join(findings, "\n\t"))
			continue
		}
		t.Errorf("%s: not approved:\n\t%s", file, strings.Join(findings, "\n\t"))
	}
	t.Logf("approved %d/%d", approved, len(files))
	fmt.Printf("real corpus: approved %d/%d\n", approved, len(files))
	if pendingOnly > 0 {
		t.Skipf("%d templates not approved only for causes whose fix is on another branch (findings by cause: %v); the check turns strict by itself once they are merged", pendingOnly, pendingCount)
	}
}

// pending detects, from the generated templates and the validator itself, false alarms whose fix
// belongs to another branch. Each probe turns off by itself once the fix is merged, so the corpus
// test becomes strict without an edit; every other finding fails the test now.
type pending struct {
	stackNameRequired    bool // gensurface: AWS::CloudFormation::Stack requires StackName (issue 12 item 1)
	customResourceClosed bool // lead's decision: AWS::CloudFormation::CustomResource's provider schema closes the properties CloudFormation passes to the provider (docs/templates.md: a patch may not open names)
}

func pendingFixes(t *testing.T, bodies map[string][]byte) pending {
	t.Helper()
	var p pending
	var stack, custom struct {
		Required             []string `json:"required"`
		AdditionalProperties any      `json:"additionalProperties"`
	}
	if err := json.Unmarshal(bodies["AWS::CloudFormation::Stack"], &stack); err != nil {
		t.Fatal(err)
	}
	p.stackNameRequired = slices.Contains(stack.Required, "StackName")
	if err := json.Unmarshal(bodies["AWS::CloudFormation::CustomResource"], &custom); err != nil {
		t.Fatal(err)
	}
	p.customResourceClosed = custom.AdditionalProperties == false
	return p
}

// cause names the pending fix a finding waits for, or "" when it is a finding to fail on.
func (p pending) cause(typeName string, v verdict.Violation) string {
	switch {
	case p.stackNameRequired && typeName == "AWS::CloudFormation::Stack" && v.Keyword == "required" && strings.Contains(v.Message, "StackName"):
		return "gensurface: Stack StackName required"
	case p.customResourceClosed && typeName == "AWS::CloudFormation::CustomResource" && v.Keyword == "additionalProperties":
		return "decision pending: CustomResource properties"
	}
	return ""
}

// allowList reads testdata/corpus/allowed.txt: "<file> <CloudFormation rule that rejects it>"
// per line. A template may be listed only when CloudFormation itself would reject it.
func allowList(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("testdata/corpus/allowed.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		file, rule, ok := strings.Cut(l, " ")
		if !ok || strings.TrimSpace(rule) == "" {
			t.Fatalf("allowed.txt: %q names no CloudFormation rule", l)
		}
		m[file] = strings.TrimSpace(rule)
	}
	return m
}

// injection is one unapproved property put into a resource.
type injection struct {
	name    string
	nested  bool
	unknown bool // the value is Fn::ImportValue: known only at deployment
}

// TestRealCorpusInjected: an unapproved property injected into every resource of the real
// templates is caught by name, at the top level and inside a nested object the provider schema
// closes, with a literal value and with an Fn::ImportValue value.
func TestRealCorpusInjected(t *testing.T) {
	dir, files := qualifying(t)
	eng, bodies := corpusEngine(t)
	ctx := context.Background()
	ectx := engine.Context{AccountID: corpusAccount, Region: corpusRegion}
	schemas := map[string]map[string]any{}
	injections := []injection{
		{name: "RcfgeInjectedLiteral"},
		{name: "RcfgeInjectedImport", unknown: true},
		{name: "RcfgeNestedLiteral", nested: true},
		{name: "RcfgeNestedImport", nested: true, unknown: true},
	}
	gate := unknownGateEnforced(t)
	var checked, noNested, transitional int
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, inj := range injections {
			tmpl, err := cfntemplate.Parse(file, data, cfntemplate.Options{AccountID: corpusAccount, Region: corpusRegion})
			if err != nil {
				t.Fatalf("%s: parse: %v", file, err)
			}
			want := map[string]string{} // logical ID -> injected pointer
			for i := range tmpl.Resources {
				r := &tmpl.Resources[i]
				if r.Skipped {
					continue
				}
				sch := schemas[r.Type]
				if sch == nil {
					if err := json.Unmarshal(bodies[r.Type], &sch); err != nil {
						t.Fatalf("%s: %v", r.Type, err)
					}
					schemas[r.Type] = sch
				}
				if providerDefined(sch) && !inj.nested {
					// A custom resource's own properties are its provider's to define: the
					// template admits any name there (docs/templates.md, surface patches).
					continue
				}
				ptr, ok := inject(r, sch, inj)
				if !ok {
					noNested++
					continue
				}
				want[r.LogicalID] = ptr
			}
			fr, err := cfntemplate.Validate(ctx, eng, tmpl, ectx, nil)
			if err != nil {
				t.Fatalf("%s: validate: %v", file, err)
			}
			for _, r := range fr.Resources {
				ptr, ok := want[r.LogicalID]
				if !ok {
					continue
				}
				checked++
				caught := false
				for _, v := range r.Violations {
					if v.Path == ptr && strings.Contains(v.Message, inj.name) {
						caught = true
					}
				}
				if !caught && inj.unknown && !gate {
					transitional++
					continue
				}
				if !caught {
					t.Errorf("%s: %s (%s): injected %s not caught; violations %v", file, r.LogicalID, r.Type, ptr, r.Violations)
				}
			}
		}
	}
	t.Logf("%d injected properties checked; %d nested injections skipped (no object the provider schema closes)", checked, noNested)
	if transitional > 0 {
		t.Skipf("validator branch: %d unapproved properties with an Fn::ImportValue value not caught, because main's transitional hook/schema drops every violation at an unknown path (the property-name gate included); this check turns strict once the validator branch is merged", transitional)
	}
}

// unknownGateEnforced reports whether the validator keeps the property-name gate for a property
// whose value is unknown (issue 11 item 1): true once the validator branch is merged.
func unknownGateEnforced(t *testing.T) bool {
	t.Helper()
	doc, err := schema.Decode([]byte(`{"type":"object","properties":{"A":{"type":"string"}},"additionalProperties":false}`))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := schema.Compile("probe", doc)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := sch.Validate(context.Background(), map[string]any{"X": nil}, schema.Options{Unknown: []string{"/X"}})
	if err != nil {
		t.Fatal(err)
	}
	return len(vs) > 0
}

// inject adds the injection to every variant of the resource and returns its JSON Pointer.
func inject(r *cfntemplate.Resource, sch map[string]any, inj injection) (string, bool) {
	if r.Properties == nil {
		r.Properties = map[string]any{}
	}
	parent := ""
	if inj.nested {
		var ok bool
		if parent, ok = closedObject(r.Properties, sch, sch, ""); !ok {
			return "", false
		}
	}
	ptr := jsonptr.Append(parent, inj.name)
	set := func(props any, unknown *[]verdict.Unverified) {
		obj, ok := jsonptr.Lookup(props, parent)
		m, isMap := obj.(map[string]any)
		if !ok || !isMap {
			return
		}
		if inj.unknown {
			m[inj.name] = nil
			*unknown = append(*unknown, verdict.Unverified{Path: ptr, Reason: "Fn::ImportValue foo"})
			return
		}
		m[inj.name] = "injected"
	}
	set(r.Properties, &r.Unknown)
	for i := range r.Variants {
		if r.Variants[i].Properties == nil {
			r.Variants[i].Properties = map[string]any{}
		}
		set(r.Variants[i].Properties, &r.Variants[i].Unknown)
	}
	return ptr, true
}

// closedObject finds, depth first in key order, a nested object value whose schema lists its
// properties and allows no others, and returns its pointer.
func closedObject(v any, node, root map[string]any, ptr string) (string, bool) {
	node = deref(node, root)
	switch x := v.(type) {
	case map[string]any:
		if ptr != "" && closed(node) {
			return ptr, true
		}
		props, _ := node["properties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			sub, ok := props[k].(map[string]any)
			if !ok {
				continue
			}
			if p, ok := closedObject(x[k], sub, root, jsonptr.Append(ptr, k)); ok {
				return p, true
			}
		}
	case []any:
		items, ok := node["items"].(map[string]any)
		if !ok {
			return "", false
		}
		for i, el := range x {
			if p, ok := closedObject(el, items, root, jsonptr.AppendIndex(ptr, i)); ok {
				return p, true
			}
		}
	}
	return "", false
}

func deref(node, root map[string]any) map[string]any {
	for i := 0; i < 16; i++ {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		target, ok := jsonptr.Lookup(root, strings.TrimPrefix(ref, "#"))
		m, isMap := target.(map[string]any)
		if !ok || !isMap {
			return node
		}
		node = m
	}
	return node
}

// closed: an object schema with its own property list and additionalProperties false, and no
// combinator that could change which properties are allowed.
func closed(node map[string]any) bool {
	_, hasProps := node["properties"].(map[string]any)
	for _, k := range []string{"oneOf", "anyOf", "allOf", "patternProperties"} {
		if _, ok := node[k]; ok {
			return false
		}
	}
	return hasProps && node["additionalProperties"] == false
}

// providerDefined reports whether the template admits every top-level property name (the
// custom-resource surface patch).
func providerDefined(sch map[string]any) bool {
	pats, _ := sch["patternProperties"].(map[string]any)
	_, ok := pats["^.+$"]
	return ok
}
