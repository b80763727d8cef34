package lint_test

import (
	"context"
	"os"
	"testing"

	"github.com/rcfge/rcfge/tools/lint"
)

// BenchmarkLintShipped lints the 15 shipped templates and their overlays, as CI does.
func BenchmarkLintShipped(b *testing.B) {
	fsys := os.DirFS("../../schemas")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lint.Lint(context.Background(), fsys, lint.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
