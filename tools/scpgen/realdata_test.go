package scpgen_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// realData returns the newest real service reference and the provider schemas folder, skipping
// the test when the shared data set is absent.
func realData(tb testing.TB) (svcRef, schemas string) {
	tb.Helper()
	svcRef = svcreftest.Snapshot(tb, svcreftest.NewDate)
	schemas = filepath.Join(filepath.Dir(filepath.Dir(svcRef)), "cfn-schemas", "us-east-1")
	if _, err := os.Stat(schemas); err != nil {
		tb.Skipf("real data absent (%v): set RCFGE_DATA to the shared data folder", err)
	}
	return svcRef, schemas
}

// realInput builds 20 common types (testdata/templates/common) against the real data.
func realInput(tb testing.TB, cat *svcref.Catalog) scpgen.Input {
	tb.Helper()
	_, schemas := realData(tb)
	cfg, err := scpgen.LoadConfigFile(filepath.Join("testdata", "config", "common.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return scpgen.Input{
		Config:    cfg,
		Catalog:   cat,
		Schemas:   os.DirFS(schemas),
		Templates: os.DirFS(filepath.Join("testdata", "templates", "common")),
	}
}

// TestBuildRealData builds the SCPs for 20 common types over the full service reference, checks
// them with the checker, and proves for the action-list statements, with an expansion written
// here rather than the compiler's, that expand(output) == expand(input).
func TestBuildRealData(t *testing.T) {
	t.Parallel()
	svcRef, schemas := realData(t)
	ctx := context.Background()
	cat, err := svcref.LoadDir(ctx, svcRef)
	if err != nil {
		t.Fatal(err)
	}
	in := realInput(t, cat)
	res, err := scpgen.Build(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := scpgen.Write(dir, res); err != nil {
		t.Fatal(err)
	}
	rep, err := scpgen.Check(ctx, os.DirFS(dir), cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("check: %d problems: %+v", rep.Count(), rep)
	}
	for _, p := range rep.Policies {
		if p.Chars > in.Config.Quotas.MaxChars {
			t.Errorf("%s: %d characters, quota %d", p.File, p.Chars, in.Config.Quotas.MaxChars)
		}
	}
	if len(res.Warnings) == 0 {
		t.Error("want warnings: AWS's schemas for these types name actions the service reference lacks")
	}

	// Input side: every handler permission of the 20 types that the catalogue knows.
	prov := map[string]bool{}
	for _, typ := range res.Manifest.Types {
		data, err := os.ReadFile(filepath.Join(schemas, typ.Schema))
		if err != nil {
			t.Fatal(err)
		}
		var ps struct {
			Handlers map[string]struct{ Permissions []string }
		}
		if err := json.Unmarshal(data, &ps); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"create", "update", "delete"} {
			for _, p := range ps.Handlers[h].Permissions {
				if acts, err := cat.Expand(p); err == nil {
					for _, a := range acts {
						prov[a] = true
					}
				}
			}
		}
	}
	allow := clone(prov)
	for _, p := range in.Config.Allow {
		addExpanded(t, cat, allow, p)
	}
	exempt := map[string]bool{}
	for _, p := range in.Config.CallableOutsideCloudFormation {
		addExpanded(t, cat, exempt, p)
	}
	cfnOnly := map[string]bool{}
	for a := range prov {
		act, _ := cat.Action(a)
		if l := act.AccessLevel(); !exempt[a] && l != svcref.AccessRead && l != svcref.AccessList {
			cfnOnly[a] = true
		}
	}
	deny := map[string]bool{}
	for _, p := range in.Config.Deny {
		addExpanded(t, cat, deny, p)
	}
	want := map[string]map[string]bool{
		scpgen.SidAllowedListActions:                      allow,
		scpgen.SidProvisionResourcesViaCloudFormationOnly: cfnOnly,
		scpgen.SidDenyOrganizationActions:                 deny,
	}

	// Output side: the written files, read back.
	got := map[string]map[string]bool{}
	for _, pe := range res.Manifest.Policies {
		data, err := os.ReadFile(filepath.Join(dir, pe.File))
		if err != nil {
			t.Fatal(err)
		}
		var pol policy.Policy
		if err := json.Unmarshal(data, &pol); err != nil {
			t.Fatal(err)
		}
		for i, s := range pol.Statement {
			sid := pe.Statements[i].Statement
			if got[sid] == nil {
				got[sid] = map[string]bool{}
			}
			for _, p := range s.Action {
				addExpanded(t, cat, got[sid], p)
			}
		}
	}
	for sid, w := range want {
		if diff := cmp.Diff(sorted(w), sorted(got[sid])); diff != "" {
			t.Errorf("%s: expand(output) != expand(input) (-input +output):\n%s", sid, diff)
		}
	}
}

func addExpanded(t *testing.T, cat *svcref.Catalog, into map[string]bool, pattern string) {
	t.Helper()
	acts, err := cat.Expand(pattern)
	if err != nil {
		t.Fatalf("expand %s: %v", pattern, err)
	}
	for _, a := range acts {
		into[a] = true
	}
}

func clone(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestShippedPolicies keeps scp/ in step with scp/rcfge.yaml, the shipped templates (schemas/)
// and the newest service reference: regenerate with `make scp` and review the diff.
func TestShippedPolicies(t *testing.T) {
	t.Parallel()
	svcRef, schemas := realData(t)
	ctx := context.Background()
	cat, err := svcref.LoadDir(ctx, svcRef)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	cfg, err := scpgen.LoadConfigFile(filepath.Join(root, "scp", "rcfge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scpgen.Build(ctx, scpgen.Input{
		Config:    cfg,
		Catalog:   cat,
		Schemas:   os.DirFS(schemas),
		Templates: os.DirFS(filepath.Join(root, "schemas")),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := t.TempDir()
	if err := scpgen.Write(want, res); err != nil {
		t.Fatal(err)
	}
	wantFiles, _ := filepath.Glob(filepath.Join(want, "*.json"))
	gotFiles, _ := filepath.Glob(filepath.Join(root, "scp", "*.json"))
	if len(wantFiles) != len(gotFiles) {
		t.Fatalf("scp/ holds %d JSON files, a build gives %d: run `make scp`", len(gotFiles), len(wantFiles))
	}
	for _, w := range wantFiles {
		wb, _ := os.ReadFile(w)
		gb, err := os.ReadFile(filepath.Join(root, "scp", filepath.Base(w)))
		if err != nil {
			t.Fatalf("%v: run `make scp`", err)
		}
		if diff := cmp.Diff(string(wb), string(gb)); diff != "" {
			t.Errorf("scp/%s is stale: run `make scp` (-build +scp/):\n%s", filepath.Base(w), diff)
		}
	}
}
