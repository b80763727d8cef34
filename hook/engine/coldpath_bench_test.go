package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
)

// BenchmarkColdTypeS3 is a cold type as the hook meets it: a fresh engine (empty caches) evaluates
// the S3 example, so the iteration pays decode, placeholder preparation, fill, compile and the
// first validation (which builds the subschemas it reaches). Target (#14): ≤ 3 ms CPU.
func BenchmarkColdTypeS3(b *testing.B) {
	b.Run("annotated", func(b *testing.B) { coldType(b, dirstore.New(schemas.FS())) })
	// As make publish uploads it (rcfge schemas compact): what the hook reads from S3.
	b.Run("compact", func(b *testing.B) {
		doc, _ := shippedS3(b)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(schema.Compact(doc)); err != nil {
			b.Fatal(err)
		}
		coldType(b, dirstore.New(fstest.MapFS{"AWS-S3-Bucket.json": {Data: buf.Bytes()}}))
	})
}

func coldType(b *testing.B, st store.Store) {
	in := engine.Input{TypeName: "AWS::S3::Bucket", Properties: props(b, s3Example), Context: s3Ctx}
	b.ReportAllocs()
	for b.Loop() {
		r, err := engine.New(st).Evaluate(context.Background(), in)
		if err != nil || !r.Verdict.Approved() || r.CacheHit {
			b.Fatalf("%v %v hit=%v", r.Verdict, err, r.CacheHit)
		}
	}
}

// BenchmarkPreparedFillS3 is the engine's placeholder fill of the S3 template: the places holding
// placeholders were found once (placeholder.Prepare), so a fill per account rewrites only those.
func BenchmarkPreparedFillS3(b *testing.B) {
	doc, vars := shippedS3(b)
	tpl, err := placeholder.Prepare(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Fill(vars); err != nil {
			b.Fatal(err)
		}
	}
}

// shippedS3 is the shipped S3 template, decoded, and the placeholder values the benchmarks fill it with.
func shippedS3(b *testing.B) (any, placeholder.Vars) {
	b.Helper()
	body, err := fs.ReadFile(schemas.FS(), "AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := schema.Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	return doc, placeholder.Vars{"accountID": placeholder.String("111122223333"), "region": placeholder.String("eu-west-1"), "partition": placeholder.String("aws")}
}
