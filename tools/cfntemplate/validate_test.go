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

// TestValidateErrors: an engine failure is reported for its resource and every other resource is
// still checked; the error names the file, the resource and its type.
func TestValidateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ev       cfntemplate.Evaluator
		wantKind engine.Kind
		wantMsg  string
	}{
		{
			name:     "engine error names file and resource",
			ev:       &fakeEvaluator{errs: map[string]error{"Topic": &engine.Error{Kind: engine.KindStore, TypeName: "AWS::SNS::Topic", Err: errors.New("store down")}}},
			wantKind: engine.KindStore,
			wantMsg:  "testdata/validate/mixed.yaml:6: resource Topic: store error: AWS::SNS::Topic: store down",
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
			fr, err := cfntemplate.Validate(context.Background(), tt.ev, parseFile(t, "testdata/validate/mixed.yaml"), testContext, testVars)
			if got := engine.KindOf(err); got != tt.wantKind {
				t.Fatalf("kind %v (%v), want %v", got, err, tt.wantKind)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q lacks %q", msg, tt.wantMsg)
			}
			if len(fr.Resources) != 4 {
				t.Errorf("%d resources reported, want all 4 checked", len(fr.Resources))
			}
		})
	}
}

// TestValidatePolicy: a type without a template is a finding (rule approved-type) and the other
// resources are still checked; the knobs decide what blocks, as in the hook.
func TestValidatePolicy(t *testing.T) {
	t.Parallel()
	onlyS3 := engine.New(dirstore.New(fstest.MapFS{
		"AWS-S3-Bucket.json": {Data: mustRead(t, "testdata/templates/AWS-S3-Bucket.json")},
	}))
	broken := engine.New(dirstore.New(fstest.MapFS{
		"AWS-SNS-Topic.json": {Data: []byte("{not json")},
		"AWS-S3-Bucket.json": {Data: mustRead(t, "testdata/templates/AWS-S3-Bucket.json")},
	}))
	tests := []struct {
		name       string
		ev         cfntemplate.Evaluator
		policy     verdict.Policy
		wantStatus map[string]string
		wantRules  map[string][]string // blocking rules per resource
		wantWarn   map[string][]string // knobs of the warnings per resource
		wantErr    bool
	}{
		{
			name:       "missing template fails by default",
			ev:         onlyS3,
			wantStatus: map[string]string{"Topic": "FAILED", "Good": "SUCCESS", "Bad": "FAILED", "Pending": "SUCCESS"},
			wantRules:  map[string][]string{"Topic": {"approved-type"}},
		},
		{
			name:       "OnMissingTemplate=WARN lets the type through with a warning",
			ev:         onlyS3,
			policy:     verdict.Policy{OnMissingTemplate: verdict.Warn},
			wantStatus: map[string]string{"Topic": "SUCCESS", "Good": "SUCCESS", "Bad": "FAILED", "Pending": "SUCCESS"},
			wantWarn:   map[string][]string{"Topic": {"OnMissingTemplate"}},
		},
		{
			name:       "OnViolation=WARN",
			ev:         onlyS3,
			policy:     verdict.Policy{OnViolation: verdict.Warn},
			wantStatus: map[string]string{"Topic": "FAILED", "Good": "SUCCESS", "Bad": "SUCCESS", "Pending": "SUCCESS"},
			wantRules:  map[string][]string{"Topic": {"approved-type"}},
		},
		{
			name:       "engine error fails and is returned",
			ev:         broken,
			wantStatus: map[string]string{"Topic": "FAILED", "Good": "SUCCESS", "Bad": "FAILED", "Pending": "SUCCESS"},
			wantErr:    true,
		},
		{
			name:       "OnEngineError=WARN",
			ev:         broken,
			policy:     verdict.Policy{OnEngineError: verdict.Warn},
			wantStatus: map[string]string{"Topic": "SUCCESS", "Good": "SUCCESS", "Bad": "FAILED", "Pending": "SUCCESS"},
			wantWarn:   map[string][]string{"Topic": {"OnEngineError"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ch, err := cfntemplate.Check(context.Background(), tt.ev, parseFile(t, "testdata/validate/mixed.yaml"), testContext, testVars, cfntemplate.WithPolicy(tt.policy))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			for _, r := range ch.Resources {
				if r.Status != tt.wantStatus[r.LogicalID] {
					t.Errorf("%s: status %s, want %s", r.LogicalID, r.Status, tt.wantStatus[r.LogicalID])
				}
				if want, ok := tt.wantRules[r.LogicalID]; ok {
					var got []string
					for _, v := range r.Violations {
						got = append(got, v.Keyword)
					}
					if !cmp.Equal(got, want) {
						t.Errorf("%s: rules %v, want %v", r.LogicalID, got, want)
					}
				}
				var knobs []string
				for _, w := range r.Warnings {
					knobs = append(knobs, w.Knob)
				}
				if r.LogicalID == "Bad" && tt.policy.OnViolation == verdict.Warn {
					if len(knobs) == 0 || len(r.Violations) != 0 {
						t.Errorf("Bad: warnings %v, violations %v; want only warnings", knobs, r.Violations)
					}
					continue
				}
				if want := tt.wantWarn[r.LogicalID]; !cmp.Equal(knobs, want) {
					t.Errorf("%s: warnings %v, want %v", r.LogicalID, knobs, want)
				}
			}
			// The report form: a warning is a note, never a violation.
			for _, r := range ch.FileResult().Resources {
				if r.LogicalID == "Topic" && tt.wantStatus["Topic"] == "SUCCESS" && !r.Approved() {
					t.Errorf("Topic: report shows violations %v for a warning", r.Violations)
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
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

// TestValidateUniqueItemsOfUnknowns: list items that differ only in values known at deployment
// (target Ids that are Refs to two instances) are not a uniqueItems violation; the same items with
// known equal Ids are.
func TestValidateUniqueItemsOfUnknowns(t *testing.T) {
	t.Parallel()
	const tg = `{"type":"object","additionalProperties":false,"properties":{"Targets":{"type":"array","uniqueItems":true,
		"items":{"type":"object","additionalProperties":false,"properties":{"Id":{"type":"string"},"Port":{"type":"integer"}}}}}}`
	e := engine.New(dirstore.New(fstest.MapFS{
		"AWS-ElasticLoadBalancingV2-TargetGroup.json": {Data: []byte(tg)},
		"AWS-EC2-Instance.json":                       {Data: []byte(`{"type":"object"}`)},
	}))
	for _, tt := range []struct {
		ids  string
		want []string
	}{
		{"[{Id: !Ref A, Port: 80}, {Id: !Ref B, Port: 80}]", nil},
		{"[{Id: i-0123456789abcdef0, Port: 80}, {Id: i-0123456789abcdef0, Port: 80}]", []string{"/Targets uniqueItems"}},
	} {
		src := "Resources:\n  A: {Type: AWS::EC2::Instance}\n  B: {Type: AWS::EC2::Instance}\n" +
			"  TG:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Targets: " + tt.ids + "\n"
		tmpl, err := cfntemplate.Parse("tg.yaml", []byte(src), testOptions)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cfntemplate.Validate(context.Background(), e, tmpl, testContext, nil)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, r := range got.Resources {
			for _, v := range r.Violations {
				paths = append(paths, v.Path+" "+v.Keyword)
			}
		}
		if diff := cmp.Diff(tt.want, paths); diff != "" {
			t.Errorf("Targets %s (-want +got):\n%s", tt.ids, diff)
		}
	}
}
