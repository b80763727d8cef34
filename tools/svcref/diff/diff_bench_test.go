package diff_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/diff"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// BenchmarkDiffFullSnapshots measures `rcfge actions diff` on the two real snapshots: "load+diff"
// is the whole command (both snapshots read and decoded, then compared), "diff" the comparison
// alone. Target: under 1 s for load+diff.
func BenchmarkDiffFullSnapshots(b *testing.B) {
	oldDir := svcreftest.Snapshot(b, svcreftest.OldDate)
	newDir := svcreftest.Snapshot(b, svcreftest.NewDate)
	ctx := context.Background()
	b.Run("load+diff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			oldCat, err := svcref.LoadDir(ctx, oldDir)
			if err != nil {
				b.Fatal(err)
			}
			newCat, err := svcref.LoadDir(ctx, newDir)
			if err != nil {
				b.Fatal(err)
			}
			if r := diff.Compare("old", oldCat, "new", newCat); r.Totals.NewActions == 0 {
				b.Fatal("no new actions")
			}
		}
	})
	b.Run("diff", func(b *testing.B) {
		oldCat, newCat := load(b, oldDir), load(b, newDir)
		b.ReportAllocs()
		for b.Loop() {
			if r := diff.Compare("old", oldCat, "new", newCat); r.Totals.NewActions == 0 {
				b.Fatal("no new actions")
			}
		}
	})
}
