package cfntemplate_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/render"
)

func loadReport(t *testing.T) cfntemplate.Report {
	t.Helper()
	data, err := os.ReadFile("testdata/report.json")
	if err != nil {
		t.Fatal(err)
	}
	var r cfntemplate.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReport(t *testing.T) {
	t.Parallel()
	report := loadReport(t)
	for _, f := range []render.Format{render.Text, render.JSON, render.SARIF, render.JUnit} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := render.Write(&b, f, report); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, string(f), b.Bytes())
		})
	}
}

func TestReportHasFindings(t *testing.T) {
	t.Parallel()
	full := loadReport(t)
	clean := cfntemplate.Report{Files: []cfntemplate.FileResult{{File: "a.yaml", Resources: []cfntemplate.ResourceResult{full.Files[0].Resources[0], full.Files[0].Resources[2]}}}}
	tests := []struct {
		name   string
		report cfntemplate.Report
		want   bool
	}{
		{"violations", full, true},
		{"approved and unverified only", clean, false},
		{"empty", cfntemplate.Report{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.report.HasFindings(); got != tt.want {
				t.Errorf("HasFindings() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReportUnsupportedFormat(t *testing.T) {
	t.Parallel()
	if err := render.Write(&bytes.Buffer{}, render.Markdown, loadReport(t)); err == nil {
		t.Error("Markdown rendered; the report does not implement it")
	}
}

func TestReportSARIFURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, want string }{
		{"stacks/app.yaml", "stacks/app.yaml"},
		{"/srv/app dir/t.yaml", "file:///srv/app%20dir/t.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r := cfntemplate.Report{Files: []cfntemplate.FileResult{{File: tt.file, Resources: []cfntemplate.ResourceResult{{
				LogicalID: "B", Type: "AWS::S3::Bucket", Line: 3,
				Violations: []verdict.Violation{{Path: "/X", Keyword: "additionalProperties", Message: "m"}},
			}}}}}
			got := r.SARIF().Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI
			if got != tt.want {
				t.Errorf("URI %q, want %q", got, tt.want)
			}
		})
	}
}
