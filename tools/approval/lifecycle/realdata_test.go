package lifecycle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/approval/lifecycle"
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

var fixedNow = func() time.Time { return time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC) }

func dirSource(dir string) schemagen.SchemaSource { return schemagen.NewFSSource(os.DirFS(dir)) }

// writeAll writes templates into dir as `schemas generate` would.
func writeAll(t *testing.T, dir string, tpls []*schemagen.Template) {
	t.Helper()
	for _, tpl := range tpls {
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), tpl.Body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRealPendingAndApproveAll is #13's acceptance over the 50 types of the old snapshot: the
// templates generated from it, confronted with the new snapshot, hold back exactly the additions
// the data README names (and nothing AWS did not add); approving everything pending reproduces
// the full generation from the new snapshot byte for byte.
func TestRealPendingAndApproveAll(t *testing.T) {
	data := dataDir(t)
	ctx := context.Background()
	oldSrc := dirSource(filepath.Join(data, "cfn-schemas-old", "us-east-1"))
	newSrc := dirSource(filepath.Join(data, "cfn-schemas", "us-east-1"))
	types, err := oldSrc.Types(ctx)
	if err != nil || len(types) != 50 {
		t.Fatalf("old snapshot: %d types, %v; want 50", len(types), err)
	}
	first, err := schemagen.Run(ctx, schemagen.Request{Source: oldSrc, Types: types, Now: fixedNow})
	if err != nil {
		t.Fatalf("first import: %v", err)
	}
	dir := t.TempDir()
	writeAll(t, dir, first)

	// Only the 50 templated types are regenerated; the source's other types are new types.
	folder := lifecycle.Folder{Source: newSrc, Dir: dir, Now: fixedNow}
	rep, err := lifecycle.Pending(ctx, folder)
	if err != nil {
		t.Fatalf("Pending() error = %v", err)
	}
	if !rep.HasPending() {
		t.Fatal("HasPending() = false")
	}
	got := map[string][]string{}
	newTypes := 0
	for _, r := range rep.Types {
		if r.Status == approval.NewType {
			newTypes++
			continue
		}
		for _, c := range r.Pending {
			got[r.TypeName] = append(got[r.TypeName], c.Path)
		}
	}
	if want := 1655 - 50; newTypes != want {
		t.Errorf("%d new types, want %d", newTypes, want)
	}
	// The README's additions. Read-only ones (SSM::Parameter Arn, RDS::DBCluster
	// StorageEncryptionType) are outputs, not features: never pending.
	readme := map[string][]string{
		"AWS::S3::Bucket":                       {"/BucketNamePrefix", "/BucketNamespace"},
		"AWS::EC2::VPC":                         {"/VpcEncryptionControl"},
		"AWS::ECS::Service":                     {"/Monitoring"},
		"AWS::EKS::Cluster":                     {"/RollbackConfig"},
		"AWS::EKS::Nodegroup":                   {"/WarmPoolConfig"},
		"AWS::Logs::LogGroup":                   {"/BearerTokenAuthenticationEnabled"},
		"AWS::CloudWatch::Alarm":                {"/EvaluationCriteria", "/EvaluationInterval", "/EvaluationWindow"},
		"AWS::ElasticLoadBalancingV2::Listener": {"/Tags"},
		"AWS::AutoScaling::AutoScalingGroup":    {"/AvailabilityZoneIds"},
		"AWS::OpenSearchService::Domain":        {"/AutomatedSnapshotPauseOptions", "/DeploymentStrategyOptions", "/EngineMode", "/UseCase"},
		"AWS::ECS::TaskDefinition":              {"/Volumes/*/S3FilesVolumeConfiguration"},
		"AWS::CloudFront::Distribution":         {"/DistributionConfig/CacheTagConfig"},
		// Not in the README but real: Durability is new, ReplicationGroupId was read-only.
		"AWS::ElastiCache::ReplicationGroup":       {"/Durability", "/ReplicationGroupId"},
		"AWS::SSM::Parameter":                      nil,
		"AWS::RDS::DBCluster":                      nil,
		"AWS::SQS::Queue":                          nil,
		"AWS::ElasticLoadBalancingV2::TargetGroup": nil,
	}
	for typeName, paths := range readme {
		for _, p := range paths {
			if !slices.Contains(got[typeName], p) {
				t.Errorf("%s: %s not pending; pending: %v", typeName, p, got[typeName])
			}
		}
		if paths == nil && len(got[typeName]) > 0 {
			t.Errorf("%s: pending %v, want nothing new", typeName, got[typeName])
		}
	}
	// Nothing AWS did not add: the old raw provider schema lacks every pending property (or had
	// it read-only) and every pending enum value; the new one has them.
	for _, r := range rep.Types {
		if r.Status == approval.NewType {
			continue
		}
		oldDoc, newDoc := rawDoc(t, ctx, oldSrc, r.TypeName), rawDoc(t, ctx, newSrc, r.TypeName)
		oldRO := readOnly(oldDoc)
		for _, c := range r.Pending {
			switch c.Kind {
			case approval.NewProperty:
				if approval.Defines(oldDoc, c.Path) && !oldRO[c.Path] {
					t.Errorf("%s %s: pending, but the old provider schema has it", r.TypeName, c.Path)
				}
				if !approval.Defines(newDoc, c.Path) {
					t.Errorf("%s %s: pending, but the new provider schema lacks it", r.TypeName, c.Path)
				}
			case approval.NewEnumValues:
				for _, v := range c.Values {
					if slices.Contains(approval.EnumAt(oldDoc, c.Path), v) || !slices.Contains(approval.EnumAt(newDoc, c.Path), v) {
						t.Errorf("%s %s=%s: pending, but not an addition", r.TypeName, c.Path, v)
					}
				}
			default:
				t.Errorf("%s %s: pending kind %s", r.TypeName, c.Path, c.Kind)
			}
		}
	}
	t.Logf("pending: %v", got)

	// One notion of "what is new": drift, comparing the raw provider schemas with the same
	// templates, reports the same additions.
	drifted, err := drift.Run(ctx, drift.Options{Source: newSrc, Templates: os.DirFS(dir)})
	if err != nil {
		t.Fatal(err)
	}
	fromDrift := map[string][]string{}
	for _, td := range drifted.Types {
		for _, c := range td.Changes {
			if c.Kind == drift.NewProperty || c.Kind == drift.NewEnumValues {
				fromDrift[td.TypeName] = append(fromDrift[td.TypeName], c.Path)
			}
		}
	}
	if diff := cmp.Diff(got, fromDrift); diff != "" {
		t.Errorf("pending and drift disagree (-pending +drift):\n%s", diff)
	}

	// Approve everything pending, type by type, as the command would.
	for _, r := range rep.Types {
		if r.Status == approval.NewType || len(r.Pending) == 0 {
			continue
		}
		var grants []approval.Grant
		for _, item := range lifecycle.Items(r) {
			g, err := approval.ParseGrant(item)
			if err != nil {
				t.Fatalf("%s: pending item %q does not parse: %v", r.TypeName, item, err)
			}
			grants = append(grants, g)
		}
		out, err := lifecycle.Approve(ctx, folder, lifecycle.Decision{Type: r.TypeName, Grants: grants, Reason: "CHG-ALL", By: "test"})
		if err != nil {
			t.Fatalf("Approve(%s) error = %v", r.TypeName, err)
		}
		if len(out.Review.Pending) != 0 {
			t.Errorf("%s: still pending after approving all: %v", r.TypeName, lifecycle.Items(out.Review))
		}
	}
	// Regenerate the rest (refresh descriptions, drop removals) and compare with a full
	// generation from the new snapshot.
	regen, err := schemagen.Run(ctx, schemagen.Request{Source: newSrc, Previous: os.DirFS(dir), Approved: os.DirFS(dir), Now: fixedNow})
	if err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	full, err := schemagen.Run(ctx, schemagen.Request{Source: newSrc, Types: types, Previous: os.DirFS(dir), Now: fixedNow})
	if err != nil {
		t.Fatalf("full generation: %v", err)
	}
	if len(regen) != len(full) {
		t.Fatalf("regenerated %d templates, full generation %d", len(regen), len(full))
	}
	for i := range full {
		if !bytes.Equal(regen[i].Body, full[i].Body) {
			t.Errorf("%s: approving everything pending differs from the full generation", full[i].TypeName)
		}
	}
	rec, err := os.ReadFile(filepath.Join(dir, approval.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := approval.ReadRecord(bytes.NewReader(rec))
	if err != nil {
		t.Fatalf("ReadRecord() error = %v", err)
	}
	if n := strings.Count(string(rec), "\n"); len(entries) != n || n == 0 {
		t.Errorf("record: %d entries in %d lines", len(entries), n)
	}
}

func rawDoc(t *testing.T, ctx context.Context, src schemagen.SchemaSource, typeName string) map[string]any {
	t.Helper()
	p, err := src.Get(ctx, typeName)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(p.Body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// readOnly returns a provider schema's readOnlyProperties as instance paths.
func readOnly(doc map[string]any) map[string]bool {
	out := map[string]bool{}
	list, _ := doc["readOnlyProperties"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out[strings.TrimPrefix(s, "/properties")] = true
		}
	}
	return out
}
