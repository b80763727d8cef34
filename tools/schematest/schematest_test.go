package schematest_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schematest"
)

// outcomes maps "suite//case" (or the suite file alone for an invalid suite) to its outcome.
func outcomes(rep schematest.Report) map[string]schematest.Outcome {
	out := map[string]schematest.Outcome{}
	for _, s := range rep.Suites {
		if s.Error != "" {
			out[s.File] = schematest.Error
		}
		for _, c := range s.Cases {
			out[s.File+"//"+c.Name] = c.Outcome
		}
	}
	return out
}

func TestRun(t *testing.T) {
	t.Parallel()
	const (
		P = schematest.Pass
		F = schematest.Fail
		E = schematest.Error
		S = schematest.Skip
	)
	tests := []struct {
		name string
		dir  string
		opts schematest.Options
		want map[string]schematest.Outcome
		// counts: passed, failed, errored, skipped
		counts [4]int
	}{
		{
			name: "passing suite",
			dir:  "testdata/ok",
			want: map[string]schematest.Outcome{
				"tests/AWS-Demo-Bucket.yaml//encrypted with a key of the account":             P,
				"tests/AWS-Demo-Bucket.yaml//key of another account":                          P,
				"tests/AWS-Demo-Bucket.yaml//other region by case context":                    P,
				"tests/AWS-Demo-Bucket.yaml//unapproved property and public bucket":           P,
				"tests/AWS-Demo-Bucket.yaml//key unknown before deployment":                   P,
				"tests/AWS-Demo-Bucket.yaml//from a CloudFormation template":                  P,
				"tests/AWS-Demo-Bucket.yaml//from a CloudFormation template with a parameter": P,
				"tests/AWS-Demo-Bucket.yaml//not ready yet":                                   S,
			},
			counts: [4]int{7, 0, 0, 1},
		},
		{
			name: "filtered by --run",
			dir:  "testdata/ok",
			opts: schematest.Options{Run: regexp.MustCompile(`CloudFormation`)},
			want: map[string]schematest.Outcome{
				"tests/AWS-Demo-Bucket.yaml//from a CloudFormation template":                  P,
				"tests/AWS-Demo-Bucket.yaml//from a CloudFormation template with a parameter": P,
			},
			counts: [4]int{2, 0, 0, 0},
		},
		{
			name: "failures and errors counted apart",
			dir:  "testdata/broken",
			want: map[string]schematest.Outcome{
				"tests/cases.yaml//missing template file":                E,
				"tests/cases.yaml//not a CloudFormation template":        E,
				"tests/cases.yaml//no resource of the type":              E,
				"tests/cases.yaml//named resource absent":                E,
				"tests/cases.yaml//named resource of another type":       E,
				"tests/cases.yaml//ambiguous resource":                   E,
				"tests/cases.yaml//properties not JSON":                  E,
				"tests/cases.yaml//previous properties not JSON":         E,
				"tests/cases.yaml//intrinsic in properties":              E,
				"tests/cases.yaml//number JSON cannot hold":              E,
				"tests/errors.yaml//type without a template is refused":  P,
				"tests/errors.yaml//type without a template, unexpected": E,
				"tests/errors.yaml//wants another error kind":            F,
				"tests/failing.yaml//wrongly expects approval":           F,
				"tests/failing.yaml//wrong path":                         F,
				"tests/failing.yaml//wrong keyword":                      F,
				"tests/failing.yaml//wrong message":                      F,
				"tests/failing.yaml//wrong unverified":                   F,
				"tests/failing.yaml//wants an error that does not come":  F,
				"tests/syntax.yaml":                                      E,
			},
			counts: [4]int{1, 7, 12, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := schematest.Run(context.Background(), os.DirFS(tt.dir), tt.opts)
			if err != nil {
				t.Fatalf("Run() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, outcomes(rep)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			got := [4]int{rep.Passed, rep.Failed, rep.Errored, rep.Skipped}
			if got != tt.counts {
				t.Errorf("counts (passed, failed, errored, skipped) = %v, want %v", got, tt.counts)
			}
			if tt.dir == "testdata/ok" && !cmp.Equal(rep.Untested, []string{"AWS-Demo-Untested.json"}) {
				t.Errorf("Untested = %v, want the template without a suite", rep.Untested)
			}
			if rep.HasFindings() != (tt.counts[1]+tt.counts[2] > 0) {
				t.Errorf("HasFindings() = %v", rep.HasFindings())
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		dir     string
		fsys    fstest.MapFS
		wantErr error
	}{
		{name: "no suites", ctx: context.Background(), fsys: fstest.MapFS{"AWS-Demo-Bucket.json": {Data: []byte(`{}`)}, "tests/stack.yaml": {Data: []byte("Resources: {}")}}, wantErr: schematest.ErrNoSuites},
		{name: "cancelled", ctx: cancelled, dir: "testdata/ok", wantErr: context.Canceled},
		{name: "missing folder", ctx: context.Background(), dir: "testdata/nope", wantErr: os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fsys fs.FS = tt.fsys
			if tt.dir != "" {
				fsys = os.DirFS(tt.dir)
			}
			_, err := schematest.Run(tt.ctx, fsys, schematest.Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Run() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestParseSuite(t *testing.T) {
	t.Parallel()
	const head = "typeName: AWS::Demo::Bucket\ncases:\n"
	tests := []struct {
		name    string
		yaml    string
		wantErr string // "" means valid
	}{
		{name: "minimal", yaml: head + "  - {name: a, properties: {}, expect: approved}\n"},
		{name: "violations form", yaml: head + "  - {name: a, properties: {}, expect: {violations: [{path: /A, keyword: enum, message: x}]}}\n"},
		{name: "error form", yaml: head + "  - {name: a, expect: {error: missing-template}}\n"},
		{name: "list and string vars", yaml: "typeName: T::T::T\nvars: {a: x, b: [y, z]}\ncases:\n  - {name: a, expect: approved}\n"},
		{name: "empty", yaml: "", wantErr: "empty file"},
		{name: "not YAML", yaml: "cases: [", wantErr: "invalid suite"},
		{name: "no type", yaml: "cases:\n  - {name: a, expect: approved}\n", wantErr: "no typeName"},
		{name: "no cases", yaml: "typeName: T::T::T\n", wantErr: "no cases"},
		{name: "misspelt key", yaml: head + "  - {name: a, propertise: {}, expect: approved}\n", wantErr: "line 3: unknown key propertise"},
		{name: "misspelt expect key", yaml: head + "  - {name: a, expect: {violation: [{path: /A}]}}\n", wantErr: "unknown key violation"},
		{name: "list where a string goes", yaml: head + "  - {name: [a], expect: approved}\n", wantErr: "line 3: a list is not valid here: want a string"},
		{name: "expect word", yaml: head + "  - {name: a, expect: denied}\n", wantErr: "expect is `approved`"},
		{name: "no expectation", yaml: head + "  - {name: a, properties: {}}\n", wantErr: "exactly one"},
		{name: "two expectations", yaml: head + "  - {name: a, expect: {approved: true, error: request}}\n", wantErr: "exactly one"},
		{name: "unknown error kind", yaml: head + "  - {name: a, expect: {error: boom}}\n", wantErr: "boom"},
		{name: "relative violation path", yaml: head + "  - {name: a, expect: {violations: [{path: A}]}}\n", wantErr: "JSON Pointer"},
		{name: "unnamed case", yaml: head + "  - {expect: approved}\n", wantErr: "case 1 has no name"},
		{name: "duplicate names", yaml: head + "  - {name: a, expect: approved}\n  - {name: a, expect: approved}\n", wantErr: "two cases"},
		{name: "properties and template", yaml: head + "  - {name: a, properties: {}, template: t.yaml, expect: approved}\n", wantErr: "exclusive"},
		{name: "resource without template", yaml: head + "  - {name: a, resource: R, expect: approved}\n", wantErr: "no template"},
		{name: "bad operation", yaml: head + "  - {name: a, operation: PATCH, expect: approved}\n", wantErr: "PATCH"},
		{name: "var not a string", yaml: "typeName: T::T::T\nvars: {a: {b: c}}\ncases:\n  - {name: a, expect: approved}\n", wantErr: "string or a list"},
		{name: "list var of maps", yaml: "typeName: T::T::T\nvars: {a: [{b: c}]}\ncases:\n  - {name: a, expect: approved}\n", wantErr: "list variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := schematest.ParseSuite([]byte(tt.yaml))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseSuite() error = %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, schematest.ErrSuite) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSuite() error = %v, want ErrSuite containing %q", err, tt.wantErr)
			}
			// The author wrote YAML: a Go type name tells them nothing.
			if err != nil && (strings.Contains(err.Error(), "schematest.") || strings.Contains(err.Error(), " in type ")) {
				t.Errorf("ParseSuite() error %q names a Go type", err)
			}
		})
	}
}

func TestReportRender(t *testing.T) {
	t.Parallel()
	rep, err := schematest.Run(context.Background(), os.DirFS("testdata/broken"), schematest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Durations differ from run to run; the goldens hold zero.
	for i := range rep.Suites {
		for j := range rep.Suites[i].Cases {
			rep.Suites[i].Cases[j].Duration = 0
		}
	}
	for _, format := range []render.Format{render.Text, render.JSON, render.JUnit} {
		var buf bytes.Buffer
		if err := render.Write(&buf, format, rep); err != nil {
			t.Fatalf("render.Write(%s) error = %v", format, err)
		}
		golden.Assert(t, filepath.Join("testdata", "TestReportRender", string(format)+".golden"), buf.Bytes())
	}
	rep.Verbose = true
	var buf bytes.Buffer
	if err := render.Write(&buf, render.Text, rep); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "TestReportRender", "verbose.golden"), buf.Bytes())
}

// TestRunScalars checks that YAML scalars reach the engine as written: each case is approved only
// if its value arrives with the type and value the template's const wants.
func TestRunScalars(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"AWS-Demo-Values.json": {Data: []byte(`{"type": "object", "additionalProperties": false, "properties": {
			"Int": {"type": "integer", "const": 31},
			"Float": {"type": "number", "const": 1000},
			"Bool": {"type": "boolean", "const": true},
			"Null": {"type": "null"},
			"Date": {"type": "string", "const": "2026-01-01"},
			"List": {"type": "array", "items": {"type": "string", "const": "same"}}
		}}`)},
		"tests/values.yaml": {Data: []byte(`typeName: AWS::Demo::Values
cases:
  - name: hexadecimal integer
    properties: {Int: 0x1F}
    expect: approved
  - name: exponent
    properties: {Float: 1e3}
    expect: approved
  - name: boolean
    properties: {Bool: true}
    expect: approved
  - name: null value
    properties: {Null: ~}
    expect: approved
  - name: a date stays the string written
    properties: {Date: 2026-01-01}
    expect: approved
  - name: anchors and aliases
    properties: {List: [&v same, *v]}
    expect: approved
  - name: a string is not a number
    properties: {Int: "thirty-one"}
    expect:
      violations: [{path: /Int}]
`)},
	}
	rep, err := schematest.Run(context.Background(), fsys, schematest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 7 {
		var buf bytes.Buffer
		_ = rep.WriteText(&buf)
		t.Errorf("%d of 7 cases passed:\n%s", rep.Passed, buf.String())
	}
}
