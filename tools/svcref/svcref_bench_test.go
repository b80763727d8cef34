package svcref_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// BenchmarkLoad reads and indexes the full real snapshot (466 services, 18.5 MB).
func BenchmarkLoad(b *testing.B) {
	dir := svcreftest.Snapshot(b, svcreftest.NewDate)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svcref.LoadDir(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExpand expands a wildcard over the whole real catalogue.
func BenchmarkExpand(b *testing.B) {
	c, err := svcref.LoadDir(context.Background(), svcreftest.Snapshot(b, svcreftest.NewDate))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Expand("*:*Tag*"); err != nil {
			b.Fatal(err)
		}
	}
}
