package validate_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
)

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Run(m, &srv)) }

// TestValidateTemplatesFromS3 reads the restricted templates from s3://bucket/prefix, as the
// hook does, from an S3-compatible server.
func TestValidateTemplatesFromS3(t *testing.T) {
	if srv == nil {
		t.Skip(s3test.SkipReason)
	}
	body, err := os.ReadFile("testdata/templates/AWS-S3-Bucket.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateBucket(t.Context(), "validate-templates"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Put(t.Context(), "validate-templates", "staging/AWS-S3-Bucket.json", body); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := cli.Test()
	f := &cli.Factory{IO: ios, AWSConfig: func(context.Context) (aws.Config, error) {
		return aws.Config{Region: s3test.Region, Credentials: credentials.NewStaticCredentialsProvider(s3test.RootAccess, s3test.RootSecret, "")}, nil
	}}
	cmd := validate.NewCmdValidate(f, nil)
	cmd.SetArgs([]string{"--templates", "s3://validate-templates/staging", "--endpoint-url", srv.Endpoint,
		"--account", "111122223333", "--region", "eu-west-1", "--var", "owner=platform,ops", "--var-list", "tagKeys=team",
		"testdata/input/approved.yaml", "testdata/input/unknown-type.yaml"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	if cli.ExitCode(err) != cli.ExitFindings {
		t.Fatalf("exit %d (%v), want 1 for the unapproved type\n%s", cli.ExitCode(err), err, out)
	}
	for _, want := range []string{"approved.yaml:6: ok: Bucket (AWS::S3::Bucket): approved", "Queue (AWS::SQS::Queue): AWS::SQS::Queue is not an approved resource type"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
