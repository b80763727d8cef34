package schemagen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// shippedTypes are the 15 types the project ships templates for (issue 4, item 7).
var shippedTypes = []string{
	"AWS::CloudTrail::Trail", "AWS::DynamoDB::Table", "AWS::EC2::Instance", "AWS::EC2::SecurityGroup",
	"AWS::ECR::Repository", "AWS::ECS::TaskDefinition", "AWS::IAM::Role", "AWS::KMS::Key",
	"AWS::Lambda::Function", "AWS::Logs::LogGroup", "AWS::RDS::DBInstance", "AWS::S3::Bucket",
	"AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::SecretsManager::Secret",
}

func schemasDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "schemas")
}

// sampleVars fills the built-in placeholders the way a deployment in a commercial Region would.
var sampleVars = placeholder.Vars{
	"accountID":         placeholder.String("123456789012"),
	"region":            placeholder.String("us-east-1"),
	"partition":         placeholder.String("aws"),
	"stackName":         placeholder.String("app"),
	"stackId":           placeholder.String("arn:aws:cloudformation:us-east-1:123456789012:stack/app/1"),
	"logicalResourceId": placeholder.String("Res"),
	"resourceType":      placeholder.String("AWS::Test::Type"),
}

func compileShipped(t *testing.T, typeName string) *schema.Schema {
	t.Helper()
	name, err := store.FileName(typeName)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(schemasDir(t), name))
	if err != nil {
		t.Fatalf("shipped template: %v", err)
	}
	doc, err := schema.Decode(body)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	filled, err := placeholder.Fill(doc, sampleVars)
	if err != nil {
		t.Fatalf("%s: fill: %v", name, err)
	}
	s, err := schema.Compile(name, filled)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestShippedTemplates: each of the 15 shipped templates has an overlay, was generated with it,
// compiles once its placeholders are filled, and closes every object that declares properties.
func TestShippedTemplates(t *testing.T) {
	dir := schemasDir(t)
	for _, typeName := range shippedTypes {
		t.Run(typeName, func(t *testing.T) {
			t.Parallel()
			name, _ := store.FileName(typeName)
			overlay, err := os.ReadFile(filepath.Join(dir, "overlays", name))
			if err != nil {
				t.Fatalf("overlay: %v", err)
			}
			compileShipped(t, typeName)
			var doc map[string]any
			body, _ := os.ReadFile(filepath.Join(dir, name))
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			x, _ := doc[schemagen.Extension].(map[string]any)
			ov, _ := x["overlay"].(map[string]any)
			if got, want := ov["digest"], schemagen.Digest(overlay); got != want {
				t.Errorf("x-rcfge.overlay.digest = %v, want %s (regenerate)", got, want)
			}
			// A KMS key's only account-bound input is its key policy, a free-form document.
			if typeName != "AWS::KMS::Key" && !bytes.Contains(overlay, []byte("$<accountID>")) {
				t.Errorf("overlay has no $<accountID>: it should pin something to the deploying account")
			}
			for _, p := range unclosed(doc) {
				t.Errorf("object at %s declares properties but is open", p)
			}
		})
	}
}

// unclosed lists schema nodes that declare properties without additionalProperties: false,
// ignoring combinator branches under a parent that holds the gate.
func unclosed(doc map[string]any) []string {
	var out []string
	var walk func(v any, ptr string, parentGate bool)
	walk = func(v any, ptr string, parentGate bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		_, hasProps := m["properties"]
		if hasProps && !parentGate && m["additionalProperties"] != false {
			out = append(out, ptr)
		}
		for _, key := range []string{"properties", "definitions", "patternProperties"} {
			children, _ := m[key].(map[string]any)
			for k, c := range children {
				walk(c, ptr+"/"+key+"/"+k, false)
			}
		}
		for _, key := range []string{"items", "additionalProperties", "not"} {
			walk(m[key], ptr+"/"+key, false)
		}
		for _, key := range []string{"allOf", "anyOf", "oneOf"} {
			branches, _ := m[key].([]any)
			for _, b := range branches {
				walk(b, ptr+"/"+key, hasProps)
			}
		}
	}
	walk(doc, "", false)
	return out
}

// TestShippedTemplatesReproducible regenerates the shipped set from the real provider schemas and
// the overlays, exactly as `rcfge schemas generate ... --overlays schemas/overlays --out schemas/`
// does, and requires the same bytes.
func TestShippedTemplatesReproducible(t *testing.T) {
	src := schemagen.NewFSSource(os.DirFS(dataDir(t, "cfn-schemas/us-east-1")))
	dir := schemasDir(t)
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{
		Source:   src,
		Types:    shippedTypes,
		Overlays: os.DirFS(filepath.Join(dir, "overlays")),
		Previous: os.DirFS(dir),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpls) != len(shippedTypes) {
		t.Fatalf("generated %d templates, want %d", len(tpls), len(shippedTypes))
	}
	for _, tpl := range tpls {
		name, _ := store.FileName(tpl.TypeName)
		got, err := fs.ReadFile(os.DirFS(dir), name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tpl.Body) {
			t.Errorf("schemas/%s differs from a fresh generation: run `make schemas`", name)
		}
		if tpl.Annotation.Source.Snapshot != "2026-08-03" {
			t.Errorf("%s: snapshot %s, want the data snapshot 2026-08-03", name, tpl.Annotation.Source.Snapshot)
		}
	}
}
