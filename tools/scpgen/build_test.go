package scpgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
	svcpolicy "github.com/rcfge/rcfge/tools/svcref/policy"
)

func fixtureCatalog(t *testing.T) *svcref.Catalog {
	t.Helper()
	cat, err := svcref.LoadDir(context.Background(), filepath.Join("testdata", "svcref"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func fixtureInput(t *testing.T, config, templates string) scpgen.Input {
	t.Helper()
	cfg, err := scpgen.LoadConfigFile(filepath.Join("testdata", "config", config))
	if err != nil {
		t.Fatal(err)
	}
	return scpgen.Input{
		Config:    cfg,
		Catalog:   fixtureCatalog(t),
		Schemas:   os.DirFS(filepath.Join("testdata", "schemas")),
		Templates: os.DirFS(filepath.Join("testdata", "templates", templates)),
	}
}

// assertGoldenDir compares the build's files with testdata/TestBuild/<name>/, or rewrites them with -update.
func assertGoldenDir(t *testing.T, name string, res *scpgen.Result) {
	t.Helper()
	dir := filepath.Join("testdata", "TestBuild", name)
	if golden.Update() {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := scpgen.Write(dir, res); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := t.TempDir()
	if err := scpgen.Write(got, res); err != nil {
		t.Fatal(err)
	}
	wantFiles, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	gotFiles, _ := filepath.Glob(filepath.Join(got, "*.json"))
	if len(wantFiles) != len(gotFiles) {
		t.Fatalf("%d files, golden has %d (run with -update and review the diff)", len(gotFiles), len(wantFiles))
	}
	for _, w := range wantFiles {
		want, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		g, err := os.ReadFile(filepath.Join(got, filepath.Base(w)))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(g)); diff != "" {
			t.Errorf("%s (-golden +got):\n%s", filepath.Base(w), diff)
		}
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		config       string
		templates    string
		quotas       *pack.Quotas
		wantPolicies int
		wantSplit    string // a statement that must be split across policies
	}{
		{name: "basic", config: "basic.yaml", templates: "basic", wantPolicies: 1},
		// Half of 200 EC2 actions, picked at random, make an allow list too large for 1,200
		// characters: exact names need more policies than minimised patterns.
		{name: "split", config: "basic.yaml", templates: "wide", quotas: &pack.Quotas{MaxChars: 1200, MaxPolicies: 10},
			wantPolicies: 7, wantSplit: scpgen.SidAllowedListActions},
		{name: "wildcards", config: "allow-wildcards.yaml", templates: "wide", quotas: &pack.Quotas{MaxChars: 1200, MaxPolicies: 10},
			wantPolicies: 6, wantSplit: scpgen.SidAllowedListActions},
		{name: "raised", config: "max.yaml", templates: "wide", wantPolicies: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := fixtureInput(t, tt.config, tt.templates)
			if tt.quotas != nil {
				in.Config.Quotas = *tt.quotas
			}
			res, err := scpgen.Build(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Policies) != tt.wantPolicies {
				t.Errorf("%d policies, want %d", len(res.Policies), tt.wantPolicies)
			}
			if tt.wantSplit != "" {
				var parts int
				for _, p := range res.Manifest.Policies {
					for _, s := range p.Statements {
						if s.Statement == tt.wantSplit {
							parts++
						}
					}
				}
				if parts < 2 {
					t.Errorf("%s is in %d policies, want it split", tt.wantSplit, parts)
				}
			}
			for _, p := range res.Manifest.Policies {
				if p.Chars > in.Config.Quotas.MaxChars {
					t.Errorf("%s: %d characters over %d", p.File, p.Chars, in.Config.Quotas.MaxChars)
				}
			}
			assertAllowExact(t, res, in.Config.AllowWildcards)
			assertGoldenDir(t, tt.name, res)
			// What the build wrote must pass the checker.
			dir := t.TempDir()
			if err := scpgen.Write(dir, res); err != nil {
				t.Fatal(err)
			}
			rep, err := scpgen.Check(context.Background(), os.DirFS(dir), in.Catalog, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				var buf bytes.Buffer
				_ = rep.WriteText(&buf)
				t.Errorf("check found problems:\n%s", buf.String())
			}
		})
	}
}

// assertAllowExact: without the opt-in, every Allow statement names exact actions, and the
// manifest says which way the build went.
func assertAllowExact(t *testing.T, res *scpgen.Result, wildcards bool) {
	t.Helper()
	if res.Manifest.AllowWildcards != wildcards {
		t.Errorf("manifest allowWildcards = %v, want %v", res.Manifest.AllowWildcards, wildcards)
	}
	wild := 0
	for _, f := range res.Policies {
		ps, err := svcpolicy.Parse(f.Name, f.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.GrantsMore() && svcref.HasWildcard(p.Pattern) {
				wild++
			}
		}
	}
	if !wildcards && wild > 0 {
		t.Errorf("%d wildcard patterns in Allow statements without allowWildcards", wild)
	}
	if wildcards && wild == 0 {
		t.Errorf("allowWildcards: no wildcard pattern in any Allow statement: the opt-in did nothing")
	}
	for _, s := range res.Manifest.Statements {
		if s.Effect == "Allow" && s.Exact == wildcards {
			t.Errorf("manifest: %s exact = %v with allowWildcards %v", s.Sid, s.Exact, wildcards)
		}
	}
}

// TestBuildUnknownHandlerActions: actions AWS's provider schema names but the service reference
// lacks are warnings that name the type, the handlers and the action, and stay out of the SCP.
func TestBuildUnknownHandlerActions(t *testing.T) {
	t.Parallel()
	res, err := scpgen.Build(context.Background(), fixtureInput(t, "basic.yaml", "basic"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"AWS::S3::Bucket (create,update handlers): s3:DeleteBucketCors: not in the service reference: service s3 has no action DeleteBucketCors; left out of the SCPs, where IAM would never match it",
		"AWS::S3::Bucket (create handlers): s3:REST.PUT.OBJECT: not in the service reference: service s3 has no action REST.PUT.OBJECT; left out of the SCPs, where IAM would never match it",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	for _, p := range res.Policies {
		if bytes.Contains(p.Data, []byte("DeleteBucketCors")) || bytes.Contains(p.Data, []byte("REST.PUT")) {
			t.Errorf("%s holds an unknown action: %s", p.Name, p.Data)
		}
	}
	if diff := cmp.Diff([]string{"s3:DeleteBucketCors", "s3:REST.PUT.OBJECT"}, res.Manifest.Types[0].Unknown); diff != "" {
		t.Errorf("manifest unknown (-want +got):\n%s", diff)
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		config    string
		templates string
		strict    bool
		quotas    *pack.Quotas
		wantErr   error
		wantMsg   []string
	}{
		{name: "strict turns unknown handler actions into errors", config: "basic.yaml", templates: "basic", strict: true,
			wantErr: scpgen.ErrUnknownAction, wantMsg: []string{"s3:DeleteBucketCors", "s3:REST.PUT.OBJECT"}},
		{name: "unknown actions in the config are listed", config: "unknown-actions.yaml", templates: "basic",
			wantErr: scpgen.ErrUnknownAction, wantMsg: []string{
				`callableOutsideCloudFormation: "s3:NoSuchAction" (not in the service reference: service s3 has no action NoSuchAction)`,
				`"sqs:SendMessage" (unknown service "sqs")`,
				`"s3:Nothing*" (`, `"*" (a bare * is not allowed here)`}},
		{name: "exact names do not fit", config: "basic.yaml", templates: "wide",
			quotas: &pack.Quotas{MaxChars: 1200, MaxPolicies: 5}, wantErr: scpgen.ErrQuotas,
			wantMsg: []string{"policies do not fit the quotas: 1683 characters missing (7 policies of at most 1200 characters needed, 5 allowed per target)",
				"or set allowWildcards: true"}},
		{name: "minimised patterns do not fit either", config: "allow-wildcards.yaml", templates: "wide",
			quotas: &pack.Quotas{MaxChars: 1200, MaxPolicies: 3}, wantErr: scpgen.ErrQuotas,
			wantMsg: []string{"2378 characters missing (6 policies of at most 1200 characters needed, 3 allowed per target)"}},
		{name: "statement too large even alone", config: "basic.yaml", templates: "basic",
			quotas: &pack.Quotas{MaxChars: 300, MaxPolicies: 5}, wantErr: pack.ErrStatementTooLarge, wantMsg: []string{"ProtectRCFGEResources"}},
		{name: "no approved types", config: "basic.yaml", templates: "empty", wantErr: scpgen.ErrNoApprovedTypes},
		{name: "template file not named after a type", config: "basic.yaml", templates: "badname", wantMsg: []string{"AWS_S3_Bucket.json: not named <Type>.json"}},
		{name: "no provider schema", config: "basic.yaml", templates: "noschema", wantErr: fs.ErrNotExist, wantMsg: []string{"provider schema for AWS::SQS::Queue"}},
		{name: "provider schema of another type", config: "basic.yaml", templates: "mismatch", wantErr: scpgen.ErrProviderSchema,
			wantMsg: []string{`aws-s3-accesspoint.json: describes "AWS::S3::Bucket", want "AWS::S3::AccessPoint"`}},
		{name: "broken provider schema", config: "basic.yaml", templates: "broken", wantErr: scpgen.ErrProviderSchema, wantMsg: []string{"aws-sqs-queuepolicy.json"}},
		{name: "missing templates folder", config: "basic.yaml", templates: "absent", wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := fixtureInput(t, tt.config, tt.templates)
			in.Strict = tt.strict
			if tt.quotas != nil {
				in.Config.Quotas = *tt.quotas
			}
			_, err := scpgen.Build(context.Background(), in)
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("err = %q, want it to contain %q", err, m)
				}
			}
		})
	}
}

func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scpgen.Build(ctx, fixtureInput(t, "basic.yaml", "basic")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestBuildStable: the same input gives byte-identical files, and a rebuild into the same
// folder removes policies it no longer produces.
func TestBuildStable(t *testing.T) {
	t.Parallel()
	small := pack.Quotas{MaxChars: 1100, MaxPolicies: 5}
	dir := t.TempDir()
	var first map[string]string
	for i := range 5 {
		in := fixtureInput(t, "basic.yaml", "basic")
		in.Config.Quotas = small
		res, err := scpgen.Build(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if err := scpgen.Write(dir, res); err != nil {
			t.Fatal(err)
		}
		got := readDir(t, dir)
		if i == 0 {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Fatalf("build %d differs (-first +now):\n%s", i, diff)
		}
	}
	in := fixtureInput(t, "basic.yaml", "basic")
	res, err := scpgen.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := scpgen.Write(dir, res); err != nil {
		t.Fatal(err)
	}
	if got := readDir(t, dir); len(got) != 2 {
		t.Errorf("after a rebuild into one policy the folder holds %d files, want 2", len(got))
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestBuildProtections: the buckets are protected by name (templates <base>-<account>, artifacts
// <prefix>-<account>-<region>), the KMS keys and the Config rule by the rcfge:managed tag without
// touching key use, and removing that tag is denied.
func TestBuildProtections(t *testing.T) {
	t.Parallel()
	in := fixtureInput(t, "basic.yaml", "basic")
	res, err := scpgen.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]policy.Statement{}
	acts := map[string][]string{}
	for _, f := range res.Policies {
		var pol policy.Policy
		if err := json.Unmarshal(f.Data, &pol); err != nil {
			t.Fatal(err)
		}
		for _, s := range pol.Statement {
			got[s.Sid] = s
			for _, p := range s.Action {
				e, err := in.Catalog.Expand(p)
				if err != nil {
					t.Fatal(err)
				}
				acts[s.Sid] = append(acts[s.Sid], e...)
			}
			slices.Sort(acts[s.Sid])
		}
	}
	exceptRCFGE := []string{"arn:aws:iam::*:role/rcfge-pipeline", "arn:aws:iam::*:role/stacksets-exec-*"}
	tests := []struct {
		sid       string
		resources policy.List
		condition policy.Condition
		actions   []string
	}{
		{sid: scpgen.SidProtectRCFGETemplates,
			resources: policy.List{"arn:aws:s3:::rcfge-templates-*", "arn:aws:s3:::rcfge-templates-*/*", "arn:aws:s3:::rcfge-artifacts-*", "arn:aws:s3:::rcfge-artifacts-*/*"},
			condition: policy.Condition{"ArnNotLike": {"aws:PrincipalArn": {"arn:aws:iam::*:role/rcfge-pipeline"}}}},
		{sid: scpgen.SidProtectRCFGETaggedResources, resources: policy.List{"*"},
			condition: policy.Condition{"StringEquals": {"aws:ResourceTag/rcfge:managed": {"true"}}, "ArnNotLike": {"aws:PrincipalArn": exceptRCFGE}},
			actions: []string{"config:DeleteConfigRule", "config:PutConfigRule", "config:TagResource", "config:UntagResource",
				"kms:CreateAlias", "kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource"}},
		{sid: scpgen.SidProtectRCFGEManagedTag, resources: policy.List{"*"},
			condition: policy.Condition{"ForAnyValue:StringEquals": {"aws:TagKeys": {"rcfge:managed"}}, "ArnNotLike": {"aws:PrincipalArn": exceptRCFGE}},
			actions:   []string{"config:UntagResource", "kms:UntagResource"}},
	}
	for _, tt := range tests {
		s, ok := got[tt.sid]
		if !ok {
			t.Errorf("no statement %s", tt.sid)
			continue
		}
		if s.Effect != "Deny" {
			t.Errorf("%s: effect %s", tt.sid, s.Effect)
		}
		if diff := cmp.Diff(tt.resources, s.Resource); diff != "" {
			t.Errorf("%s resources (-want +got):\n%s", tt.sid, diff)
		}
		if diff := cmp.Diff(tt.condition, s.Condition); diff != "" {
			t.Errorf("%s condition (-want +got):\n%s", tt.sid, diff)
		}
		if tt.actions != nil {
			if diff := cmp.Diff(tt.actions, acts[tt.sid]); diff != "" {
				t.Errorf("%s actions (-want +got):\n%s", tt.sid, diff)
			}
		}
	}
	// Using a key is no change to it: the hook roles decrypt the tagged templates key.
	if slices.Contains(acts[scpgen.SidProtectRCFGETaggedResources], "kms:Decrypt") {
		t.Error("the tag protection denies kms:Decrypt")
	}
}
