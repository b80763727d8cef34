package jsontree_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// The S3 example request, and a 1 MB resource (10,000 properties each holding an object with a
// string and a list), decoded by jsontree and by encoding/json with UseNumber for comparison.
func BenchmarkDecode(b *testing.B) {
	small, err := os.ReadFile("testdata/registered-s3-bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	props := make(map[string]any, 10_000)
	for i := range 10_000 {
		props[fmt.Sprintf("Property%06d", i)] = map[string]any{"Value": fmt.Sprintf("value-%032d", i), "List": []any{"a", "b", 3}}
	}
	large, err := json.Marshal(map[string]any{"resourceProperties": props})
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		raw  []byte
	}{{"s3example", small}, {"1MB", large}} {
		b.Run(in.name+"/jsontree", func(b *testing.B) {
			b.SetBytes(int64(len(in.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jsontree.Decode(in.raw, jsontree.Unlimited); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/encoding-json", func(b *testing.B) {
			b.SetBytes(int64(len(in.raw)))
			b.ReportAllocs()
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(in.raw))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
