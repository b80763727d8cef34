package scpgen_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/svcref"
)

// BenchmarkBuild is the whole `rcfge scp build` for 20 common types: loading the full service
// reference, reading the provider schemas, minimising, packing, proving and encoding (target < 1 s).
func BenchmarkBuild(b *testing.B) {
	svcRef, _ := realData(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cat, err := svcref.LoadDir(ctx, svcRef)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := scpgen.Build(ctx, realInput(b, cat)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile is the build without loading the service reference.
func BenchmarkCompile(b *testing.B) {
	svcRef, _ := realData(b)
	ctx := context.Background()
	cat, err := svcref.LoadDir(ctx, svcRef)
	if err != nil {
		b.Fatal(err)
	}
	in := realInput(b, cat)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scpgen.Build(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
