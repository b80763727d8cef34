package diff_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/diff"
	"github.com/rcfge/rcfge/tools/svcref/policy"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// rawCount is the independent count: it ignores the index, reads every <service>.json in the
// folder as untyped JSON and collects lower-cased service and "service:action" names.
func rawCount(t *testing.T, dir string) (services, actions map[string]bool) {
	t.Helper()
	services, actions = map[string]bool{}, map[string]bool{}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == svcref.IndexFile {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.ToLower(doc["Name"].(string))
		services[name] = true
		acts, _ := doc["Actions"].([]any)
		for _, a := range acts {
			actions[name+":"+strings.ToLower(a.(map[string]any)["Name"].(string))] = true
		}
	}
	return services, actions
}

func minus(a, b map[string]bool) int {
	n := 0
	for k := range a {
		if !b[k] {
			n++
		}
	}
	return n
}

// The real snapshots are loaded once for all tests of the package.
var (
	realOnce sync.Once
	realCats [2]*svcref.Catalog
	realErr  error
)

func loadReal(t *testing.T) (oldDir, newDir string, oldCat, newCat *svcref.Catalog) {
	t.Helper()
	oldDir = svcreftest.Snapshot(t, svcreftest.OldDate)
	newDir = svcreftest.Snapshot(t, svcreftest.NewDate)
	realOnce.Do(func() {
		for i, dir := range []string{oldDir, newDir} {
			if realCats[i], realErr = svcref.LoadDir(context.Background(), dir); realErr != nil {
				return
			}
		}
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return oldDir, newDir, realCats[0], realCats[1]
}

func TestCompareRealSnapshots(t *testing.T) {
	t.Parallel()
	oldDir, newDir, oldCat, newCat := loadReal(t)
	r := diff.Compare(svcreftest.OldDate, oldCat, svcreftest.NewDate, newCat)

	// Pinned figures, from the data set's README.
	pinned := diff.Totals{NewServices: 6, RemovedServices: 0, NewActions: 948, NewActionsInNewServices: 93,
		RemovedActions: 3, ExistingServicesWithNewActions: 78}
	got := diff.Totals{NewServices: r.Totals.NewServices, RemovedServices: r.Totals.RemovedServices,
		NewActions: r.Totals.NewActions, NewActionsInNewServices: r.Totals.NewActionsInNewServices,
		RemovedActions: r.Totals.RemovedActions, ExistingServicesWithNewActions: r.Totals.ExistingServicesWithNewActions}
	if got != pinned {
		t.Errorf("totals = %+v, want %+v", got, pinned)
	}
	// Not in the README: counted once by a separate script over the raw JSON (per-service
	// resource and condition key names, and access levels derived from the annotations).
	others := [][3]any{
		{"access level changes", r.Totals.AccessLevelChanges, 16},
		{"new resource types", r.Totals.NewResourceTypes, 88},
		{"removed resource types", r.Totals.RemovedResourceTypes, 1},
		{"new condition keys", r.Totals.NewConditionKeys, 150},
		{"removed condition keys", r.Totals.RemovedConditionKeys, 0},
	}
	for _, o := range others {
		if o[1] != o[2] {
			t.Errorf("%s = %v, want %v", o[0], o[1], o[2])
		}
	}

	oldSvc, oldAct := rawCount(t, oldDir)
	newSvc, newAct := rawCount(t, newDir)
	independent := []struct {
		name      string
		got, want int
	}{
		{"new services", r.Totals.NewServices, minus(newSvc, oldSvc)},
		{"removed services", r.Totals.RemovedServices, minus(oldSvc, newSvc)},
		{"new actions", r.Totals.NewActions, minus(newAct, oldAct)},
		{"removed actions", r.Totals.RemovedActions, minus(oldAct, newAct)},
	}
	for _, c := range independent {
		if c.got != c.want {
			t.Errorf("%s: report says %d, raw JSON count says %d", c.name, c.got, c.want)
		}
	}

	var removed []string
	for _, s := range r.Services {
		removed = append(removed, s.RemovedActions...)
	}
	wantRemoved := "sagemaker-unified-studio-mcp:CallPrivilegedTool sagemaker-unified-studio-mcp:CallReadOnlyTool sagemaker-unified-studio-mcp:InvokeMcp"
	if strings.Join(removed, " ") != wantRemoved {
		t.Errorf("removed actions = %v, want %s", removed, wantRemoved)
	}
}

func TestWidenRealSnapshots(t *testing.T) {
	t.Parallel()
	_, _, oldCat, newCat := loadReal(t)
	r := diff.Compare(svcreftest.OldDate, oldCat, svcreftest.NewDate, newCat)
	ps, _, err := policy.Load(context.Background(), os.DirFS("testdata"), "real-policies")
	if err != nil {
		t.Fatal(err)
	}
	r.Widen(ps)
	// Pinned by an independent fnmatch over the raw JSON of both snapshots; the literal
	// iam:GetRole gained nothing. The Deny Action patterns (s3:Put*, s3:*Object*, iam:Put*, which
	// match 2, 10 and 1 new actions) only deny more, so they are absent.
	wantCounts := map[string]int{
		"lambda:Create*": 4, "ec2:Modify*": 5, "bedrock:Invoke*": 1,
	}
	gotCounts := map[string]int{}
	for _, w := range r.Widened {
		gotCounts[w.Pattern.Pattern] = len(w.NewActions)
	}
	if d := cmp.Diff(wantCounts, gotCounts); d != "" {
		t.Errorf("widened patterns mismatch (-want +got):\n%s", d)
	}
	for _, w := range r.Widened {
		// Every reported action is new: absent from the old snapshot, present in the new one, and
		// matched by the pattern according to the new catalogue's own expansion.
		expanded, err := newCat.Expand(w.Pattern.Pattern)
		if err != nil {
			t.Fatalf("Expand(%q): %v", w.Pattern.Pattern, err)
		}
		inNew := map[string]bool{}
		for _, a := range expanded {
			inNew[a] = true
		}
		for _, a := range w.NewActions {
			if _, ok := oldCat.Action(a); ok {
				t.Errorf("%s: %s already existed in %s", w.Pattern.Pattern, a, svcreftest.OldDate)
			}
			if !inNew[a] {
				t.Errorf("%s: %s is not in the pattern's expansion", w.Pattern.Pattern, a)
			}
		}
		// And none is missed: the expansion minus the old actions is exactly the widening.
		var fresh int
		for _, a := range expanded {
			if _, ok := oldCat.Action(a); !ok {
				fresh++
			}
		}
		if fresh != len(w.NewActions) {
			t.Errorf("%s: %d new actions reported, expansion has %d not in the old snapshot", w.Pattern.Pattern, len(w.NewActions), fresh)
		}
	}
}
