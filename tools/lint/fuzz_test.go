package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/tools/lint"
)

// FuzzLint: a template is a file someone wrote. Property: any single template body gives findings,
// never an error or a panic, and every finding names its file, rule and severity.
func FuzzLint(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.json")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, []byte(`[{"op": "add", "path": "/properties/A/pattern", "value": "^$<accountID>$"}]`))
	}
	f.Fuzz(func(t *testing.T, template, overlay []byte) {
		fsys := fstest.MapFS{
			"AWS-Demo-Thing.json":          {Data: template},
			"overlays/AWS-Demo-Thing.json": {Data: overlay},
		}
		rep, err := lint.Lint(context.Background(), fsys, lint.Options{})
		if err != nil {
			t.Fatalf("Lint() error = %v", err)
		}
		for _, f := range rep.Findings {
			if f.File == "" || f.Rule == "" || (f.Severity != lint.Error && f.Severity != lint.Info) || f.Message == "" {
				t.Fatalf("incomplete finding %+v", f)
			}
		}
	})
}
