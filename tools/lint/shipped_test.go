package lint_test

import (
	"context"
	"os"
	"testing"

	"github.com/rcfge/rcfge/tools/lint"
)

// TestShippedTemplates lints the templates and overlays rcfge ships, as `make test` does.
func TestShippedTemplates(t *testing.T) {
	t.Parallel()
	rep, err := lint.Lint(context.Background(), os.DirFS("../../schemas"), lint.Options{})
	if err != nil {
		t.Fatalf("Lint() error = %v", err)
	}
	for _, f := range rep.Findings {
		if f.Severity == lint.Error {
			t.Errorf("%s#%s [%s]: %s", f.File, f.Path, f.Rule, f.Message)
		}
	}
	if rep.Templates < 15 {
		t.Errorf("%d templates linted, want at least the 15 shipped", rep.Templates)
	}
}
