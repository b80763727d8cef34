package schema_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
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

// s3Example is examples/s3-bucket-own-topic.yaml's bucket with its intrinsics resolved: the
// design's notification to the account's own topic, plus the shipped template's security defaults.
const s3Example = `{"BucketName":"uploads-111122223333-eu-west-1",
 "BucketEncryption":{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:eu-west-1:111122223333:alias/uploads"},"BucketKeyEnabled":true}]},
 "PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true},
 "VersioningConfiguration":{"Status":"Enabled"},
 "NotificationConfiguration":{"TopicConfigurations":[{"Event":"s3:ObjectCreated:*","Topic":"arn:aws:sns:eu-west-1:111122223333:uploads-events"}]}}`

// BenchmarkValidateS3 is validation alone (no coercion, no store, no cache).
func BenchmarkValidateS3(b *testing.B) {
	s := s3Schema(b)
	v := mustDecode(b, s3Example)
	b.ReportAllocs()
	for b.Loop() {
		if vs, err := s.Validate(context.Background(), v, schema.Options{}); err != nil || len(vs) > 0 {
			b.Fatal(vs, err)
		}
	}
}

// BenchmarkColdS3 is a cold type: decode, fill and compile the S3 template, then the first
// validation (which builds the subschemas it reaches).
func BenchmarkColdS3(b *testing.B) {
	v := mustDecode(b, s3Example)
	b.ReportAllocs()
	for b.Loop() {
		s := s3Schema(b)
		if vs, err := s.Validate(context.Background(), v, schema.Options{}); err != nil || len(vs) > 0 {
			b.Fatal(vs, err)
		}
	}
}

// BenchmarkColdS3Uncached is BenchmarkColdS3 with the process-wide pattern caches emptied each
// iteration: the cold type of a fresh process, which compiles the template's patterns too (here
// in a warm process, so without the page faults a fresh one adds).
func BenchmarkColdS3Uncached(b *testing.B) {
	v := mustDecode(b, s3Example)
	b.ReportAllocs()
	for b.Loop() {
		schema.ForgetPatterns()
		s := s3Schema(b)
		if vs, err := s.Validate(context.Background(), v, schema.Options{}); err != nil || len(vs) > 0 {
			b.Fatal(vs, err)
		}
	}
}

// BenchmarkCompileAll compiles every template generated from AWS's provider schemas (decode and
// compile, as a fresh process meeting each type once). It needs the generated folder:
// `go run ./tools/rcfge schemas generate --approve-all --source ../shared/data/cfn-schemas/us-east-1 --out /tmp/gen-all`
// and RCFGE_GENERATED=/tmp/gen-all.
func BenchmarkCompileAll(b *testing.B) {
	dir := os.Getenv("RCFGE_GENERATED")
	if dir == "" {
		b.Skip("set RCFGE_GENERATED to a folder of generated templates")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		b.Skipf("no templates in %s", dir)
	}
	bodies := make([][]byte, len(files))
	for i, f := range files {
		if bodies[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, body := range bodies {
			doc, err := schema.Decode(body)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := schema.Compile(files[i], doc); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(bodies)), "templates")
}
