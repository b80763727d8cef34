package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/diff"
	"github.com/rcfge/rcfge/tools/svcref/policy"
)

func load(t testing.TB, dir string) *svcref.Catalog {
	t.Helper()
	c, err := svcref.LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", dir, err)
	}
	return c
}

func fixtureReport(t testing.TB, withPolicies bool) *diff.Report {
	t.Helper()
	r := diff.Compare("old", load(t, "testdata/old"), "new", load(t, "testdata/new"))
	if withPolicies {
		ps, _, err := policy.Load(context.Background(), os.DirFS("testdata"), "policies")
		if err != nil {
			t.Fatalf("policy.Load: %v", err)
		}
		r.Widen(ps)
	}
	return r
}

func TestCompare(t *testing.T) {
	t.Parallel()
	got := fixtureReport(t, false)
	want := &diff.Report{
		Old: "old",
		New: "new",
		Totals: diff.Totals{
			NewServices: 1, RemovedServices: 1, ChangedServices: 2,
			NewActions: 4, NewActionsInNewServices: 2, RemovedActions: 2,
			NewResourceTypes: 2, NewConditionKeys: 2, RemovedConditionKeys: 1,
			AccessLevelChanges: 1, ExistingServicesWithNewActions: 2,
		},
		Services: []diff.ServiceChange{
			{Name: "ec2", Status: diff.StatusChanged, NewActions: []string{"ec2:CreateFancyTags"}},
			{Name: "legacy", Status: diff.StatusRemoved, RemovedActions: []string{"legacy:DoOldThing"}},
			{
				Name: "newsvc", Status: diff.StatusAdded,
				NewActions:       []string{"newsvc:CreateWidget", "newsvc:ListWidgets"},
				NewResourceTypes: []string{"widget"}, NewConditionKeys: []string{"newsvc:WidgetColor"},
			},
			{
				Name: "s3", Status: diff.StatusChanged,
				// getobject only changed case: IAM does not see a new action.
				NewActions:           []string{"s3:PutObjectRetention"},
				RemovedActions:       []string{"s3:GetObjectTorrent"},
				NewResourceTypes:     []string{"accesspoint"},
				NewConditionKeys:     []string{"s3:new-key"},
				RemovedConditionKeys: []string{"s3:old-key"},
				AccessLevelChanges:   []diff.AccessChange{{Action: "s3:ListBucket", Old: svcref.AccessList, New: svcref.AccessRead}},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compare mismatch (-want +got):\n%s", diff)
	}
	if !got.Changed() {
		t.Error("Changed() = false, want true")
	}
	if d := cmp.Diff([]string{"ec2:CreateFancyTags", "newsvc:CreateWidget", "newsvc:ListWidgets", "s3:PutObjectRetention"}, got.NewActions()); d != "" {
		t.Errorf("NewActions() mismatch (-want +got):\n%s", d)
	}
}

func TestCompareUnchanged(t *testing.T) {
	t.Parallel()
	r := diff.Compare("a", load(t, "testdata/old"), "b", load(t, "testdata/same"))
	if r.Changed() {
		t.Errorf("Changed() = true for identical snapshots: %+v", r.Services)
	}
	if (r.Totals != diff.Totals{}) {
		t.Errorf("Totals = %+v, want zero", r.Totals)
	}
}

func TestWiden(t *testing.T) {
	t.Parallel()
	r := fixtureReport(t, true)
	var got []string
	for _, w := range r.Widened {
		got = append(got, w.File+" "+w.Statement+" "+w.Element+" "+w.Pattern.Pattern+" -> "+joinActions(w.NewActions))
	}
	want := []string{
		// The literal s3:PutObjectRetention and iam:* (no new iam action) are not widenings, nor
		// is the Deny Action s3:Put*, which matches the new s3:PutObjectRetention but only denies it.
		"policies/guardrails.json OnlyApprovedServices NotAction ec2:* -> ec2:CreateFancyTags",
		"policies/guardrails.json OnlyApprovedServices NotAction s3:* -> s3:PutObjectRetention",
		"policies/tagging.json AllowTagging Action ec2:*Tags -> ec2:CreateFancyTags",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Widened mismatch (-want +got):\n%s", d)
	}
	if r.Totals.WidenedPatterns != len(want) {
		t.Errorf("Totals.WidenedPatterns = %d, want %d", r.Totals.WidenedPatterns, len(want))
	}
	// Widening alone is a change worth reporting.
	same := diff.Compare("a", load(t, "testdata/old"), "b", load(t, "testdata/same"))
	same.Widen([]policy.Pattern{{Pattern: "*"}})
	if same.Changed() {
		t.Error("Widen on an unchanged diff made it changed")
	}
}

func joinActions(as []string) string {
	var b bytes.Buffer
	for i, a := range as {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(a)
	}
	return b.String()
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		format   render.Format
		policies bool
		same     bool
	}{
		{name: "text", format: render.Text},
		{name: "text-policies", format: render.Text, policies: true},
		{name: "text-unchanged", format: render.Text, same: true},
		{name: "md", format: render.Markdown},
		{name: "md-policies", format: render.Markdown, policies: true},
		{name: "md-unchanged", format: render.Markdown, same: true},
		{name: "json-policies", format: render.JSON, policies: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := fixtureReport(t, tt.policies)
			if tt.same {
				r = diff.Compare("old", load(t, "testdata/old"), "same", load(t, "testdata/same"))
			}
			var buf bytes.Buffer
			if err := render.Write(&buf, tt.format, r); err != nil {
				t.Fatalf("render.Write: %v", err)
			}
			golden.Assert(t, filepath.Join("testdata", "TestRender", tt.name+".golden"), buf.Bytes())
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    *diff.Report
	}{
		{name: "summary-policies", r: fixtureReport(t, true)},
		{name: "summary-unchanged", r: diff.Compare("old", load(t, "testdata/old"), "same", load(t, "testdata/same"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tt.r.WriteSummary(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", "TestSummary", tt.name+".golden"), buf.Bytes())
		})
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	got := fixtureReport(t, true).Subject()
	want := "AWS service reference old -> new: 1 new services, 4 new actions, 2 removed actions, 3 widened wildcards"
	if got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
}

func TestMarkdownEscapesPolicyText(t *testing.T) {
	t.Parallel()
	r := fixtureReport(t, false)
	r.Widen([]policy.Pattern{{File: "a|b.json", Statement: "Sid`x\nnext", Effect: "Allow", Element: "Action", Pattern: "s3:Put*"}})
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	want := "| `a\\|b.json` | Sid'x next | Allow Action | `s3:Put*` | `s3:PutObjectRetention` |\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("Markdown lacks the escaped row %q:\n%s", want, buf.String())
	}
}
