package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/lint"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// TestGeneratedTemplatesLintClean: `schemas generate` and `schemas lint` agree. Every template
// generated from the 1,655 real provider schemas, without overlays, lints without an error.
func TestGeneratedTemplatesLintClean(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and lints 1,655 templates")
	}
	root := os.Getenv("RCFGE_DATA")
	if root == "" {
		_, file, _, _ := runtime.Caller(0)
		root = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	}
	dir := filepath.Join(root, "cfn-schemas", "us-east-1")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data not present at %s (set RCFGE_DATA): %v", dir, err)
	}
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: schemagen.NewFSSource(os.DirFS(dir)), Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	fsys := fstest.MapFS{}
	for _, tpl := range tpls {
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: tpl.Body}
	}
	rep, err := lint.Lint(context.Background(), fsys, lint.Options{})
	if err != nil {
		t.Fatalf("Lint() error = %v", err)
	}
	if rep.Templates != 1655 {
		t.Errorf("linted %d templates, want 1655", rep.Templates)
	}
	for _, f := range rep.Findings {
		if f.Severity != lint.Info {
			t.Errorf("%s#%s [%s %s]: %s", f.File, f.Path, f.Rule, f.Severity, f.Message)
		}
	}
}
