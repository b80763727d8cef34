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

// Our own hook admits our own rollout: every resource of stacksets/, in every scenario, passes
// `rcfge validate` (cfntemplate + engine) against templates generated from AWS's provider
// schemas, where every object is closed. A misspelt or unknown property, a wrong type or enum
// value fails here, and so do the resources goformation's typed model cannot check.
func TestValidateAgainstProviderSchemas(t *testing.T) {
	schemas := dataDir(t)
	ctx := context.Background()
	types := rolloutTypes(t)
	generated, err := schemagen.Run(ctx, schemagen.Request{
		Source:   schemagen.NewFSSource(os.DirFS(schemas)),
		Types:    types,
		Snapshot: "2026-08-03",
	})
	if err != nil {
		t.Fatalf("generate templates for %v: %v", types, err)
	}
	fsys := fstest.MapFS{}
	for _, g := range generated {
		name, err := store.FileName(g.TypeName)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: g.Body}
	}
	if len(fsys) != len(types) {
		t.Fatalf("generated %d templates for %d types", len(fsys), len(types))
	}
	eng := engine.New(dirstore.New(fsys))

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
						t.Errorf("%s (%s) %s: %s [%s]", r.LogicalID, r.Type, v.Path, v.Message, v.Keyword)
					}
				}
				if seen != len(present) {
					t.Errorf("validated %d of the %d resources this scenario creates", seen, len(present))
				}
			})
		}
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
