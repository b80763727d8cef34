package actions_test

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions"
	svcdiff "github.com/rcfge/rcfge/tools/svcref/diff"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// TestDiffRealSnapshots runs `rcfge actions diff --policies` on the two real snapshots, as the
// issue's acceptance command does, and checks the exit code, the totals and the widened wildcards.
func TestDiffRealSnapshots(t *testing.T) {
	t.Parallel()
	oldDir := svcreftest.Snapshot(t, svcreftest.OldDate)
	newDir := svcreftest.Snapshot(t, svcreftest.NewDate)
	ios, _, out, _ := cli.Test()
	cmd := actions.NewCmdActions(&cli.Factory{IO: ios})
	cmd.SetArgs([]string{"diff", "--format", "json", "--policies", "testdata/scp", oldDir, newDir})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	if code := cli.ExitCode(err); code != cli.ExitFindings {
		t.Fatalf("exit code %d (%v), want %d", code, err, cli.ExitFindings)
	}
	var r svcdiff.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if r.Old != svcreftest.OldDate || r.New != svcreftest.NewDate {
		t.Errorf("labels %s -> %s", r.Old, r.New)
	}
	tt := r.Totals
	if tt.NewServices != 6 || tt.RemovedServices != 0 || tt.NewActions != 948 || tt.RemovedActions != 3 {
		t.Errorf("totals = %+v, want 6 new services, 0 removed, 948 new actions, 3 removed", tt)
	}
	// Counts from an independent fnmatch over the raw JSON of both snapshots. organizations:*,
	// sts:* and support:* gained nothing, so they are not listed. The Deny Action patterns
	// (s3:Put*, lambda:Create*, ec2:Modify*: 2, 4 and 5 new actions) only deny more.
	want := map[string]int{
		"DenyOutsideApprovedRegions NotAction iam:*":     3,
		"DenyOutsideApprovedRegions NotAction account:*": 1,
	}
	got := map[string]int{}
	for _, w := range r.Widened {
		if w.File != filepath.Join("testdata", "scp", "region-and-data-guardrails.json") {
			t.Errorf("widening from file %q", w.File)
		}
		got[w.Statement+" "+w.Element+" "+w.Pattern.Pattern] = len(w.NewActions)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("widened wildcards mismatch (-want +got):\n%s", d)
	}
}

// TestDiffShippedSCPs is the acceptance command `rcfge actions diff --policies scp/ 2026-05-22
// 2026-08-22`: the manifest beside the SCPs is skipped, AWS's changes exit 1, and nothing in the
// shipped SCPs widened: their Allow lists are exact, and "Deny *" only denies more.
func TestDiffShippedSCPs(t *testing.T) {
	t.Parallel()
	oldDir := svcreftest.Snapshot(t, svcreftest.OldDate)
	newDir := svcreftest.Snapshot(t, svcreftest.NewDate)
	ios, _, out, errOut := cli.Test()
	cmd := actions.NewCmdActions(&cli.Factory{IO: ios})
	scp := filepath.Join("..", "..", "..", "scp")
	cmd.SetArgs([]string{"diff", "--format", "json", "--policies", scp, oldDir, newDir})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	if code := cli.ExitCode(err); code != cli.ExitFindings {
		t.Fatalf("exit code %d (%v), want %d", code, err, cli.ExitFindings)
	}
	var r svcdiff.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	for _, w := range r.Widened {
		t.Errorf("widened: %s: %s matches %v", w.Location(), w.Pattern.Pattern, w.NewActions)
	}
	if !strings.Contains(errOut.String(), "manifest.json: not a policy") {
		t.Errorf("stderr does not note the skipped manifest: %q", errOut)
	}
}

func TestVerbs(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := cli.Test()
	var got []string
	for _, c := range actions.NewCmdActions(&cli.Factory{IO: ios}).Commands() {
		got = append(got, c.Name())
	}
	if d := cmp.Diff([]string{"diff", "expand", "fetch"}, got); d != "" {
		t.Errorf("verbs mismatch (-want +got):\n%s", d)
	}
}
