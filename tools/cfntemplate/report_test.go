package cfntemplate_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	report.Decide()
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
		{"unapproved type", cfntemplate.Report{Files: []cfntemplate.FileResult{{File: "a.yaml", Resources: []cfntemplate.ResourceResult{{LogicalID: "V", Type: "AWS::EC2::VPC", Unapproved: true}}}}}, true},
		{"unapproved type warned", cfntemplate.Report{Policy: verdict.Policy{OnMissingTemplate: verdict.Warn}, Files: []cfntemplate.FileResult{{File: "a.yaml", Resources: []cfntemplate.ResourceResult{{LogicalID: "V", Type: "AWS::EC2::VPC", Unapproved: true}}}}}, false},
		{"empty", cfntemplate.Report{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.report.Decide()
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
			got := *r.SARIFReport().Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI
			if got != tt.want {
				t.Errorf("URI %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReportSARIFSchema checks the SARIF log against the SARIF 2.1.0 JSON schema, which the
// library embeds, so code-scanning uploads do not reject it.
func TestReportSARIFSchema(t *testing.T) {
	t.Parallel()
	report := loadReport(t)
	report.Decide()
	if err := report.SARIFReport().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestReportDecide(t *testing.T) {
	t.Parallel()
	report := loadReport(t)
	report.Decide()
	got := map[string]cfntemplate.Outcome{}
	for _, f := range report.Files {
		for _, r := range f.Resources {
			got[r.LogicalID] = r.Outcome
		}
	}
	want := map[string]cfntemplate.Outcome{
		"Good": cfntemplate.OutcomeApproved, "Bad": cfntemplate.OutcomeNonCompliant, "Pending": cfntemplate.OutcomeApproved,
		"Network": cfntemplate.OutcomeNonCompliant, "DevOnly": cfntemplate.OutcomeSkipped, "Excused": cfntemplate.OutcomeApproved,
		"Trial": cfntemplate.OutcomeWarned, "Secret": cfntemplate.OutcomeWarned, "Whole": cfntemplate.OutcomeNonCompliant,
		"Odd": cfntemplate.OutcomeFailed,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !report.HasFindings() || !report.HasErrors() {
		t.Errorf("HasFindings %v, HasErrors %v; want both", report.HasFindings(), report.HasErrors())
	}
}
