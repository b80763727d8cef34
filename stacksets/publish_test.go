package stacksets_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/tools/compact"
)

// scripts/publish.sh runs here for real: the aws CLI against versitygw, rcfge built from this tree
// for `schemas compact`, and a stub in place of `rcfge schemas lint` (the linter has its own
// tests; here only its verdict matters).

func TestPublishTemplates(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw and runs the aws CLI")
	}
	for _, tool := range []string{"bash", "aws", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("publish test needs %s: %v", tool, err)
		}
	}
	srv, err := s3test.Start(context.Background())
	if err != nil {
		if os.Getenv("RCFGE_REQUIRE_S3") == "1" {
			t.Fatalf("RCFGE_REQUIRE_S3=1 but versitygw did not start: %v", err)
		}
		t.Skipf("S3 integration test skipped: %v", err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	names, err := loadNames()
	if err != nil {
		t.Fatal(err)
	}
	const bucket = "rcfge-publish-test"
	for _, b := range []string{bucket, names.TemplatesBucketName + "-999988887777"} {
		if err := srv.CreateBucket(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	client := srv.Client(s3test.RootAccess, s3test.RootSecret)
	bin := t.TempDir()
	real := filepath.Join(bin, "rcfge-real")
	if out, err := exec.Command("go", "build", "-o", real, "../tools/rcfge").CombinedOutput(); err != nil {
		t.Fatalf("build rcfge: %v\n%s", err, out)
	}
	stub := filepath.Join(bin, "rcfge")
	if err := os.WriteFile(stub, []byte(`#!/bin/sh
case "$1 $2" in
"schemas lint") exit ${STUB_LINT_EXIT:-0} ;;
"schemas compact") [ -z "$STUB_COMPACT_EXIT" ] || exit "$STUB_COMPACT_EXIT"; exec "$REAL_RCFGE" "$@" ;;
*) exit 2 ;;
esac
`), 0o755); err != nil {
		t.Fatal(err)
	}
	publish := func(t *testing.T, env ...string) (string, error) {
		t.Helper()
		cmd := exec.Command("bash", "../scripts/publish.sh", "templates")
		cmd.Env = append([]string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
			"AWS_ACCESS_KEY_ID=" + s3test.RootAccess, "AWS_SECRET_ACCESS_KEY=" + s3test.RootSecret,
			"AWS_DEFAULT_REGION=" + s3test.Region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"ENDPOINT_URL=" + srv.Endpoint, "RCFGE=" + stub, "REAL_RCFGE=" + real,
		}, env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	keys := func(t *testing.T, b string) []string {
		t.Helper()
		out, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, o := range out.Contents {
			ks = append(ks, aws.ToString(o.Key))
		}
		slices.Sort(ks)
		return ks
	}
	v1 := "testdata/publish/v1"
	// publish.sh runs from the repository root; hand it absolute paths.
	abs, err := filepath.Abs(v1)
	if err != nil {
		t.Fatal(err)
	}
	badname, err := filepath.Abs("testdata/publish/badname")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("publishes, checks checksums, withdraws stale approvals", func(t *testing.T) {
		for key, body := range map[string]string{
			"templates/AWS-EC2-Instance.json":                    "{}",
			"templates/accounts/444455556666/AWS-SNS-Topic.json": "{}",
			"elsewhere/keep.json":                                "{}",
		} {
			if _, err := srv.Put(ctx, bucket, key, []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		out, err := publish(t, "BUCKET="+bucket, "PREFIX=templates", "TEMPLATES_DIR="+abs)
		if err != nil {
			t.Fatalf("publish: %v\n%s", err, out)
		}
		want := []string{
			"elsewhere/keep.json",
			"templates/AWS-S3-Bucket.json",
			"templates/AWS-SNS-Topic.json",
			"templates/accounts/111122223333/AWS-S3-Bucket.json",
			"templates/manifest.json",
		}
		if got := keys(t, bucket); !slices.Equal(got, want) {
			t.Fatalf("keys = %v, want %v\n%s", got, want, out)
		}
		for _, rel := range []string{"AWS-S3-Bucket.json", "AWS-SNS-Topic.json", "accounts/111122223333/AWS-S3-Bucket.json"} {
			local := published(t, filepath.Join(v1, rel))
			sum := sha256.Sum256(local)
			head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("templates/" + rel), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(head.ChecksumSHA256), base64.StdEncoding.EncodeToString(sum[:]); got != want {
				t.Errorf("%s: S3 checksum %q, want %q", rel, got, want)
			}
		}
		obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("templates/manifest.json")})
		if err != nil {
			t.Fatal(err)
		}
		defer obj.Body.Close()
		body, err := io.ReadAll(obj.Body)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Bucket, Prefix, GitCommit string
			Files                     []struct {
				Key, SHA256 string
				Size        int
			}
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("manifest is not JSON: %v\n%s", err, body)
		}
		if m.Bucket != bucket || m.Prefix != "templates" || m.GitCommit == "" || len(m.Files) != 3 {
			t.Fatalf("manifest = %+v", m)
		}
		for _, f := range m.Files {
			local := published(t, filepath.Join(v1, strings.TrimPrefix(f.Key, "templates/")))
			sum := sha256.Sum256(local)
			if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != len(local) {
				t.Errorf("manifest entry %+v does not match the file", f)
			}
		}
		for _, gone := range []string{"templates/AWS-EC2-Instance.json", "templates/accounts/444455556666/AWS-SNS-Topic.json"} {
			if !strings.Contains(out, "withdrew s3://"+bucket+"/"+gone) {
				t.Errorf("output does not report withdrawing %s:\n%s", gone, out)
			}
		}
	})

	errorCases := []struct {
		name string
		env  []string
		want string
	}{
		{"lint fails", []string{"TEMPLATES_DIR=" + abs, "STUB_LINT_EXIT=1"}, "rcfge schemas lint " + abs + " failed; nothing published"},
		{"compact fails", []string{"TEMPLATES_DIR=" + abs, "STUB_COMPACT_EXIT=2"}, "rcfge schemas compact " + abs + " failed; nothing published"},
		{"badly named file", []string{"TEMPLATES_DIR=" + badname}, "notes.json is not named <Service>-<Provider>-<Type>.json"},
		{"missing folder", []string{"TEMPLATES_DIR=testdata/publish/nope"}, "templates folder testdata/publish/nope does not exist"},
		{"empty folder", []string{"TEMPLATES_DIR=" + t.TempDir()}, "no templates in"},
		{"no rcfge", []string{"TEMPLATES_DIR=" + abs, "RCFGE=/nonexistent/rcfge"}, "/nonexistent/rcfge is not built"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			before := keys(t, bucket)
			out, err := publish(t, append([]string{"BUCKET=" + bucket, "PREFIX=templates"}, tt.env...)...)
			if err == nil {
				t.Fatalf("publish succeeded, want an error\n%s", out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output does not say %q:\n%s", tt.want, out)
			}
			if after := keys(t, bucket); !slices.Equal(before, after) {
				t.Errorf("bucket changed on a failed publish: %v -> %v", before, after)
			}
		})
	}

	t.Run("bucket and prefix default to scp/rcfge.yaml and the admin account", func(t *testing.T) {
		out, err := publish(t, "TEMPLATES_DIR="+abs, "DRY_RUN=1", "ACCOUNT=999988887777")
		if err != nil {
			t.Fatalf("publish: %v\n%s", err, out)
		}
		want := "s3://" + names.TemplatesBucketName + "-999988887777/" + names.TemplatesPrefix + "/AWS-SNS-Topic.json"
		if !strings.Contains(out, want) {
			t.Errorf("dry run does not target %s:\n%s", want, out)
		}
		if got := keys(t, names.TemplatesBucketName+"-999988887777"); len(got) != 0 {
			t.Errorf("dry run wrote %v", got)
		}
	})
}

func TestPublishArtifacts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw, builds rcfge for linux and runs the aws CLI")
	}
	for _, tool := range []string{"bash", "aws", "openssl", "zip", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("publish test needs %s: %v", tool, err)
		}
	}
	srv, err := s3test.Start(context.Background())
	if err != nil {
		if os.Getenv("RCFGE_REQUIRE_S3") == "1" {
			t.Fatalf("RCFGE_REQUIRE_S3=1 but versitygw did not start: %v", err)
		}
		t.Skipf("S3 integration test skipped: %v", err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	regions := []string{"eu-west-1", "us-east-1"}
	for _, r := range regions {
		if err := srv.CreateBucket(ctx, "rcfge-artifacts-111122223333-"+r); err != nil {
			t.Fatal(err)
		}
	}
	dist := t.TempDir()
	for _, f := range []string{"rcfge-hook-arm64.zip", "rcfge-config-enforcer.zip"} {
		if err := os.WriteFile(filepath.Join(dist, f), []byte("zip of "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(t *testing.T, env ...string) (string, error) {
		t.Helper()
		cmd := exec.Command("bash", "../scripts/publish.sh", "artifacts")
		cmd.Env = append([]string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GOCACHE=" + goEnv(t, "GOCACHE"), "GOMODCACHE=" + goEnv(t, "GOMODCACHE"),
			"GOPATH=" + goEnv(t, "GOPATH"), "GOFLAGS=" + goEnv(t, "GOFLAGS"), "GOTOOLCHAIN=" + goEnv(t, "GOTOOLCHAIN"),
			"AWS_ACCESS_KEY_ID=" + s3test.RootAccess, "AWS_SECRET_ACCESS_KEY=" + s3test.RootSecret,
			"AWS_DEFAULT_REGION=" + s3test.Region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"ENDPOINT_URL=" + srv.Endpoint, "ACCOUNT=111122223333", "VERSION=v9.9.9", "DIST=" + dist,
			"HOOK_ZIP=" + filepath.Join(dist, "rcfge-hook-arm64.zip"), "HANDLER_PACKAGE=" + filepath.Join(dist, "rcfge-config-enforcer.zip"),
		}, env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	t.Run("every region gets the release", func(t *testing.T) {
		out, err := run(t, "REGIONS=eu-west-1,us-east-1")
		if err != nil {
			t.Fatalf("publish artifacts: %v\n%s", err, out)
		}
		client := srv.Client(s3test.RootAccess, s3test.RootSecret)
		for _, r := range regions {
			bucket := "rcfge-artifacts-111122223333-" + r
			for _, key := range []string{
				"stacksets/v9.9.9/admin.yaml", "stacksets/v9.9.9/member.yaml", "stacksets/v9.9.9/management.yaml",
				"stacksets/v9.9.9/svcref-job.yaml", "hook/v9.9.9/rcfge-hook-arm64.zip", "hook/v9.9.9/rcfge-config-enforcer.zip",
				"svcref-job/v9.9.9/rcfge-svcref-job-arm64.zip",
			} {
				head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if err != nil {
					t.Errorf("%s/%s: %v", bucket, key, err)
					continue
				}
				if aws.ToString(head.ChecksumSHA256) == "" {
					t.Errorf("%s/%s has no SHA-256 checksum", bucket, key)
				}
			}
		}
		for _, want := range []string{
			"MemberTemplateUrl=https://rcfge-artifacts-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com/stacksets/v9.9.9/member.yaml",
			"HookCodeKey=hook/v9.9.9/rcfge-hook-arm64.zip",
			"JobCodeKey=svcref-job/v9.9.9/rcfge-svcref-job-arm64.zip",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %s:\n%s", want, out)
			}
		}
		zr, err := zip.OpenReader(filepath.Join(dist, "rcfge-svcref-job-arm64.zip"))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		modes := map[string]os.FileMode{}
		for _, f := range zr.File {
			modes[f.Name] = f.Mode()
		}
		for _, name := range []string{"bootstrap", "bin/rcfge"} {
			if m, ok := modes[name]; !ok || m&0o111 == 0 {
				t.Errorf("job zip: %s missing or not executable (%v); entries %v", name, m, modes)
			}
		}
	})

	errorCases := []struct {
		name string
		env  []string
		want string
	}{
		{"no regions", nil, "REGIONS is required"},
		{"bad architecture", []string{"REGIONS=eu-west-1", "LAMBDA_ARCH=sparc"}, "LAMBDA_ARCH must be arm64 or x86_64"},
		{"dirty tree", []string{"REGIONS=eu-west-1", "VERSION=v1-dirty"}, "the work tree has changes"},
		{"missing hook zip", []string{"REGIONS=eu-west-1", "HOOK_ZIP=/nonexistent.zip"}, "/nonexistent.zip is missing: run make package"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, tt.env...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("publish artifacts = %v, want an error saying %q:\n%s", err, tt.want, out)
			}
		})
	}
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

// published is the form publish.sh uploads of a template file: its compact form.
func published(t *testing.T, path string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := compact.Template(body)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out, body) {
		t.Fatalf("%s is already compact: the test would not tell the forms apart", path)
	}
	return out
}
