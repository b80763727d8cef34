package render_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jstemmer/go-junit-report/v2/junit"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/spf13/pflag"

	"github.com/rcfge/rcfge/tools/render"
)

// full implements every format.
type full struct {
	Name string `json:"name"`
}

func (f full) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, "text "+f.Name+"\n")
	return err
}
func (f full) WriteMarkdown(w io.Writer) error {
	_, err := io.WriteString(w, "# "+f.Name+"\n")
	return err
}
func (f full) JUnit() junit.Testsuites {
	var s junit.Testsuites
	suite := junit.Testsuite{Name: f.Name}
	suite.AddTestcase(junit.Testcase{Name: "case", Failure: &junit.Result{Message: "broke"}})
	s.AddSuite(suite)
	return s
}
func (f full) SARIFReport() *sarif.Report {
	run := render.NewSARIFRun()
	run.AddRule("r").WithDescription("rule r")
	run.CreateResultForRule("r").WithMessage(sarif.NewTextMessage(f.Name)).AddLocation(render.Location("a.yaml", 3, 7))
	return render.NewSARIFReport(run)
}

// legacy implements only the deprecated SARIF shape.
type legacy struct{}

func (legacy) SARIF() render.SARIFLog {
	return render.NewSARIF([]render.SARIFRule{{ID: "r"}}, []render.SARIFResult{{RuleID: "r", Level: "error", Message: render.SARIFMessage{Text: "m"}}})
}

func TestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		format  render.Format
		report  any
		want    []string
		wantErr string
	}{
		{"text", render.Text, full{"x"}, []string{"text x\n"}, ""},
		{"default is text", "", full{"x"}, []string{"text x\n"}, ""},
		{"json", render.JSON, full{"x<y"}, []string{`"name": "x<y"`}, ""},
		{"markdown", render.Markdown, full{"x"}, []string{"# x\n"}, ""},
		{"sarif", render.SARIF, full{"x"}, []string{`"version": "2.1.0"`, `"name": "rcfge"`, `"startLine": 3`, `"startColumn": 7`, `"ruleId": "r"`}, ""},
		{"legacy sarif", render.SARIF, legacy{}, []string{`"ruleId": "r"`}, ""},
		{"junit", render.JUnit, full{"x"}, []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites tests="1" failures="1">`, `<failure message="broke">`}, ""},
		{"text unsupported", render.Text, legacy{}, nil, `output format "text" is not supported here`},
		{"junit unsupported", render.JUnit, legacy{}, nil, `output format "junit" is not supported here`},
		{"unknown format", render.Format("xml"), full{"x"}, nil, `output format "xml" is not supported here`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			err := render.Write(&b, tt.format, tt.report)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestSARIFValid(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := render.Write(&b, render.SARIF, full{"x"}); err != nil {
		t.Fatal(err)
	}
	rep, err := sarif.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("SARIF log does not validate against the SARIF 2.1.0 schema: %v", err)
	}
	var raw struct {
		Runs []struct {
			Tool struct{ Driver struct{ Version string } }
		}
	}
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil || raw.Runs[0].Tool.Driver.Version == "" {
		t.Errorf("driver version missing (%v)", err)
	}
}

func TestFormatFlag(t *testing.T) {
	t.Parallel()
	var f render.Format
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	render.AddFormatFlag(fs, &f, render.Text, render.JSON)
	if f != render.Text {
		t.Errorf("default %q, want text", f)
	}
	err := fs.Parse([]string{"--format", "xml"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml" (allowed: text, json)`) {
		t.Errorf("error %v does not list the allowed formats", err)
	}
	if err := fs.Parse([]string{"--format", "json"}); err != nil || f != render.JSON {
		t.Errorf("--format json: %v, %q", err, f)
	}
	e := fs.Lookup("format").Value.(render.Enum)
	if diff := cmp.Diff([]string{"text", "json"}, e.Allowed()); diff != "" {
		t.Errorf("Allowed (-want +got):\n%s", diff)
	}
}

func TestOutputFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    []render.Output
		wantErr string
	}{
		{"default", nil, []render.Output{{Format: render.Text}}, ""},
		{"one format", []string{"--format", "json"}, []render.Output{{Format: render.JSON}}, ""},
		{"text and a file", []string{"--format", "text", "--format", "sarif=out.sarif"}, []render.Output{{Format: render.Text}, {Format: render.SARIF, Path: "out.sarif"}}, ""},
		{"--output", []string{"--format", "sarif", "--output", "o.sarif"}, []render.Output{{Format: render.SARIF, Path: "o.sarif"}}, ""},
		{"--output with the default", []string{"--output", "o.txt"}, []render.Output{{Format: render.Text, Path: "o.txt"}}, ""},
		{"--output for the one without a file", []string{"--format", "text=t.txt", "--format", "json", "--output", "o.json"}, []render.Output{{Format: render.Text, Path: "t.txt"}, {Format: render.JSON, Path: "o.json"}}, ""},
		{"two on stdout", []string{"--format", "text", "--format", "json"}, nil, "--format text and json both write to stdout"},
		{"two to one file", []string{"--format", "text=a", "--format", "json=a"}, nil, "both write to a"},
		{"--output ambiguous", []string{"--format", "text", "--format", "json", "--output", "o"}, nil, "more than one --format without =FILE"},
		{"--output unused", []string{"--format", "text=a", "--output", "o"}, nil, "every --format already names its file"},
		{"unknown", []string{"--format", "xml=a"}, nil, `unknown format "xml" (allowed: text, json, sarif)`},
		{"empty file", []string{"--format", "json="}, nil, "want FORMAT=FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var outs []render.Output
			var output string
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			render.AddOutputFlags(fs, &outs, &output, render.Text, render.JSON, render.SARIF)
			err := fs.Parse(tt.args)
			var got []render.Output
			if err == nil {
				got, err = render.ResolveOutputs(outs, output)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout bytes.Buffer
	outs := []render.Output{{Format: render.Text}, {Format: render.JSON, Path: filepath.Join(dir, "r.json")}}
	if err := render.WriteOutputs(&stdout, outs, full{"x"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "r.json"))
	if err != nil || !strings.Contains(string(data), `"name": "x"`) || stdout.String() != "text x\n" {
		t.Errorf("stdout %q, file %q (%v)", stdout.String(), data, err)
	}
	// Every output is attempted: the unwritable one does not stop the others.
	stdout.Reset()
	outs = []render.Output{{Format: render.JSON, Path: filepath.Join(dir, "missing", "r.json")}, {Format: render.Text}, {Format: render.JUnit, Path: filepath.Join(dir, "r.xml")}}
	err = render.WriteOutputs(&stdout, outs, legacy{})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), `output format "text" is not supported here`) {
		t.Errorf("error %v: want both the missing folder and the unsupported formats", err)
	}
}
