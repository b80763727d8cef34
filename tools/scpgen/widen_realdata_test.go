package scpgen_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/svcref"
	svcpolicy "github.com/rcfge/rcfge/tools/svcref/policy"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// shippedBuild builds the shipped configuration and templates against the old real snapshot,
// with the Allow lists exact or, opted in, minimised.
func shippedBuild(t *testing.T, wildcards bool) (dir string, oldCat, newCat *svcref.Catalog) {
	t.Helper()
	_, schemas := realData(t)
	ctx := context.Background()
	var err error
	if oldCat, err = svcref.LoadDir(ctx, svcreftest.Snapshot(t, svcreftest.OldDate)); err != nil {
		t.Fatal(err)
	}
	if newCat, err = svcref.LoadDir(ctx, svcreftest.Snapshot(t, svcreftest.NewDate)); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	cfg, err := scpgen.LoadConfigFile(filepath.Join(root, "scp", "rcfge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.AllowWildcards = wildcards
	res, err := scpgen.Build(ctx, scpgen.Input{Config: cfg, Catalog: oldCat, Schemas: os.DirFS(schemas), Templates: os.DirFS(filepath.Join(root, "schemas"))})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := scpgen.Write(dir, res); err != nil {
		t.Fatal(err)
	}
	return dir, oldCat, newCat
}

// grantedNewActions counts, over every pattern that grants more by matching more (Allow Action,
// Deny NotAction), the actions of newCat it matches that oldCat lacks: what the policies allow
// that did not exist when they were built. It expands with the new catalogue's own matcher.
func grantedNewActions(t *testing.T, dir string, oldCat, newCat *svcref.Catalog) []string {
	t.Helper()
	ps, _, err := svcpolicy.Load(context.Background(), os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		if !p.GrantsMore() {
			continue
		}
		acts, err := newCat.Expand(p.Pattern)
		if err != nil {
			t.Fatalf("%s: %v", p.Pattern, err)
		}
		for _, a := range acts {
			if _, ok := oldCat.Action(a); !ok {
				out = append(out, a)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// widenedByWildcards are the 5 actions AWS added between the snapshots that minimised Allow
// patterns built from the old one (iam:GetR*, lambda:Pa*, s3:PutObjectA*, s3:*bleConfiguration,
// ecs:*rce) also allow.
var widenedByWildcards = []string{
	"ecs:AllowVendedLogDeliveryForResource",
	"iam:GetRoleTemplateVersion",
	"lambda:PassNetworkConnector",
	"s3:PutObjectAnnotation",
	"s3:UpdateBucketMetadataAnnotationTableConfiguration",
}

// TestAllowNeverWidensRealData: the shipped SCPs, built from the old snapshot, allow no action
// that only the new snapshot has; the same build with allowWildcards does, and both the
// widening count and the check against the new snapshot name exactly those actions.
func TestAllowNeverWidensRealData(t *testing.T) {
	t.Parallel()
	exact, oldCat, newCat := shippedBuild(t, false)
	if got := grantedNewActions(t, exact, oldCat, newCat); len(got) != 0 {
		t.Errorf("exact build: Allow patterns match %d actions absent from %s: %v", len(got), svcreftest.OldDate, got)
	}
	rep, err := scpgen.Check(context.Background(), os.DirFS(exact), newCat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Widened) != 0 {
		t.Errorf("exact build: check against %s reports widening: %+v", svcreftest.NewDate, rep.Widened)
	}

	wild, _, _ := shippedBuild(t, true)
	// The counter can fail: on the minimised build it finds the leak.
	if diff := cmp.Diff(widenedByWildcards, grantedNewActions(t, wild, oldCat, newCat)); diff != "" {
		t.Errorf("wildcard build: new actions granted (-want +got):\n%s", diff)
	}
	rep, err = scpgen.Check(context.Background(), os.DirFS(wild), newCat, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range rep.Widened {
		if w.Effect != "Allow" || w.Element != "Action" || w.Statement != scpgen.SidAllowedListActions {
			t.Errorf("widening outside AllowedListActions: %+v", w)
		}
		got = append(got, w.NewActions...)
	}
	slices.Sort(got)
	if diff := cmp.Diff(widenedByWildcards, got); diff != "" {
		t.Errorf("check --service-reference %s on the wildcard build (-want +got):\n%s", svcreftest.NewDate, diff)
	}
	if rep.OK() || rep.Count() != len(rep.Widened)+countProblems(rep) {
		t.Errorf("widening must be problems: OK=%v count=%d", rep.OK(), rep.Count())
	}
	for _, d := range rep.DeniesMore {
		if d.Effect != "Deny" || d.Element != "Action" || !strings.Contains(d.Pattern, "*") {
			t.Errorf("deniesMore holds %+v", d)
		}
	}
}

func countProblems(r *scpgen.CheckReport) int {
	n := len(r.Problems)
	for _, p := range r.Policies {
		n += len(p.Problems)
	}
	return n
}
