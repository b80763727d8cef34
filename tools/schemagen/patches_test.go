package schemagen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// nameGates returns every place a template decides property names: each declared name, each
// patternProperties key and each additionalProperties value, by schema location.
func nameGates(v any, ptr string, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			p := jsonptr.Append(ptr, k)
			switch k {
			case "properties", "patternProperties":
				if m, ok := c.(map[string]any); ok {
					for name := range m {
						out[jsonptr.Append(p, name)] = "declared"
					}
				}
			case "additionalProperties", "propertyNames":
				b, _ := json.Marshal(c)
				out[p] = string(b)
			case "x-rcfge", "enum", "const", "default", "examples":
				continue
			}
			nameGates(c, p, out)
		}
	case []any:
		for i, c := range t {
			nameGates(c, jsonptr.AppendIndex(ptr, i), out)
		}
	}
}

// TestSurfacePatchesKeepPropertyNames: every patch applies to the real provider schema it names,
// removes only its constraint, and leaves the approved property names exactly as they were.
func TestSurfacePatchesKeepPropertyNames(t *testing.T) {
	src := schemagen.NewFSSource(os.DirFS(dataDir(t, "cfn-schemas/us-east-1")))
	for _, p := range schemagen.SurfacePatches {
		t.Run(p.TypeName+p.At, func(t *testing.T) {
			if p.Why == "" || p.Evidence == "" {
				t.Errorf("patch %s %s names no reason or evidence", p.TypeName, p.At)
			}
			prov, err := src.Get(context.Background(), p.TypeName)
			if err != nil {
				t.Fatal(err)
			}
			with, err := schemagen.Generate(prov, schemagen.Options{Snapshot: "2026-08-03"})
			if err != nil {
				t.Fatal(err)
			}
			without, err := schemagen.Generate(prov, schemagen.Options{Snapshot: "2026-08-03", SkipSurfacePatches: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(with.Annotation.Patches) == 0 {
				t.Fatalf("the patch no longer applies: AWS may have fixed the schema; remove it from SurfacePatches and docs/templates.md")
			}
			if len(without.Annotation.Patches) != 0 {
				t.Errorf("SkipSurfacePatches still applied %v", without.Annotation.Patches)
			}
			docWith, _ := schema.Decode(with.Body)
			docWithout, _ := schema.Decode(without.Body)
			gw, gwo := map[string]string{}, map[string]string{}
			nameGates(docWith, "", gw)
			nameGates(docWithout, "", gwo)
			if p.ProviderDefined {
				// AWS's own names keep their gates; the one key added admits provider-defined names.
				delete(gw, jsonptr.Append(jsonptr.Append(p.At, "patternProperties"), "^.+$"))
			}
			if diff := cmp.Diff(gwo, gw); diff != "" {
				t.Errorf("the patch changed which property names are approved (-without +with):\n%s", diff)
			}
			node, ok := jsonptr.Lookup(docWith, p.At)
			if !ok {
				t.Fatalf("%s is gone from the generated template", p.At)
			}
			m, _ := node.(map[string]any)
			req, _ := m["required"].([]any)
			for _, name := range p.Unrequire {
				for _, r := range req {
					if r == name {
						t.Errorf("%s still requires %s", p.At, name)
					}
				}
			}
			for _, kw := range p.Drop {
				if _, has := m[kw]; has {
					t.Errorf("%s still has %s", p.At, kw)
				}
			}
		})
	}
}

// TestStackPatchInTheEngine: a nested stack as templates write it is approved; an unapproved
// property is still refused.
func TestStackPatchInTheEngine(t *testing.T) {
	src := schemagen.NewFSSource(os.DirFS(dataDir(t, "cfn-schemas/us-east-1")))
	prov, err := src.Get(context.Background(), "AWS::CloudFormation::Stack")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := schemagen.Generate(prov, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := schema.Decode(tpl.Body)
	s, err := schema.Compile("stack", doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		props    string
		approved bool
	}{
		{`{"TemplateURL": "https://s3.amazonaws.com/b/child.yaml", "Parameters": {"A": "1"}}`, true},
		{`{"TemplateURL": "https://s3.amazonaws.com/b/child.yaml", "StackName": "named"}`, true},
		{`{"TemplateURL": "https://s3.amazonaws.com/b/child.yaml", "NewFeature": true}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.props, func(t *testing.T) {
			inst, err := schema.Decode([]byte(tt.props))
			if err != nil {
				t.Fatal(err)
			}
			vs, err := s.Validate(context.Background(), inst, schema.Options{TypeName: "AWS::CloudFormation::Stack"})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(vs) == 0; got != tt.approved {
				t.Errorf("approved = %v, want %v (%s)", got, tt.approved, fmt.Sprint(vs))
			}
		})
	}
}

// TestProviderDefinedOnlyOnCustomResources: the one patch that admits names is confined to custom
// resources, and in the engine it admits the provider's properties while ServiceToken keeps its
// type rule.
func TestProviderDefinedOnlyOnCustomResources(t *testing.T) {
	for _, p := range schemagen.SurfacePatches {
		if p.ProviderDefined && p.TypeName != "AWS::CloudFormation::CustomResource" {
			t.Errorf("%s: provider-defined properties are only for custom resources", p.TypeName)
		}
	}
	src := schemagen.NewFSSource(os.DirFS(dataDir(t, "cfn-schemas/us-east-1")))
	prov, err := src.Get(context.Background(), "AWS::CloudFormation::CustomResource")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := schemagen.Generate(prov, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := schema.Decode(tpl.Body)
	s, err := schema.Compile("custom", doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		props    string
		approved bool
	}{
		{`{"ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:copy", "SourceBucket": "b", "Objects": ["a.zip"]}`, true},
		{`{"ServiceToken": {"not": "a string"}, "SourceBucket": "b"}`, false},
		{`{"SourceBucket": "b"}`, false},
	}
	for _, tt := range tests {
		inst, _ := schema.Decode([]byte(tt.props))
		vs, err := s.Validate(context.Background(), inst, schema.Options{TypeName: "AWS::CloudFormation::CustomResource"})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(vs) == 0; got != tt.approved {
			t.Errorf("%s: approved = %v, want %v (%v)", tt.props, got, tt.approved, vs)
		}
	}
}
