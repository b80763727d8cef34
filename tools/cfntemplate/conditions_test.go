package cfntemplate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// checkOne parses a one-bucket template (plus a topic to refer to) and checks it with the test
// templates; it returns the bucket's outcome.
func checkOne(t *testing.T, conditionAttr, props string, params map[string]string) cfntemplate.CheckedResource {
	t.Helper()
	data := `Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [{Condition: IsProd}]
Resources:
  Topic:
    Type: AWS::SNS::Topic
  B:
    Type: AWS::S3::Bucket
` + conditionAttr + `    Properties:
` + props
	opts := testOptions
	opts.Parameters = params
	tmpl, err := cfntemplate.Parse("t.yaml", []byte(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := cfntemplate.Check(context.Background(), testEngine(t), tmpl, testContext, testVars)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Resources[1]
}

// TestConditions: decided conditions pick the branch CloudFormation takes and skip resources;
// an undecided one is checked under each assignment, and a violation names the assumption.
func TestConditions(t *testing.T) {
	t.Parallel()
	prod := map[string]string{"Env": "prod"}
	dev := map[string]string{"Env": "dev"}
	tests := []struct {
		name       string
		condition  string // the resource's Condition attribute line, if any
		props      string
		params     map[string]string
		wantStatus string
		// wantMsgs are parts of the violation messages, in order; none means approved.
		wantMsgs []string
	}{
		{
			name:       "decided true takes the clean branch",
			props:      "      BucketName: !If [IsProd, prod-bucket, Not_Valid]\n",
			params:     prod,
			wantStatus: "SUCCESS",
		},
		{
			name:       "decided true takes the violating branch",
			props:      "      BucketName: !If [IsDev, prod-bucket, Not_Valid]\n",
			params:     prod,
			wantStatus: "FAILED",
			wantMsgs:   []string{"pattern"},
		},
		{
			name:       "decided false skips the resource",
			condition:  "    Condition: IsProd\n",
			props:      "      NewFeature: on\n",
			params:     dev,
			wantStatus: "SKIPPED",
		},
		{
			name:       "decided false removes the property (AWS::NoValue)",
			props:      "      NewFeature: !If [IsProd, on, !Ref AWS::NoValue]\n",
			params:     dev,
			wantStatus: "SUCCESS",
		},
		{
			name:       "undecidable, both branches clean",
			props:      "      BucketName: !If [IsProd, prod-bucket, dev-bucket]\n      Tags: !If [IsDev, [{Key: team, Value: a}], !Ref AWS::NoValue]\n",
			wantStatus: "SUCCESS",
		},
		{
			name:       "undecidable, one branch violating",
			props:      "      BucketName: !If [IsProd, prod-bucket, Not_Valid]\n",
			wantStatus: "FAILED",
			wantMsgs:   []string{"(if not IsProd)"},
		},
		{
			name:       "undecidable, the property exists in one branch",
			props:      "      NewFeature: !If [IsProd, on, !Ref AWS::NoValue]\n",
			wantStatus: "FAILED",
			wantMsgs:   []string{"NewFeature is not an approved property of AWS::S3::Bucket (if IsProd)"},
		},
		{
			name:       "undecidable resource condition is assumed true",
			condition:  "    Condition: IsProd\n",
			props:      "      NewFeature: on\n      BucketName: !If [IsDev, Not_Valid, prod-bucket]\n",
			wantStatus: "FAILED",
			wantMsgs:   []string{"NewFeature is not an approved property of AWS::S3::Bucket (if IsProd)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := checkOne(t, tt.condition, tt.props, tt.params)
			if r.Status != tt.wantStatus {
				t.Errorf("status %s, want %s (violations %v)", r.Status, tt.wantStatus, r.Violations)
			}
			if tt.wantStatus == "SKIPPED" && r.SkippedBy != "IsProd" {
				t.Errorf("skipped by %q, want IsProd", r.SkippedBy)
			}
			if len(r.Violations) != len(tt.wantMsgs) {
				t.Fatalf("violations %v, want %d with %q", r.Violations, len(tt.wantMsgs), tt.wantMsgs)
			}
			for i, m := range tt.wantMsgs {
				if !strings.Contains(r.Violations[i].Message, m) && !strings.Contains(r.Violations[i].Keyword, m) {
					t.Errorf("violation %d %q lacks %q", i, r.Violations[i].Message, m)
				}
			}
		})
	}
}

// TestUnknownValueIsStillGated (issue 11): an unapproved property is reported whatever its value
// is — an import, an attribute, a Ref to a resource, a parameter without a value, an undecided
// Fn::If, a dynamic reference — at the top level and nested.
func TestUnknownValueIsStillGated(t *testing.T) {
	t.Parallel()
	gate := unknownGateEnforced(t)
	kinds := []struct {
		name, expr string
		unknown    bool // the value reaches the validator as unknown or as a reference
	}{
		{"Fn::ImportValue", "!ImportValue foo", true},
		{"Fn::GetAtt", "!GetAtt Topic.TopicArn", true},
		{"Ref to a resource", "!Ref Topic", true},
		{"parameter without a value", "!Ref Env", true},
		{"Fn::If on an undecidable condition", "!If [IsProd, a, b]", false},
		{"ssm dynamic reference", "'{{resolve:ssm:/team/value}}'", true},
		{"secretsmanager dynamic reference", "'{{resolve:secretsmanager:app:SecretString:key}}'", true},
		{"ssm-secure dynamic reference", "'{{resolve:ssm-secure:/team/secret:1}}'", true},
		{"literal", "on", false},
	}
	places := []struct {
		name, props, ptr string
	}{
		{"top level", "      RcfgeX: %s\n", "/RcfgeX"},
		{"nested", "      NotificationConfiguration:\n        RcfgeX: %s\n", "/NotificationConfiguration/RcfgeX"},
		{"in a list item", "      Tags:\n        - {Key: team, Value: a, RcfgeX: %s}\n", "/Tags/0/RcfgeX"},
	}
	for _, k := range kinds {
		for _, p := range places {
			t.Run(k.name+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				if k.unknown && !gate {
					t.Skip("validator branch: main's transitional hook/schema drops the property-name violation at an unknown path")
				}
				r := checkOne(t, "", strings.Replace(p.props, "%s", k.expr, 1), nil)
				for _, v := range r.Violations {
					if v.Path == p.ptr && strings.Contains(v.Message, "RcfgeX") {
						return
					}
				}
				t.Errorf("RcfgeX at %s not reported; status %s, violations %v, unverified %v", p.ptr, r.Status, r.Violations, r.Unverified)
			})
		}
	}
}
