package schemagen_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/tools/schemagen"
)

// BenchmarkGenerateAll times generating the full real set (target: under 10 s per op here).
func BenchmarkGenerateAll(b *testing.B) {
	dataDir(b, "cfn-schemas/us-east-1")
	b.ReportAllocs()
	for b.Loop() {
		generateAll(b)
	}
}

// BenchmarkGenerateLargest times the largest real schema (QuickSight Dashboard, 707 definitions).
func BenchmarkGenerateLargest(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(dataDir(b, "cfn-schemas/us-east-1"), "aws-quicksight-dashboard.json"))
	if err != nil {
		b.Fatal(err)
	}
	p := schemagen.Provider{TypeName: "AWS::QuickSight::Dashboard", Body: body}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := schemagen.Generate(p, schemagen.Options{Snapshot: "2026-08-03"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTranslatePattern times a typical rewrite (\u escapes, a count above 1000, \Z).
func BenchmarkTranslatePattern(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := schemagen.TranslatePattern(`^[\u0020-\u007E]{1,2048}\Z`); err != nil {
			b.Fatal(err)
		}
	}
}
