package schema_test

import (
	"context"
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
