package wire_test

import (
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// BenchmarkDecode: one registered-hook request with stringified model and credentials.
func BenchmarkDecode(b *testing.B) {
	raw, err := os.ReadFile("testdata/registered/update-stringified.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
