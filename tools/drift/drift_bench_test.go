package drift_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/tools/drift"
)

// BenchmarkRealDrift compares the 50 types of the old snapshot with the current provider schemas.
func BenchmarkRealDrift(b *testing.B) {
	dir := dataDir(b)
	opts := drift.Options{
		Source:   dirSource(filepath.Join(dir, "cfn-schemas", "us-east-1")),
		Baseline: dirSource(filepath.Join(dir, "cfn-schemas-old", "us-east-1")),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := drift.Run(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}
