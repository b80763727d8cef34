package suggest

import (
	"bufio"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/realdata"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir is a folder of the shared real data (skips without it).
func dataDir(tb testing.TB, sub string) string {
	tb.Helper()
	return realdata.Dir(tb, sub)
}

func generate(t *testing.T, types []string, overlays fstest.MapFS) fstest.MapFS {
	t.Helper()
	src := schemagen.NewFSSource(os.DirFS(dataDir(t, "cfn-schemas/us-east-1")))
	req := schemagen.Request{Source: src, Types: types, Snapshot: "2026-08-03"}
	if overlays != nil {
		req.Overlays = overlays
	}
	tpls, err := schemagen.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	out := fstest.MapFS{}
	for _, tp := range tpls {
		name, _ := FileName(tp.TypeName)
		out[name] = &fstest.MapFile{Data: tp.Body}
	}
	return out
}

// TestRealTemplatesSuggestion is issue #17's proof on the real corpus: templates generated from
// AWS's schemas for the types the qualifying templates use, a suggestion from those templates,
// then a regeneration with the suggested overlays. Every template keeps its verdict, and for each
// type an approved property no template sets is refused afterwards.
func TestRealTemplatesSuggestion(t *testing.T) {
	if testing.Short() {
		t.Skip("real corpus: not in -short")
	}
	root := dataDir(t, "real-templates")
	f, err := os.Open(filepath.Join(root, "QUALIFYING.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			files = append(files, filepath.Join(root, l))
		}
	}
	f.Close()
	c := Context{AccountID: "111122223333", Region: "us-east-1", Partition: "aws"}
	inputs, errs := Load(files, cfntemplate.Options{AccountID: c.AccountID, Region: c.Region})
	t.Logf("%d of %d qualifying templates parsed; %d input errors", len(inputs), len(files), len(errs))
	obs := Observations(inputs)
	used := map[string]bool{}
	for _, o := range obs {
		used[o.Type] = true
	}
	types := slices.Sorted(maps.Keys(used))
	before := generate(t, types, nil)
	bodies := map[string][]byte{}
	for name, mf := range before {
		bodies[strings.ReplaceAll(strings.TrimSuffix(name, ".json"), "-", "::")] = mf.Data
	}
	res, err := Suggest(bodies, obs, Options{Context: c})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := Write(out, nil, res, Options{}, timeZero); err != nil {
		t.Fatal(err)
	}
	overlays := fstest.MapFS{}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".suggest.json") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(out, e.Name()))
		overlays[e.Name()] = &fstest.MapFile{Data: b}
	}
	after := generate(t, types, overlays)

	ec := engine.Context{AccountID: c.AccountID, Region: c.Region, Partition: c.Partition}
	regs, err := Prove(context.Background(), before, after, inputs, ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regs {
		t.Errorf("verdict changed by the regenerated templates: %s: %s → %s", r.Source, r.Before, r.After)
	}
	var pathsBefore, pathsAfter, removed, enums int
	for _, ts := range res.Types {
		pathsBefore += ts.PathsBefore
		pathsAfter += ts.PathsAfter
		removed += len(ts.Removed)
		enums += len(ts.Enums)
	}
	t.Logf("%d types: approved property paths %d → %d, %d properties removed, %d enums narrowed, %d overlays", len(res.Types), pathsBefore, pathsAfter, removed, enums, len(overlays))

	// Injections: for each type, one removed top-level property set on a real resource of it, and
	// every narrowed enum given a value never seen.
	eng := engine.New(dirstore.New(after))
	byType := map[string]Observation{}
	for _, o := range obs {
		if _, ok := byType[o.Type]; !ok && o.Properties != nil {
			byType[o.Type] = o
		}
	}
	checked := 0
	for _, ts := range res.Types {
		o, ok := byType[ts.Type]
		if !ok {
			continue
		}
		for _, rm := range ts.Removed {
			if strings.Count(rm.Path, "/") != 1 {
				continue
			}
			props := clone(t, o.Properties)
			props[rm.Path[1:]] = "x"
			r, err := eng.Evaluate(context.Background(), engine.Input{TypeName: ts.Type, Properties: props, Context: ec, Unknown: unverified(o.Unknown)})
			if err != nil {
				t.Fatalf("%s: %v", ts.Type, err)
			}
			if !hasViolationAt(r, rm.Path) {
				t.Errorf("%s: unused property %s injected into %s is not refused: %+v", ts.Type, rm.Path, o.Source, r.Verdict.Violations)
			}
			checked++
			break
		}
		for _, e := range ts.Enums {
			if strings.Count(e.Path, "/") != 1 {
				continue
			}
			props := clone(t, o.Properties)
			props[e.Path[1:]] = "RcfgeNeverSeen"
			r, err := eng.Evaluate(context.Background(), engine.Input{TypeName: ts.Type, Properties: props, Context: ec, Unknown: unverified(o.Unknown)})
			if err != nil {
				t.Fatalf("%s: %v", ts.Type, err)
			}
			if !hasViolationAt(r, e.Path) {
				t.Errorf("%s: enum value never seen at %s is not refused", ts.Type, e.Path)
			}
			checked++
		}
	}
	t.Logf("%d injections refused", checked)
	if checked == 0 {
		t.Fatal("nothing was injected: the corpus suggested no removal")
	}
}

var timeZero = timeOf("2026-12-04T00:00:00Z")

func clone(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m
}

func hasViolationAt(r engine.Result, path string) bool {
	for _, v := range r.Verdict.Violations {
		if v.Path == path {
			return true
		}
	}
	return false
}
