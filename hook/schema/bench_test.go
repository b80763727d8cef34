package schema_test

import (
	"io/fs"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/schemas"
)

func s3Schema(b *testing.B) *schema.Schema {
	body, err := fs.ReadFile(schemas.FS(), "AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	doc, _ := schema.Decode(body)
	filled, err := placeholder.Fill(doc, placeholder.Vars{"accountID": placeholder.String("111122223333"), "region": placeholder.String("eu-west-1"), "partition": placeholder.String("aws")})
	if err != nil {
		b.Fatal(err)
	}
	s, err := schema.Compile("AWS-S3-Bucket.json", filled)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

const s3Example = `{"BucketName":"my-bucket","NotificationConfiguration":{"TopicConfigurations":[{"Event":"s3:ObjectCreated:*","Topic":"arn:aws:sns:eu-west-1:111122223333:my-topic"}]}}`

// BenchmarkValidateS3 is validation alone (no coercion, no store, no cache).
func BenchmarkValidateS3(b *testing.B) {
	s := s3Schema(b)
	v := mustDecode(b, s3Example)
	b.ReportAllocs()
	for b.Loop() {
		if vs, err := s.Validate(v, schema.Options{}); err != nil || len(vs) > 0 {
			b.Fatal(vs, err)
		}
	}
}

// BenchmarkCoerceS3 is the schema-directed coercion walk alone.
func BenchmarkCoerceS3(b *testing.B) {
	s := s3Schema(b)
	v := mustDecode(b, s3Example)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Coerce(v)
	}
}
