package cfntemplate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// template500 is a YAML template of n buckets checked against the shipped S3 template: most are
// approved, every 7th breaks two rules and every 10th notifies a topic known only at deployment.
func template500(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n    Default: prod\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
	for i := range n {
		topic := "!Sub \"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:events\""
		if i%10 == 0 {
			topic = "!Ref Topic"
		}
		extra := ""
		if i%7 == 0 {
			extra = "      NewFeature: true\n      AccessControl: Nonsense\n"
		}
		fmt.Fprintf(&b, `  Bucket%d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "data-%d-${Env}-${AWS::AccountId}"
%s      VersioningConfiguration:
        Status: Enabled
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
      Tags:
        - Key: index
          Value: %d
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: %s
`, i, i, extra, i, topic)
	}
	return []byte(b.String())
}

// BenchmarkValidate500 is the library path of `rcfge validate` on one 500-bucket template: parse,
// resolve intrinsics, evaluate every resource (warm engine cache after the first iteration).
func BenchmarkValidate500(b *testing.B) {
	data := template500(500)
	ctx := context.Background()
	eng := engine.New(dirstore.New(schemas.FS()))
	// The shipped templates hold no SNS topic template; the fake answers for it alone.
	ev := topicApprover{eng}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tmpl, err := cfntemplate.Parse("bench.yaml", data, testOptions)
		if err != nil {
			b.Fatal(err)
		}
		fr, err := cfntemplate.Validate(ctx, ev, tmpl, testContext, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(fr.Resources) != 501 {
			b.Fatalf("%d results", len(fr.Resources))
		}
	}
}

// BenchmarkParse500 is the front end alone on the same template.
func BenchmarkParse500(b *testing.B) {
	data := template500(500)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := cfntemplate.Parse("bench.yaml", data, testOptions); err != nil {
			b.Fatal(err)
		}
	}
}

type topicApprover struct{ eng *engine.Engine }

func (a topicApprover) Evaluate(ctx context.Context, in engine.Input) (engine.Result, error) {
	if in.TypeName == "AWS::SNS::Topic" {
		return engine.Result{}, nil
	}
	return a.eng.Evaluate(ctx, in)
}

// TestTemplate500 checks the benchmark's input gives the verdicts it claims to.
func TestTemplate500(t *testing.T) {
	t.Parallel()
	tmpl, err := cfntemplate.Parse("bench.yaml", template500(70), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := cfntemplate.Validate(context.Background(), topicApprover{engine.New(dirstore.New(schemas.FS()))}, tmpl, testContext, nil)
	if err != nil {
		t.Fatal(err)
	}
	var failed, unverified int
	for _, r := range fr.Resources {
		if !r.Approved() {
			failed++
		}
		unverified += len(r.Unverified)
	}
	if failed != 10 || unverified != 7 {
		t.Errorf("%d failed, %d unverified; want 10 and 7", failed, unverified)
	}
}
