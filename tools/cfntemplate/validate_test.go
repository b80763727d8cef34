package cfntemplate_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

var testContext = engine.Context{AccountID: "111122223333", Region: "eu-west-1", Partition: "aws", StackName: "demo"}

var testVars = placeholder.Vars{"tagKeys": placeholder.List("team", "cost-centre")}

func parseFile(t testing.TB, path string) *cfntemplate.Template {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfntemplate.Parse(path, data, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func testEngine(t testing.TB) *engine.Engine {
	t.Helper()
	return engine.New(dirstore.New(os.DirFS("testdata/templates")))
}

// TestValidateEngine runs the real engine over a small template folder: violations are found,
// coercion applies ("true" for a boolean), and a value known only at deployment is unverified
// instead of failing its pattern.
func TestValidateEngine(t *testing.T) {
	t.Parallel()
	got, err := cfntemplate.Validate(context.Background(), testEngine(t), parseFile(t, "testdata/validate/mixed.yaml"), testContext, testVars)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		ID         string
		Line       int
		Paths      []string
		Unverified []verdict.Unverified
	}
	var sums []summary
	for _, r := range got.Resources {
		s := summary{ID: r.LogicalID, Line: r.Line, Unverified: r.Unverified}
		for _, v := range r.Violations {
			s.Paths = append(s.Paths, v.Path+" "+v.Keyword)
		}
		sums = append(sums, s)
	}
	want := []summary{
		{ID: "Topic", Line: 6},
		{ID: "Good", Line: 8, Unverified: []verdict.Unverified{{Path: "/Tags/0/Value", Reason: "Ref Owner (parameter without a value)"}}},
		{ID: "Bad", Line: 20, Paths: []string{
			"/BucketName pattern",
			"/NewFeature additionalProperties",
			"/NotificationConfiguration/TopicConfigurations/0/Topic pattern",
			"/Tags/0/Key enum",
		}},
		{ID: "Pending", Line: 32, Unverified: []verdict.Unverified{{Path: "/NotificationConfiguration/TopicConfigurations/0/Topic", Reason: "Ref Topic (resource)"}}},
	}
	if diff := cmp.Diff(want, sums, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// fakeEvaluator records its inputs and answers from a table keyed by logical ID.
type fakeEvaluator struct {
	inputs  []engine.Input
	results map[string]engine.Result
	errs    map[string]error
}

func (f *fakeEvaluator) Evaluate(_ context.Context, in engine.Input) (engine.Result, error) {
	f.inputs = append(f.inputs, in)
	return f.results[in.Context.LogicalResourceID], f.errs[in.Context.LogicalResourceID]
}

func TestValidateInputs(t *testing.T) {
	t.Parallel()
	ev := &fakeEvaluator{}
	tmpl := parseFile(t, "testdata/validate/mixed.yaml")
	if _, err := cfntemplate.Validate(context.Background(), ev, tmpl, testContext, testVars); err != nil {
		t.Fatal(err)
	}
	if len(ev.inputs) != len(tmpl.Resources) {
		t.Fatalf("%d evaluations, want %d", len(ev.inputs), len(tmpl.Resources))
	}
	for i, in := range ev.inputs {
		r := tmpl.Resources[i]
		wantCtx := testContext
		wantCtx.LogicalResourceID = r.LogicalID
		if in.TypeName != r.Type || in.Operation != engine.Create || in.Context != wantCtx {
			t.Errorf("input %d: type %q op %q context %+v", i, in.TypeName, in.Operation, in.Context)
		}
		if diff := cmp.Diff(r.Unknown, in.Unknown); diff != "" {
			t.Errorf("input %d unknown (-want +got):\n%s", i, diff)
		}
		if _, ok := in.Vars["tagKeys"]; !ok {
			t.Errorf("input %d: vars not passed", i)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	t.Parallel()
	missing := &engine.Error{Kind: engine.KindMissingTemplate, TypeName: "AWS::SNS::Topic", Err: errors.New("not approved")}
	tests := []struct {
		name     string
		ev       cfntemplate.Evaluator
		wantKind engine.Kind
		wantMsg  string
	}{
		{
			name:     "engine error names file and resource",
			ev:       &fakeEvaluator{errs: map[string]error{"Topic": missing}},
			wantKind: engine.KindMissingTemplate,
			wantMsg:  "testdata/validate/mixed.yaml:6: resource Topic: not approved",
		},
		{
			name:     "missing template from a real store",
			ev:       engine.New(dirstore.New(fstest.MapFS{})),
			wantKind: engine.KindMissingTemplate,
			wantMsg:  "mixed.yaml:6: resource Topic: AWS::SNS::Topic is not an approved resource type",
		},
		{
			name:     "invalid template",
			ev:       engine.New(dirstore.New(fstest.MapFS{"AWS-SNS-Topic.json": {Data: []byte("{not json")}})),
			wantKind: engine.KindInvalidTemplate,
			wantMsg:  "mixed.yaml:6: resource Topic: invalid template: template AWS-SNS-Topic.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := cfntemplate.Validate(context.Background(), tt.ev, parseFile(t, "testdata/validate/mixed.yaml"), testContext, testVars)
			if got := engine.KindOf(err); got != tt.wantKind {
				t.Fatalf("kind %v (%v), want %v", got, err, tt.wantKind)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestValidateCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := cfntemplate.Validate(ctx, testEngine(t), parseFile(t, "testdata/validate/mixed.yaml"), testContext, testVars)
	if engine.KindOf(err) != engine.KindDeadline || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want a deadline error wrapping context.Canceled", err)
	}
}
