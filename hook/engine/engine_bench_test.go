package engine_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
)

// s3Example is examples/s3-bucket-own-topic.yaml's bucket with its intrinsics resolved: the
// design's notification to the account's own topic, plus the shipped template's security defaults.
const s3Example = `{"BucketName":"uploads-111122223333-eu-west-1",
 "BucketEncryption":{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:eu-west-1:111122223333:alias/uploads"},"BucketKeyEnabled":true}]},
 "PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true},
 "VersioningConfiguration":{"Status":"Enabled"},
 "NotificationConfiguration":{"TopicConfigurations":[{"Event":"s3:ObjectCreated:*","Topic":"arn:aws:sns:eu-west-1:111122223333:uploads-events"}]}}`

var s3Ctx = engine.Context{AccountID: "111122223333", Region: "eu-west-1", StackName: "demo", LogicalResourceID: "Bucket"}

// BenchmarkEvaluateWarmS3 is the hook's hot path: template cached, compiled schema cached.
// Target: ≤ 20 µs/op and ≤ 50 allocs/op.
func BenchmarkEvaluateWarmS3(b *testing.B) {
	e := engine.New(dirstore.New(schemas.FS()))
	in := engine.Input{TypeName: "AWS::S3::Bucket", Properties: props(b, s3Example), Context: s3Ctx}
	if r, err := e.Evaluate(context.Background(), in); err != nil || !r.Verdict.Approved() {
		b.Fatalf("%v %v", r.Verdict, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileColdS3 is a first request: parse, fill placeholders and compile the S3 template.
func BenchmarkCompileColdS3(b *testing.B) {
	body, err := fs.ReadFile(schemas.FS(), "AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	vars := placeholder.Vars{"accountID": placeholder.String("111122223333"), "region": placeholder.String("eu-west-1"), "partition": placeholder.String("aws")}
	b.ReportAllocs()
	for b.Loop() {
		doc, err := schema.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		filled, err := placeholder.Fill(doc, vars)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := schema.Compile("AWS-S3-Bucket.json", filled); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubstituteS3 is placeholder substitution alone over the S3 template.
func BenchmarkSubstituteS3(b *testing.B) {
	doc, vars := shippedS3(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := placeholder.Fill(doc, vars); err != nil {
			b.Fatal(err)
		}
	}
}
