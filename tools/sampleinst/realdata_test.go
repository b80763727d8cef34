package sampleinst_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/sampleinst"
	"github.com/rcfge/rcfge/tools/schemagen"
)

func repoPath(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", ".."}, elem...)...)
}

// dataDir returns the shared real data folder, skipping the test when it is absent.
func dataDir(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv("RCFGE_DATA")
	if root == "" {
		root = repoPath("..", "shared", "data")
	}
	dir := filepath.Join(root, sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real data not present at %s (set RCFGE_DATA): %v", dir, err)
	}
	return dir
}

// TestPropertyRealSchemas: on large and recursive real schemas, generated templates approve every
// generated valid instance and reject an extra property at any depth, at its path.
func TestPropertyRealSchemas(t *testing.T) {
	dir := dataDir(t, "cfn-schemas/us-east-1")
	tests := []struct {
		typeName string
		seeds    int
	}{
		{"AWS::S3::Bucket", 150},
		{"AWS::ECS::TaskDefinition", 150},
		{"AWS::WAFv2::WebACL", 80},         // recursive: AndStatement -> Statement -> ...
		{"AWS::QuickSight::Dashboard", 40}, // 707 definitions, 16-hop $ref chains
	}
	for _, tt := range tests {
		t.Run(tt.typeName, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join(dir, schemagen.RegistryFileName(tt.typeName)))
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := schemagen.Generate(schemagen.Provider{TypeName: tt.typeName, Body: body}, schemagen.Options{Snapshot: "2026-08-03"})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := schema.Decode(tpl.Body)
			if err != nil {
				t.Fatal(err)
			}
			seeds := tt.seeds
			if testing.Short() {
				seeds = 10
			}
			checkProperty(t, tt.typeName, doc, seeds, sampleinst.WithMaxDepth(5))
		})
	}
}

// TestPropertyShippedTemplates runs the same property on the shipped templates, placeholders
// filled for a deployment in 123456789012 / us-east-1.
func TestPropertyShippedTemplates(t *testing.T) {
	vars := placeholder.Vars{
		"accountID": placeholder.String("123456789012"), "region": placeholder.String("us-east-1"),
		"partition": placeholder.String("aws"), "stackName": placeholder.String("app"),
		"stackId":           placeholder.String("arn:aws:cloudformation:us-east-1:123456789012:stack/app/1"),
		"logicalResourceId": placeholder.String("Res"), "resourceType": placeholder.String("AWS::Test::Type"),
	}
	for _, typeName := range []string{"AWS::S3::Bucket", "AWS::ECS::TaskDefinition", "AWS::DynamoDB::Table", "AWS::IAM::Role"} {
		t.Run(typeName, func(t *testing.T) {
			t.Parallel()
			name, _ := store.FileName(typeName)
			body, err := os.ReadFile(repoPath("schemas", name))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := schema.Decode(body)
			if err != nil {
				t.Fatal(err)
			}
			filled, err := placeholder.Fill(doc, vars)
			if err != nil {
				t.Fatal(err)
			}
			seeds := 60
			if testing.Short() {
				seeds = 10
			}
			checkProperty(t, typeName, filled, seeds, sampleinst.WithMaxDepth(5))
		})
	}
}
