package drift_test

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/drift"
	"github.com/rcfge/rcfge/tools/realdata"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir is the shared real data with both provider-schema snapshots (skips without them).
func dataDir(tb testing.TB) string {
	tb.Helper()
	realdata.Dir(tb, "cfn-schemas")
	realdata.Dir(tb, "cfn-schemas-old")
	return realdata.Dir(tb, "")
}

// TestRealDrift pins a few of AWS's real additions between the 2026-02-02 and 2026-08-03 snapshots
// (listed in the data's README).
func TestRealDrift(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	rep, err := drift.Run(context.Background(), drift.Options{
		Source:   dirSource(filepath.Join(dir, "cfn-schemas", "us-east-1")),
		Baseline: dirSource(filepath.Join(dir, "cfn-schemas-old", "us-east-1")),
	})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if len(rep.Types) != 50 {
		t.Errorf("compared %d types, want the 50 of the old snapshot", len(rep.Types))
	}
	got := map[string]map[string]drift.Kind{}
	for _, td := range rep.Types {
		got[td.TypeName] = map[string]drift.Kind{}
		for _, c := range td.Changes {
			got[td.TypeName][c.Path] = c.Kind
		}
	}
	tests := []struct {
		typeName, path string
		want           drift.Kind // empty: must not be reported
	}{
		{"AWS::S3::Bucket", "/BucketNamePrefix", drift.NewProperty},
		{"AWS::S3::Bucket", "/BucketNamespace", drift.NewProperty},
		{"AWS::EC2::VPC", "/VpcEncryptionControl", drift.NewProperty},
		{"AWS::Logs::LogGroup", "/BearerTokenAuthenticationEnabled", drift.NewProperty},
		{"AWS::CloudWatch::Alarm", "/EvaluationCriteria", drift.NewProperty},
		{"AWS::ECS::Service", "/Monitoring", drift.NewProperty},
		{"AWS::ECS::TaskDefinition", "/Volumes/*/S3FilesVolumeConfiguration", drift.NewProperty},
		{"AWS::EKS::Cluster", "/ControlPlaneScalingConfig/Tier", drift.NewEnumValues},
		// Read-only upstream: an output, nothing to approve.
		{"AWS::SSM::Parameter", "/Arn", ""},
		{"AWS::RDS::DBCluster", "/StorageEncryptionType", ""},
	}
	for _, tt := range tests {
		if k := got[tt.typeName][tt.path]; k != tt.want {
			t.Errorf("%s %s: reported %q, want %q", tt.typeName, tt.path, k, tt.want)
		}
	}
	if n := len(got["AWS::SQS::Queue"]); n != 0 {
		t.Errorf("AWS::SQS::Queue is identical in both snapshots, got %d changes", n)
	}
}

// TestRealDriftFromTemplates generates templates from the old snapshot with the real generator,
// then drifts them against the new one without a baseline: the template stands for its snapshot.
// An overlay that removes a new property is a decision and silences it.
func TestRealDriftFromTemplates(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	types := []string{"AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::ECS::TaskDefinition", "AWS::SQS::Queue"}
	overlays := fstest.MapFS{"AWS-S3-Bucket.json": {Data: []byte(`[{"op": "add", "path": "/properties/BucketNamespace", "value": {"type": "string"}}, {"op": "remove", "path": "/properties/BucketNamespace"}]`)}}
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{
		Source:   dirSource(filepath.Join(dir, "cfn-schemas-old", "us-east-1")),
		Types:    types,
		Overlays: overlays,
		Snapshot: "2026-02-02",
	})
	if err != nil {
		t.Fatalf("schemagen.Run() error = %v", err)
	}
	templates := fstest.MapFS{}
	for _, tpl := range tpls {
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			t.Fatal(err)
		}
		templates[name] = &fstest.MapFile{Data: tpl.Body}
	}
	rep, err := drift.Run(context.Background(), drift.Options{
		Source:    dirSource(filepath.Join(dir, "cfn-schemas", "us-east-1")),
		Templates: templates,
		Overlays:  overlays,
	})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	got := map[string][]string{}
	for _, td := range rep.Types {
		for _, c := range td.Changes {
			got[td.TypeName] = append(got[td.TypeName], string(c.Kind)+" "+c.Path)
		}
	}
	want := map[string][]string{
		// BucketNamespace was refused in the overlay; the nested MetadataConfiguration addition
		// is real (see the baseline test).
		"AWS::S3::Bucket":          {"new-property /BucketNamePrefix", "new-property /MetadataConfiguration/AnnotationTableConfiguration"},
		"AWS::Logs::LogGroup":      {"new-property /BearerTokenAuthenticationEnabled"},
		"AWS::ECS::TaskDefinition": {"new-property /Volumes/*/S3FilesVolumeConfiguration"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drift mismatch (-want +got):\n%s", diff)
	}
	if len(rep.Untemplated) != 1655-len(types) {
		t.Errorf("%d untemplated types, want %d", len(rep.Untemplated), 1655-len(types))
	}
}
