package cfntemplate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/golden"
)

// testOptions are the deployment facts every parse test resolves against.
var testOptions = cfntemplate.Options{
	AccountID:  "111122223333",
	Region:     "eu-west-1",
	StackName:  "demo",
	Parameters: map[string]string{"Env": "prod", "NotInTemplate": "ignored"},
}

// assertGolden compares got with testdata/<test>/<name>.golden, or rewrites it with -update.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", strings.Split(t.Name(), "/")[0], name+".golden"), got)
}

func TestParse(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/parse/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no parse fixtures: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := cfntemplate.Parse(name, data, testOptions)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tmpl); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, strings.TrimSuffix(name, filepath.Ext(name)), b.Bytes())
		})
	}
}

// TestParseNumbers checks that numbers reach the engine as json.Number, as it expects.
func TestParseNumbers(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/parse/template.json")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfntemplate.Parse("template.json", data, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	props := tmpl.Resources[1].Properties.(map[string]any)
	if got, ok := props["Big"].(json.Number); !ok || got != "12345678901" {
		t.Errorf("Big = %#v, want json.Number 12345678901", props["Big"])
	}
}

func TestParseOrderAndLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  string
		want  []string
		lines []int
	}{
		{
			name:  "yaml file order",
			data:  "Resources:\n  Zeta:\n    Type: AWS::S3::Bucket\n  Alpha:\n    Type: AWS::S3::Bucket\n",
			want:  []string{"Zeta", "Alpha"},
			lines: []int{2, 4},
		},
		{
			name:  "json file order",
			data:  "{\"Resources\": {\n\"B\": {\"Type\": \"AWS::S3::Bucket\"},\n\"A\": {\"Type\": \"AWS::S3::Bucket\"}}}",
			want:  []string{"B", "A"},
			lines: []int{2, 3},
		},
		{
			// YAML caps implicit keys at 1024 characters, JSON does not: the JSON is still read,
			// its resources sorted, without lines.
			name:  "json yaml cannot read",
			data:  "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"" + strings.Repeat("k", 1100) + "\": 1}},\n\"A\": {\"Type\": \"AWS::S3::Bucket\"}}}",
			want:  []string{"A", "B"},
			lines: []int{0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := cfntemplate.Parse("t", []byte(tt.data), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var lines []int
			for _, r := range tmpl.Resources {
				ids = append(ids, r.LogicalID)
				lines = append(lines, r.Line)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.lines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		wantErr error
		// wantMsg is a part of the one-line message that names the problem.
		wantMsg string
	}{
		{"yaml-syntax.yaml", cfntemplate.ErrSyntax, "yaml-syntax.yaml: syntax error"},
		{"json-syntax.json", cfntemplate.ErrSyntax, "json-syntax.json: syntax error: line 2: unexpected end of JSON input"},
		{"json-syntax-multiline.json", cfntemplate.ErrSyntax, "syntax error: line 4: invalid character"},
		{"transform-sam.yaml", cfntemplate.ErrUnsupported, "Transform AWS::Serverless-2016-10-31; validate the processed template"},
		{"transform-list.yaml", cfntemplate.ErrUnsupported, "Transform MyMacro"},
		{"transform-object.yaml", cfntemplate.ErrNotTemplate, "Transform is an object"},
		{"key-sequence.yaml", cfntemplate.ErrSyntax, "line 5: a mapping key must be a string"},
		{"no-resources.yaml", cfntemplate.ErrNotTemplate, "no Resources map"},
		{"list-document.yaml", cfntemplate.ErrNotTemplate, "not an object"},
		{"empty.yaml", cfntemplate.ErrNotTemplate, "empty file"},
		{"resources-list.yaml", cfntemplate.ErrNotTemplate, "no Resources map"},
		{"parameters-list.yaml", cfntemplate.ErrNotTemplate, "Parameters is a list"},
		{"properties-string.yaml", cfntemplate.ErrResource, "properties-string.yaml:2: invalid resource: Bucket: Properties is a string, not an object"},
		{"properties-list.yaml", cfntemplate.ErrResource, "Properties is a list"},
		{"properties-if-string.yaml", cfntemplate.ErrResource, "Properties resolves to a string"},
		{"no-type.yaml", cfntemplate.ErrResource, "Bucket: no Type"},
		{"type-number.yaml", cfntemplate.ErrResource, "Bucket: no Type"},
		{"resource-string.yaml", cfntemplate.ErrResource, "resource is a string"},
		{"resource-attribute.yaml", cfntemplate.ErrResource, `unknown resource attribute "Propertys"`},
		{"foreach.yaml", cfntemplate.ErrUnsupported, "foreach.yaml:2: not supported: Fn::ForEach::Buckets: Fn::ForEach needs Transform: AWS::LanguageExtensions"},
		{"ref-undefined.yaml", cfntemplate.ErrIntrinsic, "Ref to undefined Missing"},
		{"ref-pseudo-unknown.yaml", cfntemplate.ErrIntrinsic, "unknown pseudo parameter AWS::Nonsense"},
		{"getatt-undefined.yaml", cfntemplate.ErrIntrinsic, "undefined resource Missing"},
		{"select-short.yaml", cfntemplate.ErrIntrinsic, "Fn::Select takes [index, list]"},
		{"sub-short.yaml", cfntemplate.ErrIntrinsic, "Fn::Sub takes"},
		{"sub-list.yaml", cfntemplate.ErrIntrinsic, "${L} is a list"},
		{"split-short.yaml", cfntemplate.ErrIntrinsic, "Fn::Split takes"},
		{"findinmap-short.yaml", cfntemplate.ErrIntrinsic, "Fn::FindInMap takes"},
		{"condition-cycle.yaml", cfntemplate.ErrIntrinsic, "refers to itself"},
		{"if-undefined.yaml", cfntemplate.ErrIntrinsic, "condition Nope is not defined"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata/bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := cfntemplate.Parse(tt.file, data, testOptions)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse error = %v, want %v", err, tt.wantErr)
			}
			if got != nil {
				t.Errorf("Parse returned a template alongside the error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q lacks %q", msg, tt.wantMsg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			var pe *cfntemplate.Error
			if !errors.As(err, &pe) || pe.File != tt.file {
				t.Errorf("error %#v does not name the file %s", err, tt.file)
			}
		})
	}
	// Every fixture in testdata/bad must have a row, so none is silently untested.
	files, _ := filepath.Glob("testdata/bad/*")
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("testdata/bad/%s has no test row", filepath.Base(f))
		}
	}
}

// TestParseUnknownPseudo checks that pseudo parameters with no value are unknown, never guessed.
func TestParseUnknownPseudo(t *testing.T) {
	t.Parallel()
	data := []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: !Ref AWS::AccountId\n      R: !Sub '${AWS::Region}'\n      P: !Ref AWS::Partition\n")
	tmpl, err := cfntemplate.Parse("t", data, cfntemplate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := tmpl.Resources[0].Unknown
	var paths []string
	for _, u := range got {
		paths = append(paths, u.Path)
	}
	if diff := cmp.Diff([]string{"/A", "/P", "/R"}, paths); diff != "" {
		t.Errorf("unknown paths (-want +got):\n%s", diff)
	}
}

// TestParseCannotForgeMarker checks that a template cannot make a value unknown by spelling out
// the marker format: the prefix is random per parse.
func TestParseCannotForgeMarker(t *testing.T) {
	t.Parallel()
	data := []byte(`{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"A": "\u0000rcfge-0000000000000000:forged"}}}}`)
	tmpl, err := cfntemplate.Parse("t.json", data, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	r := tmpl.Resources[0]
	if len(r.Unknown) != 0 || r.Properties.(map[string]any)["A"] == nil {
		t.Errorf("forged marker accepted: unknown %v, properties %v", r.Unknown, r.Properties)
	}
}

// TestParseConcurrent parses YAML from several goroutines: Parse shares no state between calls
// (goformation's ProcessYAML would: its tag table is a package-level map written on every call).
func TestParseConcurrent(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/parse/unknowns.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := cfntemplate.Parse("unknowns.yaml", data, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := cfntemplate.Parse("unknowns.yaml", data, testOptions)
			if err == nil && !cmp.Equal(want, got) {
				err = errors.New("concurrent parse differs")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestParseRewritesOnlyWhenNeeded checks the plain case takes the fast path: a template whose
// only date is its format version parses to the same result as one with it quoted.
func TestParseRewritesOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	const body = "\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      D: 2024-01-31\n"
	unquoted, err := cfntemplate.Parse("t", []byte("AWSTemplateFormatVersion: 2010-09-09"+body), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	quoted, err := cfntemplate.Parse("t", []byte(`AWSTemplateFormatVersion: "2010-09-09"`+body), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(quoted, unquoted); diff != "" {
		t.Errorf("(-quoted +unquoted):\n%s", diff)
	}
	if got := unquoted.Resources[0].Properties.(map[string]any)["D"]; got != "2024-01-31" {
		t.Errorf("date property = %#v, want the text", got)
	}
}
