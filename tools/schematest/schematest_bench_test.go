package schematest_test

import (
	"context"
	"os"
	"testing"

	"github.com/rcfge/rcfge/tools/schematest"
)

// BenchmarkRunShipped runs the unit tests of the 15 shipped templates, compiling each template
// once per run, as CI does.
func BenchmarkRunShipped(b *testing.B) {
	fsys := os.DirFS("../../schemas")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := schematest.Run(context.Background(), fsys, schematest.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
