package lint_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/lint"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schemagen"
)

var errUnreadable = errors.New("unreadable")

// failingSource lists nothing and fails every read.
type failingSource struct{}

func (failingSource) Types(context.Context) ([]string, error) { return nil, errUnreadable }

func (failingSource) Get(context.Context, string) (schemagen.Provider, error) {
	return schemagen.Provider{}, errUnreadable
}

// f is a finding without its message: what a test pins.
func f(file string, rule lint.Rule, sev lint.Severity, path string) lint.Finding {
	return lint.Finding{File: file, Rule: rule, Severity: sev, Path: path}
}

const (
	E = lint.Error
	W = lint.Warning
	I = lint.Info
)

func TestLint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dir  string
		fsys fstest.MapFS
		opts lint.Options
		want []lint.Finding
	}{
		{
			name: "good template and overlay",
			dir:  "testdata/good",
			want: []lint.Finding{f("AWS-Demo-Thing.json", lint.RuleFreeForm, I, "/properties/Policy")},
		},
		{
			name: "every kind of problem",
			dir:  "testdata/bad",
			want: []lint.Finding{
				f("AWS-Demo-Annotated.json", lint.RuleAnnotation, E, "/x-rcfge"),
				f("AWS-Demo-Array.json", lint.RuleJSON, E, ""),
				f("AWS-Demo-Compile.json", lint.RuleMetaSchema, E, "/properties/Key/type"),
				f("AWS-Demo-Json.json", lint.RuleJSON, E, ""),
				f("AWS-Demo-Mismatch.json", lint.RuleFileName, E, ""),
				f("AWS-Demo-Open.json", lint.RuleOpenObject, E, ""),
				f("AWS-Demo-Open.json", lint.RuleOpenObject, E, "/definitions/Hole"),
				f("AWS-Demo-Open.json", lint.RuleOpenObject, E, "/properties/Open"),
				f("AWS-Demo-Open.json", lint.RuleOpenObject, E, "/properties/Schema"),
				f("AWS-Demo-Open.json", lint.RuleFreeForm, I, "/properties/Anything"),
				f("AWS-Demo-Pattern.json", lint.RulePattern, E, "/properties/Map/patternProperties/^[a-z]{1,2000}$"),
				f("AWS-Demo-Pattern.json", lint.RulePattern, E, "/properties/Name/pattern"),
				f("AWS-Demo-Syntax.json", lint.RulePlaceholder, E, "/properties/Key/pattern"),
				f("AWS-Demo-Syntax.json", lint.RuleOpenObject, E, "/properties/Open"),
				f("AWS-Demo-Unknown.json", lint.RuleUnknownPlaceholder, E, "/properties/Key/pattern"),
				f("AWS-Demo-Vars.json", lint.RulePlaceholder, E, "/properties/Arn/description"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/bad name"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/listMixed"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/listStr"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/notObject"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/region"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/strList"),
				f("AWS-Demo-Vars.json", lint.RuleAnnotation, E, "/x-rcfge/variables/weird"),
				f("AWS-Demo-VarsList.json", lint.RuleAnnotation, E, "/x-rcfge/variables/1"),
				f("AWS-Demo-VarsShape.json", lint.RuleAnnotation, E, "/x-rcfge/variables"),
				f("demo.json", lint.RuleFileName, E, ""),
				f("overlays/AWS-Demo-Nope.json", lint.RuleOverlay, E, ""),
				f("overlays/AWS-Demo-Open.json", lint.RuleOverlay, E, "/0/op"),
				f("overlays/AWS-Demo-Open.json", lint.RuleOverlay, E, "/1/path"),
				f("overlays/AWS-Demo-Open.json", lint.RuleOverlay, E, "/2"),
				f("overlays/AWS-Demo-Open.json", lint.RuleOverlay, E, "/3"),
				f("overlays/AWS-Demo-Open.json", lint.RulePattern, E, "/4/value"),
				f("overlays/AWS-Demo-Open.json", lint.RulePattern, E, "/5/value/pattern"),
				f("overlays/AWS-Demo-Open.json", lint.RulePlaceholder, E, "/7/value"),
				f("overlays/AWS-Demo-Pattern.json", lint.RuleOverlay, E, ""),
			},
		},
		{
			name: "typos against the provider schema",
			dir:  "testdata/typo",
			opts: lint.Options{Source: schemagen.NewFSSource(os.DirFS("testdata/source"))},
			want: []lint.Finding{
				f("AWS-Demo-Missing.json", lint.RuleUnknownType, E, ""),
				f("AWS-Demo-Thing.json", lint.RuleUnknownEnumValue, E, "/definitions/Settings/properties/Level/enum"),
				f("AWS-Demo-Thing.json", lint.RuleUnknownProperty, E, "/definitions/Settings/properties/Levle"),
				f("AWS-Demo-Thing.json", lint.RuleUnknownProperty, E, "/properties/Encrypton"),
			},
		},
		{
			name: "provider schema of another type under the file name",
			fsys: fstest.MapFS{"AWS-Demo-Thing.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {}}`)}},
			opts: lint.Options{Source: schemagen.NewFSSource(fstest.MapFS{"aws-demo-thing.json": {Data: []byte(`{"typeName": "AWS::Demo::Other"}`)}})},
			want: []lint.Finding{f("AWS-Demo-Thing.json", lint.RuleUnknownType, E, "")},
		},
		{
			name: "JSON values that are not objects",
			fsys: fstest.MapFS{
				"AWS-Demo-A.json": {Data: []byte(`"x"`)},
				"AWS-Demo-B.json": {Data: []byte(`null`)},
				"AWS-Demo-C.json": {Data: []byte(`true`)},
				"AWS-Demo-D.json": {Data: []byte(`5`)},
			},
			want: []lint.Finding{
				f("AWS-Demo-A.json", lint.RuleJSON, E, ""),
				f("AWS-Demo-B.json", lint.RuleJSON, E, ""),
				f("AWS-Demo-C.json", lint.RuleJSON, E, ""),
				f("AWS-Demo-D.json", lint.RuleJSON, E, ""),
			},
		},
		{
			name: "odd additionalProperties and pointer escapes",
			fsys: fstest.MapFS{
				"AWS-Demo-A.json":          {Data: []byte(`{"type": "object", "additionalProperties": "no", "properties": {"a~b": {"type": "string"}}}`)},
				"overlays/AWS-Demo-A.json": {Data: []byte(`[{"op": "remove", "path": "/properties/a~2b"}, {"op": "remove", "path": "/properties/a~"}, {"op": "remove", "path": "/properties/a~0b"}, {"op": "replace", "path": "", "value": {"type": "object"}}]`)},
			},
			want: []lint.Finding{
				f("AWS-Demo-A.json", lint.RuleOpenObject, E, ""),
				f("AWS-Demo-A.json", lint.RuleMetaSchema, E, "/additionalProperties"),
				f("overlays/AWS-Demo-A.json", lint.RuleOverlay, E, "/0/path"),
				f("overlays/AWS-Demo-A.json", lint.RuleOverlay, E, "/1/path"),
			},
		},
		{
			// Lint runs the meta-schema itself (jsonschema/v5), whatever the engine's compiler checks.
			name: "meta-schema: every place that breaks it",
			fsys: fstest.MapFS{"AWS-Demo-Meta.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "required": "Name",
				"properties": {"Name": {"type": "string", "minLength": "1"}, "Size": {"type": "integr"}, "Tags": {"type": "array", "uniqueItems": "yes"}}}`)}},
			want: []lint.Finding{
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/properties/Name/minLength"),
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/properties/Size/type"),
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/properties/Tags/uniqueItems"),
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/required"),
			},
		},
		{
			name: "meta-schema of the draft the template names",
			fsys: fstest.MapFS{"AWS-Demo-Meta.json": {Data: []byte(`{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "additionalProperties": false,
				"properties": {"N": {"type": "number", "exclusiveMinimum": 5}}}`)}},
			want: []lint.Finding{
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/properties/N"),
				f("AWS-Demo-Meta.json", lint.RuleMetaSchema, E, "/properties/N/exclusiveMinimum"),
			},
		},
		{
			name: "a compile error the meta-schema allows",
			fsys: fstest.MapFS{"AWS-Demo-Ref.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {"A": {"$ref": "#/definitions/Nope"}}}`)}},
			want: []lint.Finding{f("AWS-Demo-Ref.json", lint.RuleCompile, E, "")},
		},
		{
			// The parent holds the gate; its branches only constrain its properties (the
			// generator's output for AWS::BillingConductor::BillingGroup).
			name: "branches of a closed object that constrain its properties",
			fsys: fstest.MapFS{"AWS-Demo-Group.json": {Data: []byte(`{"type": "object", "additionalProperties": false,
				"properties": {"Grouping": {"type": "object", "additionalProperties": false, "properties": {"Ids": {"type": "array"}, "Arn": {"type": "string"}}}, "Primary": {"type": "string"}},
				"anyOf": [
					{"required": ["Primary"], "properties": {"Grouping": {"required": ["Ids"]}}},
					{"required": ["Grouping"], "properties": {"Grouping": {"required": ["Arn"]}}, "allOf": [{"properties": {"Primary": {"maxLength": 3}}}]}
				],
				"if": {"properties": {"Primary": {"const": "x"}}}, "then": {"properties": {"Grouping": {"required": ["Arn"]}}}}`)}},
		},
		{
			name: "branches of an open object are holes",
			fsys: fstest.MapFS{"AWS-Demo-Group.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {
				"Target": {"type": "object", "oneOf": [{"properties": {"Bucket": {"type": "string"}}}, {"properties": {"Queue": {"type": "string"}}, "additionalProperties": false}]}}}`)}},
			want: []lint.Finding{f("AWS-Demo-Group.json", lint.RuleOpenObject, E, "/properties/Target/oneOf/0")},
		},
		{
			name: "own-constraint markers are lists of the subschema's keywords",
			fsys: fstest.MapFS{"AWS-Demo-Own.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "x-rcfge-own": ["required"], "required": ["A"],
				"properties": {"A": {"type": "string", "enum": ["x"], "x-rcfge-own": ["enum", "pattern", 5]}, "B": {"type": "string", "x-rcfge-own": "enum"}}}`)}},
			want: []lint.Finding{
				f("AWS-Demo-Own.json", lint.RuleAnnotation, E, "/properties/A/x-rcfge-own/1"),
				f("AWS-Demo-Own.json", lint.RuleAnnotation, E, "/properties/A/x-rcfge-own/2"),
				f("AWS-Demo-Own.json", lint.RuleAnnotation, E, "/properties/B/x-rcfge-own"),
			},
		},
		{
			name: "placeholders that do not mean what they read as",
			fsys: fstest.MapFS{"AWS-Demo-Keys.json": {Data: []byte(`{"type": "object", "additionalProperties": false,
				"x-rcfge": {"variables": {"keys": {"type": "list", "example": ["k1", "k2"]}, "name": {"type": "string"}}},
				"properties": {
					"Whole": {"type": "string", "pattern": "$<keys>"},
					"Anchored": {"type": "string", "pattern": "^arn:aws:kms:.*:key/$<keys>$"},
					"Grouped": {"type": "string", "pattern": "^(?:x|$<keys>)$"},
					"Open": {"type": "string", "pattern": "arn:aws:kms:.*:key/$<keys>"},
					"HalfOpen": {"type": "string", "pattern": "^k-$<keys>"},
					"EscapedEnd": {"type": "string", "pattern": "^$<keys>\\$"},
					"Alternation": {"type": "string", "pattern": "^x$|^$<keys>$"},
					"StringVar": {"type": "string", "pattern": "$<name>"},
					"Swallowed": {"type": "string", "pattern": "^price\\$$<accountID>$"},
					"Literal": {"type": "string", "description": "write $$<notAPlaceholder> and $$<x"},
					"Map": {"type": "object", "additionalProperties": false, "patternProperties": {"$<keys>-.*": {"type": "string"}}}
				}}`)}},
			want: []lint.Finding{
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/Alternation/pattern"),
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/EscapedEnd/pattern"),
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/HalfOpen/pattern"),
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/Map/patternProperties/$<keys>-.*"),
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/Open/pattern"),
				f("AWS-Demo-Keys.json", lint.RulePlaceholderMeaning, W, "/properties/Swallowed/pattern"),
			},
		},
		{
			name: "variables declared on the command line",
			fsys: fstest.MapFS{"AWS-Demo-Key.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {"K": {"type": "string", "pattern": "^$<kmsKeyArn>$"}}}`)}},
			opts: lint.Options{Vars: []string{"kmsKeyArn"}},
		},
		{
			name: "top-level typeName disagrees with x-rcfge",
			fsys: fstest.MapFS{"AWS-Demo-Key.json": {Data: []byte(`{"typeName": "AWS::Demo::Lock", "x-rcfge": {"typeName": "AWS::Demo::Key"}, "type": "object", "additionalProperties": false, "properties": {}}`)}},
			want: []lint.Finding{f("AWS-Demo-Key.json", lint.RuleAnnotation, E, "/typeName")},
		},
		{
			name: "type name the store refuses",
			fsys: fstest.MapFS{"AWS-Demo-Key.json": {Data: []byte(`{"typeName": "../etc", "type": "object", "additionalProperties": false, "properties": {}}`)}},
			want: []lint.Finding{f("AWS-Demo-Key.json", lint.RuleFileName, E, "")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fsys fs.FS = tt.fsys
			if tt.dir != "" {
				fsys = os.DirFS(tt.dir)
			}
			got, err := lint.Lint(context.Background(), fsys, tt.opts)
			if err != nil {
				t.Fatalf("Lint() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Findings, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(lint.Finding{}, "Message", "Line")); diff != "" {
				t.Errorf("Lint() findings mismatch (-want +got):\n%s", diff)
			}
			wantErrors := 0
			for _, w := range tt.want {
				if w.Severity == lint.Error {
					wantErrors++
				}
			}
			if got.HasFindings() != (wantErrors > 0) || got.Errors() != wantErrors {
				t.Errorf("Errors() = %d, HasFindings() = %v; want %d errors", got.Errors(), got.HasFindings(), wantErrors)
			}
			for _, g := range got.Findings {
				if g.Message == "" {
					t.Errorf("finding %+v has no message", g)
				}
			}
		})
	}
}

func TestLintErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	good := os.DirFS("testdata/good")
	tests := []struct {
		name    string
		ctx     context.Context
		fsys    fs.FS
		opts    lint.Options
		wantErr error
	}{
		{name: "no templates", ctx: context.Background(), fsys: fstest.MapFS{"README.md": {}}, wantErr: lint.ErrNoTemplates},
		{name: "not a folder", ctx: context.Background(), fsys: os.DirFS("testdata/nope"), wantErr: fs.ErrNotExist},
		{name: "provider schema unreadable", ctx: context.Background(), fsys: good, opts: lint.Options{Source: failingSource{}}, wantErr: errUnreadable},
		{name: "provider schema not JSON", ctx: context.Background(), fsys: good, opts: lint.Options{Source: schemagen.NewFSSource(fstest.MapFS{"aws-demo-thing.json": {Data: []byte(`{`)}})}},
		{name: "cancelled", ctx: cancelled, fsys: good, wantErr: context.Canceled},
		{name: "overlays not a folder", ctx: context.Background(), fsys: fstest.MapFS{
			"AWS-Demo-Key.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {}}`)},
			"overlays":          {Data: []byte("a file")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := lint.Lint(tt.ctx, tt.fsys, tt.opts)
			if err == nil {
				t.Fatal("Lint() error = nil, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Lint() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	rep, err := lint.Lint(context.Background(), os.DirFS("testdata/bad"), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range rep.Findings {
		got[f.File+"#"+f.Path] = f.Line
	}
	want := map[string]int{
		"AWS-Demo-Open.json#/definitions/Hole":                                    11, // its line in the file
		"AWS-Demo-Open.json#/properties/Open":                                     4,
		"AWS-Demo-Open.json#":                                                     1,
		"AWS-Demo-Pattern.json#/properties/Name/pattern":                          5,
		"overlays/AWS-Demo-Open.json#/5/value/pattern":                            7,
		"AWS-Demo-Vars.json#/x-rcfge/variables/bad name":                          2,
		"AWS-Demo-Json.json#":                                                     1,
		"AWS-Demo-Annotated.json#/x-rcfge":                                        1,
		"overlays/AWS-Demo-Pattern.json#":                                         1,
		"AWS-Demo-Unknown.json#/properties/Key/pattern":                           1,
		"overlays/AWS-Demo-Open.json#/3":                                          5,
		"AWS-Demo-Pattern.json#/properties/Map/patternProperties/^[a-z]{1,2000}$": 6,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("line of %s = %d, want %d", k, got[k], w)
		}
	}
}

func TestReportRender(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"good", "bad"} {
		rep, err := lint.Lint(context.Background(), os.DirFS(filepath.Join("testdata", dir)), lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep.Dir = "schemas"
		for _, format := range []render.Format{render.Text, render.JSON, render.SARIF} {
			var buf bytes.Buffer
			if err := render.Write(&buf, format, rep); err != nil {
				t.Fatalf("render.Write(%s) error = %v", format, err)
			}
			golden.Assert(t, filepath.Join("testdata", "TestReportRender", dir+"."+string(format)+".golden"), buf.Bytes())
		}
	}
}
