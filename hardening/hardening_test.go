package hardening_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/lint"
	"github.com/rcfge/rcfge/tools/schemagen"
	"github.com/rcfge/rcfge/tools/schematest"
)

func overlayNames(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("overlays/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no hardening overlays")
	}
	return names
}

func ops(t *testing.T, path string) []any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// TestHardeningExtendsDefault: each hardening overlay starts with the default overlay of its type,
// operation for operation, so hardening only ever adds to the default and never drifts from it.
func TestHardeningExtendsDefault(t *testing.T) {
	for _, h := range overlayNames(t) {
		def := filepath.Join("..", "schemas", "overlays", filepath.Base(h))
		t.Run(filepath.Base(h), func(t *testing.T) {
			hard := ops(t, h)
			var base []any
			if _, err := os.Stat(def); err == nil {
				base = ops(t, def)
			}
			if len(hard) <= len(base) {
				t.Fatalf("%s has %d operations, the default %d: it adds nothing", h, len(hard), len(base))
			}
			if diff := cmp.Diff(base, hard[:len(base)]); diff != "" {
				t.Errorf("%s does not start with %s (-default +hardening):\n%s", h, def, diff)
			}
		})
	}
}

// TestHardenedTemplatesReproducible regenerates the hardened templates, as `make hardening` does,
// and requires the same bytes.
func TestHardenedTemplatesReproducible(t *testing.T) {
	root := os.Getenv("RCFGE_DATA")
	if root == "" {
		_, file, _, _ := runtime.Caller(0)
		root = filepath.Join(filepath.Dir(file), "..", "..", "shared", "data")
	}
	dir := filepath.Join(root, "cfn-schemas", "us-east-1")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data not present at %s (set RCFGE_DATA): %v", dir, err)
	}
	var types []string
	for _, h := range overlayNames(t) {
		tn, ok := store.TypeName(filepath.Base(h))
		if !ok {
			t.Fatalf("%s: not a <Type>.json overlay", h)
		}
		types = append(types, tn)
	}
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{
		Source:   schemagen.NewFSSource(os.DirFS(dir)),
		Types:    types,
		Overlays: os.DirFS("overlays"),
		Previous: os.DirFS("."),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range tpls {
		name, _ := store.FileName(tpl.TypeName)
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v: run `make hardening`", err)
		}
		if !bytes.Equal(got, tpl.Body) {
			t.Errorf("hardening/%s differs from a fresh generation: run `make hardening`", name)
		}
	}
}

// TestHardeningLintsClean runs `rcfge schemas lint hardening/`.
func TestHardeningLintsClean(t *testing.T) {
	rep, err := lint.Lint(context.Background(), os.DirFS("."), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Severity != lint.Info {
			t.Errorf("%s#%s [%s]: %s", f.File, f.Path, f.Rule, f.Message)
		}
	}
}

// TestHardeningSuites runs `rcfge schemas test hardening/`: every case of tests/ passes against
// the hardened templates.
func TestHardeningSuites(t *testing.T) {
	rep, err := schematest.Run(context.Background(), os.DirFS("."), schematest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	if rep.HasFindings() || rep.Passed == 0 {
		t.Errorf("hardening suites:\n%s", out.String())
	}
	if len(rep.Untested) > 0 {
		t.Errorf("hardened templates without a suite: %v", rep.Untested)
	}
}
