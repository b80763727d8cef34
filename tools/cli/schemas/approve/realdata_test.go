package approve_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/root"
	"github.com/rcfge/rcfge/tools/realdata"
)

// dataDir is the shared real data with both provider-schema snapshots (skips without them).
func dataDir(tb testing.TB) string {
	tb.Helper()
	realdata.Dir(tb, "cfn-schemas")
	realdata.Dir(tb, "cfn-schemas-old")
	return realdata.Dir(tb, "")
}

// rcfge runs one command line through the real root command, as the binary does.
func rcfge(t *testing.T, line string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	code = root.Run(context.Background(), &cli.Factory{IO: ios}, strings.Fields(line))
	return code, out.String(), errOut.String()
}

// must runs a command line and fails the test unless it exits with want.
func must(t *testing.T, want int, line string) string {
	t.Helper()
	code, out, errOut := rcfge(t, line)
	if code != want {
		t.Fatalf("rcfge %s\nexit %d, want %d\nstdout:\n%s\nstderr:\n%s", line, code, want, out, errOut)
	}
	return out
}

// resource writes a one-bucket CloudFormation template using the given property.
func resource(t *testing.T, dir, name, props string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	body := "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      " + props + "\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRealBucketLifecycle is #13's "Done when", command for command: the S3 bucket template
// generated from the old snapshot keeps BucketNamePrefix and BucketNamespace (added by AWS since)
// blocked when regenerated from the new one, pending lists both, and approving one lets exactly
// that one in, with a record.
func TestRealBucketLifecycle(t *testing.T) {
	data := dataDir(t)
	oldSrc := filepath.Join(data, "cfn-schemas-old", "us-east-1")
	newSrc := filepath.Join(data, "cfn-schemas", "us-east-1")
	dir := t.TempDir()
	work := t.TempDir()
	prefix := resource(t, work, "prefix.yaml", "BucketNamePrefix: logs-")
	namespace := resource(t, work, "namespace.yaml", "BucketNamespace: account-regional")
	name := resource(t, work, "name.yaml", "BucketName: my-bucket")
	validate := "validate --account 111122223333 --region us-east-1 --templates " + dir + " "

	must(t, 0, "schemas generate --source "+oldSrc+" --type AWS::S3::Bucket --out "+dir)
	must(t, 1, validate+prefix) // not in the old snapshot at all
	out := must(t, 0, "schemas generate --source "+newSrc+" --type AWS::S3::Bucket --out "+dir)
	for _, p := range []string{"pending /BucketNamePrefix", "pending /BucketNamespace"} {
		if !strings.Contains(out, p) {
			t.Errorf("generate does not report %q:\n%s", p, out)
		}
	}
	if out := must(t, 1, validate+prefix); !strings.Contains(out, "BucketNamePrefix is not an approved property") {
		t.Errorf("validate output does not name BucketNamePrefix:\n%s", out)
	}
	must(t, 0, validate+name)

	out = must(t, 1, "schemas pending --source "+newSrc+" --templates "+dir)
	for _, p := range []string{"pending /BucketNamePrefix", "pending /BucketNamespace"} {
		if !strings.Contains(out, p) {
			t.Errorf("pending does not list %q:\n%s", p, out)
		}
	}

	must(t, 0, "schemas approve --source "+newSrc+" --templates "+dir+" --reason CHG-1 AWS::S3::Bucket /BucketNamePrefix")
	must(t, 0, validate+prefix)
	must(t, 0, validate+name)
	must(t, 1, validate+namespace)
	out = must(t, 1, "schemas pending --source "+newSrc+" --templates "+dir)
	if strings.Contains(out, "/BucketNamePrefix") || !strings.Contains(out, "/BucketNamespace") {
		t.Errorf("pending after the approval:\n%s", out)
	}

	// Idempotent: the same approval again writes and records nothing.
	tpl := filepath.Join(dir, "AWS-S3-Bucket.json")
	before, _ := os.ReadFile(tpl)
	must(t, 0, "schemas approve --source "+newSrc+" --templates "+dir+" --reason CHG-1 AWS::S3::Bucket /BucketNamePrefix")
	after, _ := os.ReadFile(tpl)
	if !bytes.Equal(before, after) {
		t.Error("approving again changed the template")
	}
	rec, err := os.ReadFile(filepath.Join(dir, approval.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := approval.ReadRecord(bytes.NewReader(rec))
	if err != nil || len(entries) != 1 {
		t.Fatalf("record: %d entries, %v; want 1\n%s", len(entries), err, rec)
	}
	if e := entries[0]; e.Type != "AWS::S3::Bucket" || e.Path != "/BucketNamePrefix" || e.Reason != "CHG-1" || e.By == "" || !strings.HasPrefix(e.Source, "sha256:") {
		t.Errorf("record entry = %+v", e)
	}

	// A path the source lacks: one clear line, exit 2, nothing written.
	code, _, errOut := rcfge(t, "schemas approve --source "+newSrc+" --templates "+dir+" --reason CHG-1 AWS::S3::Bucket /BucketNamePrefx")
	if want := "rcfge: approve AWS::S3::Bucket: /BucketNamePrefx: not in the provider schema\n"; code != 2 || errOut != want {
		t.Errorf("approve of a missing path: exit %d, stderr %q; want 2, %q", code, errOut, want)
	}

	// Revoke takes it back out, and records it.
	must(t, 0, "schemas revoke --source "+newSrc+" --templates "+dir+" --reason CHG-2 AWS::S3::Bucket /BucketNamePrefix")
	must(t, 1, validate+prefix)
	must(t, 0, validate+name)
}

// TestRealEnumAndTypeApproval approves one new enum value of EKS's control plane tier (AWS added
// tier-8xl and tier-ultra) and a whole type with no template.
func TestRealEnumAndTypeApproval(t *testing.T) {
	data := dataDir(t)
	oldSrc := filepath.Join(data, "cfn-schemas-old", "us-east-1")
	newSrc := filepath.Join(data, "cfn-schemas", "us-east-1")
	dir := t.TempDir()
	must(t, 0, "schemas generate --source "+oldSrc+" --type AWS::EKS::Cluster --out "+dir)
	out := must(t, 1, "schemas pending --source "+newSrc+" --templates "+dir)
	for _, p := range []string{"/ControlPlaneScalingConfig/Tier", `"tier-8xl"`, `"tier-ultra"`} {
		if !strings.Contains(out, p) {
			t.Errorf("pending does not list %s:\n%s", p, out)
		}
	}
	must(t, 0, "schemas approve --source "+newSrc+" --templates "+dir+" --reason CHG-7 AWS::EKS::Cluster /ControlPlaneScalingConfig/Tier=tier-8xl")
	body, err := os.ReadFile(filepath.Join(dir, "AWS-EKS-Cluster.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"tier-8xl"`) || strings.Contains(string(body), `"tier-ultra"`) {
		t.Error("the template does not hold exactly the approved enum value")
	}
	out = must(t, 1, "schemas pending --source "+newSrc+" --templates "+dir+" --format json")
	if !strings.Contains(out, `"tier-ultra"`) || strings.Contains(out, `"tier-8xl"`) {
		t.Errorf("pending after the enum approval:\n%s", out)
	}
	code, _, errOut := rcfge(t, "schemas approve --source "+newSrc+" --templates "+dir+" --reason X AWS::EKS::Cluster /ControlPlaneScalingConfig/Tier=tier-99xl")
	if want := "rcfge: approve AWS::EKS::Cluster: /ControlPlaneScalingConfig/Tier: enum value \"tier-99xl\" not in the provider schema\n"; code != 2 || errOut != want {
		t.Errorf("approve of a missing enum value: exit %d, stderr %q; want 2, %q", code, errOut, want)
	}

	// A whole new type: exactly what a full generation writes.
	must(t, 0, "schemas approve --source "+newSrc+" --templates "+dir+" --reason CHG-8 AWS::SQS::Queue")
	got, err := os.ReadFile(filepath.Join(dir, "AWS-SQS-Queue.json"))
	if err != nil {
		t.Fatal(err)
	}
	full := t.TempDir()
	must(t, 0, "schemas generate --approve-all --source "+newSrc+" --type AWS::SQS::Queue --out "+full)
	want, err := os.ReadFile(filepath.Join(full, "AWS-SQS-Queue.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("approving a whole type differs from its full generation")
	}
	code, _, errOut = rcfge(t, "schemas approve --source "+newSrc+" --templates "+dir+" --reason X AWS::Nope::Thing")
	if want := "rcfge: approve AWS::Nope::Thing: the provider schemas of --source have no such type\n"; code != 2 || errOut != want {
		t.Errorf("approve of a missing type: exit %d, stderr %q; want 2, %q", code, errOut, want)
	}
	// Revoking the whole type deletes its template: the hook blocks it again.
	must(t, 0, "schemas revoke --source "+newSrc+" --templates "+dir+" --reason CHG-9 AWS::SQS::Queue")
	if _, err := os.Stat(filepath.Join(dir, "AWS-SQS-Queue.json")); !os.IsNotExist(err) {
		t.Errorf("template still there after revoking the type: %v", err)
	}
}
