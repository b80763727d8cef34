package stacksets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir locates the real data: $RCFGE_DATA, else ../shared/data beside the repository.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RCFGE_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	schemas := filepath.Join(dir, "cfn-schemas", "us-east-1")
	if _, err := os.Stat(schemas); err != nil {
		t.Skipf("real provider schemas not found at %s (set RCFGE_DATA): %v", schemas, err)
	}
	return schemas
}

// rolloutTypes are the resource types of every template in every scenario.
func rolloutTypes(t *testing.T) []string {
	t.Helper()
	var types []string
	for _, file := range templateFiles {
		tmpl, err := loadTemplate(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, def := range tmpl.section("Resources") {
			typ, _ := def.(map[string]any)["Type"].(string)
			if !slices.Contains(types, typ) {
				types = append(types, typ)
			}
		}
	}
	slices.Sort(types)
	return types
}

// generatedTemplates generates a restricted template for every type of the rollout from the
// real provider schemas; shipped, when set, takes a type's template from schemas/ instead.
func generatedTemplates(t *testing.T, shipped bool) (fstest.MapFS, []string) {
	t.Helper()
	schemas := dataDir(t)
	types := rolloutTypes(t)
	generated, err := schemagen.Run(context.Background(), schemagen.Request{
		Source:   schemagen.NewFSSource(os.DirFS(schemas)),
		Types:    types,
		Snapshot: "2026-08-03",
	})
	if err != nil {
		t.Fatalf("generate templates for %v: %v", types, err)
	}
	fsys := fstest.MapFS{}
	var fromShipped []string
	for _, g := range generated {
		name, err := store.FileName(g.TypeName)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: g.Body}
		if shipped {
			if b, err := os.ReadFile(filepath.Join("..", "schemas", name)); err == nil {
				fsys[name] = &fstest.MapFile{Data: b}
				fromShipped = append(fromShipped, g.TypeName)
			}
		}
	}
	if len(fsys) != len(types) {
		t.Fatalf("generated %d templates for %d types", len(fsys), len(types))
	}
	return fsys, fromShipped
}

// validateRollout runs `rcfge validate` (cfntemplate + engine) on every template in every
// scenario and returns each violation as "file/scenario LogicalID (Type) path: message".
func validateRollout(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	ctx := context.Background()
	eng := engine.New(dirstore.New(fsys))
	var findings []string
	for file, scs := range scenarios() {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, sc := range scs {
			t.Run(fmt.Sprintf("%s/%d", file, i), func(t *testing.T) {
				params := map[string]string{}
				for k, v := range sc.Params {
					params[k] = fmt.Sprint(v)
				}
				stackID := fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/rcfge/uuid", sc.region(), sc.account())
				tmpl, err := cfntemplate.Parse(file, data, cfntemplate.Options{
					AccountID: sc.account(), Region: sc.region(), StackName: "rcfge", StackID: stackID, Parameters: params,
				})
				if err != nil {
					t.Fatal(err)
				}
				res, err := cfntemplate.Validate(ctx, eng, tmpl, engine.Context{
					AccountID: sc.account(), Region: sc.region(), StackName: "rcfge", StackID: stackID,
				}, nil)
				if err != nil {
					t.Fatal(err)
				}
				// cfntemplate validates every resource, whatever its Condition; CloudFormation (and
				// so the hook) only sees those this scenario creates.
				present := mustResolve(t, file, sc).Resources
				seen := 0
				for _, r := range res.Resources {
					if _, ok := present[r.LogicalID]; !ok {
						continue
					}
					seen++
					for _, v := range r.Violations {
						findings = append(findings, fmt.Sprintf("%s/%d %s (%s) %s: %s", file, i, r.LogicalID, r.Type, v.Path, v.Message))
					}
				}
				if seen != len(present) {
					t.Errorf("validated %d of the %d resources this scenario creates", seen, len(present))
				}
			})
		}
	}
	slices.Sort(findings)
	return findings
}

// Our own hook admits our own rollout: every resource of stacksets/, in every scenario, passes
// `rcfge validate` against templates generated from AWS's provider schemas, where every object
// is closed. A misspelt or unknown property, a wrong type or enum value fails here, and so do the
// resources goformation's typed model cannot check.
func TestValidateAgainstProviderSchemas(t *testing.T) {
	fsys, _ := generatedTemplates(t, false)
	for _, f := range validateRollout(t, fsys) {
		t.Error(f)
	}
}

// The test above must be able to fail: a property the provider schema does not have is refused.
func TestValidateCatchesUnknownProperty(t *testing.T) {
	schemas := dataDir(t)
	ctx := context.Background()
	generated, err := schemagen.Run(ctx, schemagen.Request{
		Source: schemagen.NewFSSource(os.DirFS(schemas)), Types: []string{"AWS::SNS::Topic"}, Snapshot: "2026-08-03",
	})
	if err != nil {
		t.Fatal(err)
	}
	name, err := store.FileName("AWS::SNS::Topic")
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(dirstore.New(fstest.MapFS{name: &fstest.MapFile{Data: generated[0].Body}}))
	data, err := os.ReadFile("testdata/unknown-property.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfntemplate.Parse("unknown-property.yaml", data, cfntemplate.Options{AccountID: testAccount, Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	res, err := cfntemplate.Validate(ctx, eng, tmpl, engine.Context{AccountID: testAccount, Region: testRegion}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Resources) != 1 || len(res.Resources[0].Violations) == 0 {
		t.Errorf("TopicNmae was approved: %+v", res)
	}
}

// knownShippedFindings are the places where the rollout does not yet meet the organization's
// own shipped templates (schemas/, with their overlays). The list may only shrink: a new finding
// fails, and so does one that is gone and still listed.
var knownShippedFindings = []string{}

// With the shipped templates in place of the generated ones, as the hook runs in production,
// the rollout's own updates must pass too, or the hook would block every StackSet update.
func TestValidateAgainstShippedTemplates(t *testing.T) {
	fsys, shipped := generatedTemplates(t, true)
	if len(shipped) == 0 {
		t.Skip("schemas/ ships no template for a type the rollout uses")
	}
	t.Logf("shipped templates used: %v", shipped)
	got := validateRollout(t, fsys)
	for _, f := range got {
		if !slices.Contains(knownShippedFindings, f) {
			t.Errorf("new finding: %s", f)
		}
	}
	for _, f := range knownShippedFindings {
		if !slices.Contains(got, f) {
			t.Errorf("fixed, remove it from knownShippedFindings: %s", f)
		}
	}
}
