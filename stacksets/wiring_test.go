package stacksets_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/handler"
)

func TestStackSetDeploysMemberToTheOrganization(t *testing.T) {
	names := namesFromConfig(t)
	r := mustResolve(t, "admin.yaml", scenarios()["admin.yaml"][0])
	ss, ok := r.Resources["MemberStackSet"]
	if !ok {
		t.Fatal("no MemberStackSet in the home region with a member template URL")
	}
	p := ss.Properties
	for key, want := range map[string]any{
		"StackSetName":     names["StackSetName"],
		"PermissionModel":  "SERVICE_MANAGED",
		"CallAs":           "DELEGATED_ADMIN",
		"AutoDeployment":   map[string]any{"Enabled": true, "RetainStacksOnAccountRemoval": false},
		"Capabilities":     []any{"CAPABILITY_NAMED_IAM"},
		"ManagedExecution": map[string]any{"Active": true},
		"OperationPreferences": map[string]any{
			"FailureTolerancePercentage": "10", "MaxConcurrentPercentage": "25", "RegionConcurrencyType": "SEQUENTIAL",
			"RegionOrder": []any{"eu-west-1", "us-east-1"},
		},
		"StackInstancesGroup": []any{map[string]any{
			"DeploymentTargets": map[string]any{"OrganizationalUnitIds": []any{"ou-ab12-cdefgh34", "ou-ab12-ijklmn56"}},
			"Regions":           []any{"eu-west-1", "us-east-1"},
		}},
	} {
		if diff := cmp.Diff(want, p[key]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}

	// Every parameter the StackSet passes exists in member.yaml, and every member parameter
	// without a default is passed.
	member, err := loadTemplate("member.yaml")
	if err != nil {
		t.Fatal(err)
	}
	passed := map[string]string{}
	params, _ := p["Parameters"].([]any)
	for _, item := range params {
		m := item.(map[string]any)
		key := fmt.Sprint(m["ParameterKey"])
		if member.parameter(key) == nil {
			t.Errorf("StackSet passes %s, which member.yaml does not declare", key)
		}
		passed[key] = fmt.Sprint(m["ParameterValue"])
	}
	for name, decl := range member.section("Parameters") {
		if _, hasDefault := decl.(map[string]any)["Default"]; !hasDefault && passed[name] == "" {
			t.Errorf("member.yaml parameter %s has no default and the StackSet does not pass it", name)
		}
	}
	for key, want := range map[string]string{
		"AdminAccountId":        testAccount,
		"TemplatesBucketRegion": testRegion,
		"TemplatesKmsKeyArn":    "{{GetAtt:TemplatesKey.Arn}}",
		"HookCodeKey":           "hook/v1/rcfge-hook-arm64.zip",
	} {
		if passed[key] != want {
			t.Errorf("StackSet passes %s = %q, want %q", key, passed[key], want)
		}
	}
	if _, ok := passed["AlertEmail"]; ok {
		t.Error("StackSet passes an empty AlertEmail; it must leave it out")
	}
}

func TestAdminStackPerRegion(t *testing.T) {
	tests := []struct {
		name     string
		sc       scenario
		want     []string
		wantNone []string
	}{
		{
			name: "home region, first pass before publishing",
			sc:   scenario{Params: map[string]any{"OrganizationId": testOrgID, "HomeRegion": testRegion}},
			want: []string{"ArtifactsBucket", "ArtifactsBucketPolicy", "ArtifactsKey", "TemplatesBucket", "TemplatesBucketPolicy", "TemplatesKey"}, wantNone: []string{"MemberStackSet"},
		},
		{
			name: "home region, published", sc: scenarios()["admin.yaml"][0],
			want: []string{"ArtifactsBucket", "MemberStackSet", "TemplatesBucket", "TemplatesKey", "TemplatesKeyAlias"},
		},
		{
			name: "another region: only its artifacts bucket",
			sc:   scenarios()["admin.yaml"][1],
			want: []string{"ArtifactsBucket", "ArtifactsBucketPolicy", "ArtifactsKey"}, wantNone: []string{"MemberStackSet", "TemplatesBucket", "TemplatesKey"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustResolve(t, "admin.yaml", tt.sc)
			for _, id := range tt.want {
				if _, ok := r.Resources[id]; !ok {
					t.Errorf("%s missing", id)
				}
			}
			for _, id := range tt.wantNone {
				if _, ok := r.Resources[id]; ok {
					t.Errorf("%s present", id)
				}
			}
		})
	}
}

func TestHookModes(t *testing.T) {
	names := namesFromConfig(t)
	lambda := mustResolve(t, "member.yaml", scenarios()["member.yaml"][0])
	registered := mustResolve(t, "member.yaml", scenarios()["member.yaml"][1])

	for _, id := range []string{"HookVersion", "HookDefaultVersion", "HookTypeConfig"} {
		if _, ok := lambda.Resources[id]; ok {
			t.Errorf("lambda mode creates %s", id)
		}
		if _, ok := registered.Resources[id]; !ok {
			t.Errorf("registered mode lacks %s", id)
		}
	}
	for _, id := range []string{"HookFunction", "LambdaHook", "HookFunctionRole"} {
		if _, ok := registered.Resources[id]; ok {
			t.Errorf("registered mode creates %s", id)
		}
	}

	hook := lambda.Resources["LambdaHook"].Properties
	for key, want := range map[string]any{
		"Alias":            names["HookAlias"],
		"FailureMode":      "FAIL",
		"HookStatus":       "ENABLED",
		"TargetOperations": []any{"RESOURCE", "STACK", "CHANGE_SET"},
		"LambdaFunction":   "{{GetAtt:HookFunction.Arn}}",
		"ExecutionRole":    "{{GetAtt:HookExecutionRole.Arn}}",
	} {
		if diff := cmp.Diff(want, hook[key]); diff != "" {
			t.Errorf("LambdaHook.%s (-want +got):\n%s", key, diff)
		}
	}
	fn := lambda.Resources["HookFunction"].Properties
	if fn["FunctionName"] != names["HookFunctionName"] || fn["Runtime"] != "provided.al2023" {
		t.Errorf("HookFunction = %v, want %s on provided.al2023", fn["FunctionName"], names["HookFunctionName"])
	}
	if got := lambda.Resources["HookFunctionRole"].Properties["RoleName"]; got != names["HookFunctionName"] {
		t.Errorf("function role %v, want %s (the templates bucket policy admits that name)", got, names["HookFunctionName"])
	}

	if got := registered.Resources["HookVersion"].Properties["TypeName"]; got != names["HookTypeName"] {
		t.Errorf("HookVersion.TypeName = %v, want %s", got, names["HookTypeName"])
	}
	var cfg struct {
		CloudFormationConfiguration struct {
			HookConfiguration struct {
				HookInvocationStatus string
				TargetOperations     []string
				FailureMode          string
				Properties           map[string]any
			}
		}
	}
	raw := fmt.Sprint(registered.Resources["HookTypeConfig"].Properties["Configuration"])
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatalf("HookTypeConfig.Configuration is not JSON: %v\n%s", err, raw)
	}
	hc := cfg.CloudFormationConfiguration.HookConfiguration
	if hc.HookInvocationStatus != "ENABLED" || hc.FailureMode != "FAIL" || !slices.Equal(hc.TargetOperations, []string{"RESOURCE", "STACK", "CHANGE_SET"}) {
		t.Errorf("hook configuration = %+v, want ENABLED, FAIL, RESOURCE, STACK and CHANGE_SET", hc)
	}
	admin := fmt.Sprint(scenarios()["member.yaml"][1].Params["AdminAccountId"])
	if hc.Properties[handler.PropBucket] != names["TemplatesBucketName"]+"-"+admin || hc.Properties[handler.PropPrefix] != names["TemplatesPrefix"] ||
		hc.Properties[propBucketOwner] != admin {
		t.Errorf("hook configuration properties = %v, want the templates bucket <base>-<admin>, its owner and the prefix", hc.Properties)
	}
	// The names the hook reads (hook/handler) are the names the templates set.
	props := []string{handler.PropBucket, propBucketOwner, handler.PropPrefix, handler.PropRegion, handler.PropOnViolation,
		handler.PropOnMissingTemplate, handler.PropOnEngineError, propOnUnverifiable, handler.PropVariables}
	for key := range hc.Properties {
		if !slices.Contains(props, key) {
			t.Errorf("hook configuration property %s is not one the hook reads (%v)", key, props)
		}
	}
	for _, key := range props {
		if _, ok := hc.Properties[key]; !ok {
			t.Errorf("hook configuration lacks %s", key)
		}
	}
	env, _ := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
	known := []string{handler.EnvBucket, envBucketOwner, handler.EnvPrefix, handler.EnvRegion, handler.EnvEndpoint, handler.EnvOnViolation,
		handler.EnvOnMissingTemplate, handler.EnvOnEngineError, envOnUnverifiable, handler.EnvVariables, handler.EnvCacheTTL, handler.EnvTimeout}
	for key := range env {
		if !slices.Contains(known, key) {
			t.Errorf("HookFunction sets %s, which the hook does not read (%v)", key, known)
		}
	}
	for _, key := range []string{handler.EnvBucket, envBucketOwner, handler.EnvPrefix, handler.EnvRegion, handler.EnvOnViolation,
		handler.EnvOnMissingTemplate, handler.EnvOnEngineError, envOnUnverifiable, handler.EnvVariables} {
		if _, ok := env[key]; !ok {
			t.Errorf("HookFunction does not set %s", key)
		}
	}
}

// The fourth knob and the bucket owner pin, as the front end (hook/handler) will read them; replace
// these with handler.EnvOnUnverifiable, handler.PropOnUnverifiable, handler.EnvBucketOwner and
// handler.PropBucketOwner once hook/handler has them.
const (
	envOnUnverifiable  = "RCFGE_ON_UNVERIFIABLE"
	propOnUnverifiable = "OnUnverifiable"
	envBucketOwner     = "RCFGE_TEMPLATES_BUCKET_OWNER"
	propBucketOwner    = "TemplatesBucketOwner"
)

// TestKnobsWiredAlike: OnUnverifiable is wired from the admin stack to the hook exactly like the
// other three knobs: an admin parameter passed to the StackSet, a member parameter (FAIL or WARN,
// default FAIL), the Lambda's environment and the registered hook's type configuration.
func TestKnobsWiredAlike(t *testing.T) {
	knobs := []struct{ param, env, prop string }{
		{"FailureModeViolation", handler.EnvOnViolation, handler.PropOnViolation},
		{"FailureModeMissingTemplate", handler.EnvOnMissingTemplate, handler.PropOnMissingTemplate},
		{"FailureModeEngineError", handler.EnvOnEngineError, handler.PropOnEngineError},
		{"FailureModeUnverifiable", envOnUnverifiable, propOnUnverifiable},
	}
	for _, file := range []string{"admin.yaml", "member.yaml"} {
		tmpl, err := loadTemplate(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range knobs {
			p := tmpl.parameter(k.param)
			if p == nil {
				t.Errorf("%s: no parameter %s", file, k.param)
				continue
			}
			if p["Default"] != "FAIL" || fmt.Sprint(p["AllowedValues"]) != "[FAIL WARN]" {
				t.Errorf("%s %s: default %v, allowed %v; want FAIL of [FAIL WARN]", file, k.param, p["Default"], p["AllowedValues"])
			}
		}
	}
	admin := mustResolve(t, "admin.yaml", scenarios()["admin.yaml"][0])
	var passed []string
	for _, id := range admin.ofType("AWS::CloudFormation::StackSet") {
		params, _ := admin.Resources[id].Properties["Parameters"].([]any)
		for _, p := range params {
			m, _ := p.(map[string]any)
			if m["ParameterValue"] == "{{Ref:"+fmt.Sprint(m["ParameterKey"])+"}}" || m["ParameterValue"] == "FAIL" {
				passed = append(passed, fmt.Sprint(m["ParameterKey"]))
			}
		}
	}
	for _, mode := range []int{0, 1} {
		r := mustResolve(t, "member.yaml", scenarios()["member.yaml"][mode])
		for _, k := range knobs {
			if !slices.Contains(passed, k.param) {
				t.Errorf("admin.yaml: the StackSet does not pass %s", k.param)
			}
			if mode == 0 {
				env, _ := r.Resources["HookFunction"].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
				if env[k.env] != "FAIL" {
					t.Errorf("lambda mode: %s = %v, want the parameter's FAIL", k.env, env[k.env])
				}
				continue
			}
			var cfg struct {
				CloudFormationConfiguration struct {
					HookConfiguration struct{ Properties map[string]any }
				}
			}
			if err := json.Unmarshal([]byte(fmt.Sprint(r.Resources["HookTypeConfig"].Properties["Configuration"])), &cfg); err != nil {
				t.Fatal(err)
			}
			if got := cfg.CloudFormationConfiguration.HookConfiguration.Properties[k.prop]; got != "FAIL" {
				t.Errorf("registered mode: %s = %v, want the parameter's FAIL", k.prop, got)
			}
		}
	}
}

func TestDriftRuleWatchesThisStack(t *testing.T) {
	for i, sc := range scenarios()["member.yaml"] {
		r := mustResolve(t, "member.yaml", sc)
		rule, ok := r.Resources["DriftConfigRule"]
		if !ok {
			t.Fatalf("scenario %d: no DriftConfigRule", i)
		}
		want := map[string]any{
			"Source":                    map[string]any{"Owner": "AWS", "SourceIdentifier": "CLOUDFORMATION_STACK_DRIFT_DETECTION_CHECK"},
			"InputParameters":           map[string]any{"cloudformationRoleArn": "{{GetAtt:DriftCheckRole.Arn}}"},
			"Scope":                     map[string]any{"ComplianceResourceTypes": []any{"AWS::CloudFormation::Stack"}, "ComplianceResourceId": fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/StackSet-rcfge-member-0000/uuid", sc.region(), testAccount)},
			"MaximumExecutionFrequency": "One_Hour",
		}
		for key, w := range want {
			if diff := cmp.Diff(w, rule.Properties[key]); diff != "" {
				t.Errorf("scenario %d: DriftConfigRule.%s (-want +got):\n%s", i, key, diff)
			}
		}
	}
}

func TestEvaluator(t *testing.T) {
	tmpl := &template{Path: "inline", Raw: map[string]any{
		"Parameters": map[string]any{
			"Name":  map[string]any{"Type": "String", "Default": "a::b::c"},
			"Count": map[string]any{"Type": "Number", "Default": float64(3)},
			"Ous":   map[string]any{"Type": "CommaDelimitedList", "Default": "ou-1, ou-2"},
			"Empty": map[string]any{"Type": "String"},
		},
		"Conditions": map[string]any{
			"IsC":   map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Name"}, "a::b::c"}},
			"NotC":  map[string]any{"Fn::Not": []any{map[string]any{"Condition": "IsC"}}},
			"Loop":  map[string]any{"Fn::Not": []any{map[string]any{"Condition": "Loop"}}},
			"Both":  map[string]any{"Fn::And": []any{map[string]any{"Condition": "IsC"}, map[string]any{"Condition": "NotC"}}},
			"Maybe": map[string]any{"Fn::Or": []any{map[string]any{"Condition": "IsC"}, map[string]any{"Condition": "NotC"}}},
		},
		"Resources": map[string]any{},
	}}
	tests := []struct {
		name    string
		in      any
		want    any
		wantErr bool
	}{
		{"sub with pseudo and attribute", map[string]any{"Fn::Sub": "arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Name}/${Res.Arn}/${!Literal}"},
			"arn:aws:x:eu-west-1:111122223333:a::b::c/{{GetAtt:Res.Arn}}/${Literal}", false},
		{"sub with variables", map[string]any{"Fn::Sub": []any{"${X}-${Count}", map[string]any{"X": map[string]any{"Fn::Join": []any{"-", map[string]any{"Fn::Split": []any{"::", map[string]any{"Ref": "Name"}}}}}}}},
			"a-b-c-3", false},
		{"list parameter", map[string]any{"Ref": "Ous"}, []any{"ou-1", "ou-2"}, false},
		{"if drops NoValue", []any{map[string]any{"Fn::If": []any{"NotC", "x", map[string]any{"Ref": "AWS::NoValue"}}}, "y"}, []any{"y"}, false},
		{"and, or", []any{map[string]any{"Condition": "Both"}, map[string]any{"Condition": "Maybe"}}, []any{false, true}, false},
		{"select", map[string]any{"Fn::Select": []any{"1", map[string]any{"Ref": "Ous"}}}, "ou-2", false},
		{"parameter without value", map[string]any{"Ref": "Empty"}, nil, true},
		{"unknown ref", map[string]any{"Ref": "Nope"}, nil, true},
		{"self-referencing condition", map[string]any{"Condition": "Loop"}, nil, true},
		{"unsupported intrinsic", map[string]any{"Fn::Cidr": []any{"10.0.0.0/16", "2", "8"}}, nil, true},
		{"list in sub", map[string]any{"Fn::Sub": "${Ous}"}, nil, true},
		{"select out of range", map[string]any{"Fn::Select": []any{"5", map[string]any{"Ref": "Ous"}}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &evaluator{t: tmpl, conditions: map[string]bool{}, evaluating: map[string]bool{}}
			got, err := e.eval(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("eval error = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("eval (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRules(t *testing.T) {
	for file, scs := range scenarios() {
		tmpl, err := loadTemplate(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, sc := range scs {
			for _, p := range tmpl.ruleProblems(sc) {
				t.Errorf("%s/%d: %s", file, i, p)
			}
		}
	}
	tests := []struct {
		file   string
		params map[string]any
		want   []string
	}{
		{"admin.yaml", map[string]any{"OrganizationId": testOrgID, "HomeRegion": "eu-central-1",
			"MemberTemplateUrl": "https://b.s3.eu-west-1.amazonaws.com/m.yaml", "TargetRegions": "eu-west-1"},
			[]string{"rule StackSetNeedsTargets: TargetOrganizationalUnitIds is required", "rule StackSetNeedsTargets: TargetRegions must include HomeRegion"}},
		{"member.yaml", map[string]any{"AdminAccountId": "999988887777", "TemplatesBucketRegion": testRegion},
			[]string{"rule LambdaModeNeedsCode: HookCodeKey is required"}},
		{"member.yaml", map[string]any{"HookMode": "registered", "AdminAccountId": "999988887777", "TemplatesBucketRegion": testRegion},
			[]string{"rule RegisteredModeNeedsPackage: SchemaHandlerPackageKey is required"}},
		{"testdata/bad-rule.yaml", nil, []string{"rule UsesJoin: Fn::Join is not a rule function", "rule UsesJoin: Ref AWS::Region is not a parameter"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tmpl, err := loadTemplate(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got := tmpl.ruleProblems(scenario{Params: tt.params})
			if len(got) != len(tt.want) {
				t.Fatalf("rule problems = %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got[i], w)
				}
			}
		})
	}
}
