package sampleinst_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
	"github.com/rcfge/rcfge/tools/sampleinst"
)

// TestEngineShippedTemplates drives the whole engine (store, placeholders, compile, coercion,
// verdict) with generated instances of every shipped template, as deployed by account
// 123456789012 in us-east-1.
func TestEngineShippedTemplates(t *testing.T) {
	ctx := context.Background()
	eng := engine.New(dirstore.New(schemas.FS()))
	deploy := engine.Context{AccountID: "123456789012", Region: "us-east-1", Partition: "aws", StackName: "app",
		StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/app/1", LogicalResourceID: "Res"}
	vars := placeholder.Vars{
		"accountID": placeholder.String(deploy.AccountID), "region": placeholder.String(deploy.Region),
		"partition": placeholder.String(deploy.Partition), "stackName": placeholder.String(deploy.StackName),
		"stackId": placeholder.String(deploy.StackID), "logicalResourceId": placeholder.String(deploy.LogicalResourceID),
	}
	seeds := uint64(25)
	if testing.Short() {
		seeds = 5
	}
	for _, typeName := range shipped(t) {
		t.Run(typeName, func(t *testing.T) {
			t.Parallel()
			tpl, err := dirstore.New(schemas.FS()).Get(ctx, typeName, "")
			if err != nil {
				t.Fatal(err)
			}
			doc, err := schema.Decode(tpl.Body)
			if err != nil {
				t.Fatal(err)
			}
			filled, err := placeholder.Fill(doc, withType(vars, typeName))
			if err != nil {
				t.Fatal(err)
			}
			g, err := sampleinst.New(filled, sampleinst.WithMaxDepth(4))
			if err != nil {
				t.Fatal(err)
			}
			for seed := range seeds {
				v, err := g.Valid(seed)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				res, err := eng.Evaluate(ctx, engine.Input{TypeName: typeName, Properties: roundTrip(t, v), Context: deploy})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if !res.Verdict.Approved() {
					b, _ := json.Marshal(v)
					t.Fatalf("seed %d: valid instance denied: %v\n%s", seed, res.Verdict.Violations, b)
				}
				inv, ptr, err := g.Invalid(seed)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				res, err = eng.Evaluate(ctx, engine.Input{TypeName: typeName, Properties: roundTrip(t, inv), Context: deploy})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if reported(res.Verdict.Violations, ptr) == "" {
					t.Fatalf("seed %d: extra property %s approved or not named; violations %v", seed, ptr, res.Verdict.Violations)
				}
			}
		})
	}
}

func withType(v placeholder.Vars, typeName string) placeholder.Vars {
	out := make(placeholder.Vars, len(v)+1)
	for k, x := range v {
		out[k] = x
	}
	out["resourceType"] = placeholder.String(typeName)
	return out
}

// shipped lists the type names of the embedded templates.
func shipped(t *testing.T) []string {
	t.Helper()
	entries, err := fs.Glob(schemas.FS(), "*.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range entries {
		if tn, ok := store.TypeName(name); ok && strings.HasPrefix(tn, "AWS::") {
			out = append(out, tn)
		}
	}
	if len(out) < 15 {
		t.Fatalf("only %d shipped templates", len(out))
	}
	return out
}
