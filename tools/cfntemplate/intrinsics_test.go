package cfntemplate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// intrinsicTemplate wraps one property value in a template with a parameter, a list parameter,
// a mapping, two conditions (one unknown) and a second resource to refer to.
func intrinsicTemplate(expr string) []byte {
	return []byte(`Parameters:
  Env: {Type: String, Default: prod}
  Owner: {Type: String}
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  M:
    a: {b: c}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  HasOwner: !Not [!Equals [!Ref Owner, ""]]
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      V: ` + expr + "\n")
}

func TestIntrinsicErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr, wantMsg string
	}{
		{"Ref of a list", "{Ref: [a]}", "Ref takes a name, not a list"},
		{"GetAtt one item", "!GetAtt [Topic]", "Fn::GetAtt takes [resource, attribute], got 1 items"},
		{"GetAtt no attribute", "!GetAtt Topic", `Fn::GetAtt takes [resource, attribute] or "resource.attribute"`},
		{"GetAtt number", "{Fn::GetAtt: 3}", "Fn::GetAtt takes [resource, attribute]"},
		{"Sub of a number", "{Fn::Sub: 3}", "Fn::Sub takes a string or [string, variables], not a number"},
		{"Sub pair of wrong kinds", "!Sub [a, b]", "Fn::Sub takes [string, variables]"},
		{"Sub unknown resource attribute", `!Sub "${Nope.Arn}"`, "${Nope.Arn} names no resource"},
		{"Sub undefined name", `!Sub "${Nope}"`, "Ref to undefined Nope"},
		{"Sub variable is an object", "!Sub [\"${X}\", {X: {a: 1}}]", "${X} is an object, not a string"},
		{"Sub of NoValue", `!Sub "${AWS::NoValue}"`, "${AWS::NoValue} is AWS::NoValue"},
		{"Join not a pair", "!Join [a]", "Fn::Join takes [delimiter, list]"},
		{"Join delimiter number", "!Join [1, [a]]", "Fn::Join delimiter is a number"},
		{"Join of a string", "!Join [',', abc]", "Fn::Join takes a list, not a string"},
		{"Join item object", "!Join [',', [{a: 1}]]", "Fn::Join item is an object"},
		{"Select fraction", "!Select [0.5, [a]]", `Fn::Select index "0.5" is not an integer`},
		{"Select word", "!Select [one, [a]]", `Fn::Select index "one" is not an integer`},
		{"Select index object", "!Select [{a: 1}, [a]]", "Fn::Select index is an object"},
		{"Select from string", "!Select [0, abc]", "Fn::Select takes a list, not a string"},
		{"Select negative", "!Select [-1, [a]]", "Fn::Select index -1 out of range for 1 items"},
		{"Split empty delimiter", "!Split ['', abc]", "Fn::Split delimiter must be a non-empty string"},
		{"Split a list", "!Split [',', [a]]", "Fn::Split source is a list"},
		{"FindInMap object key", "!FindInMap [M, {a: 1}, b]", "Fn::FindInMap key is an object"},
		{"FindInMap no mapping", "!FindInMap [Nope, a, b]", "Fn::FindInMap: no mapping Nope"},
		{"Base64 of a list", "!Base64 [a]", "Fn::Base64 takes a string, not a list"},
		{"If condition not a name", "!If [[a], x, y]", "Fn::If condition is a list"},
		{"If of undefined condition", "!If [C, x, y]", "condition C is not defined"},
		{"Length of a string", "{Fn::Length: abc}", "Fn::Length takes a list, not a string"},
		{"Join skips NoValue, not objects", "!Join [',', [!Ref AWS::NoValue, {a: 1}]]", "Fn::Join item is an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := cfntemplate.Parse("t.yaml", intrinsicTemplate(tt.expr), testOptions)
			if !errors.Is(err, cfntemplate.ErrIntrinsic) {
				t.Fatalf("error %v, want ErrIntrinsic", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q lacks %q", err, tt.wantMsg)
			}
		})
	}
}

// TestConditionErrors covers errors found in the Conditions section itself.
func TestConditionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, conditions, wantMsg string
	}{
		{"undefined reference", "A: !Not [{Condition: B}]", "condition A refers to undefined condition B"},
		{"self reference", "A: !Not [{Condition: A}]", "condition A refers to itself"},
		{"And of one", "A: !And [true]", "Fn::And takes 2 to 10 conditions"},
		{"Not of two", "A: !Not [true, false]", "Fn::Not takes [condition]"},
		{"Equals of one", "A: !Equals [a]", "Fn::Equals takes [value, value]"},
		{"operand not a condition", "A: !Or [[x], true]", "condition operand is a list, not a condition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := "Conditions:\n  " + tt.conditions + "\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      V: !If [A, x, y]\n"
			_, err := cfntemplate.Parse("t.yaml", []byte(data), testOptions)
			if !errors.Is(err, cfntemplate.ErrIntrinsic) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %v, want ErrIntrinsic with %q", err, tt.wantMsg)
			}
		})
	}
}

// TestIntrinsicUnknown checks that every function propagates an unknown input to an unknown
// output with the root cause as its reason, and that a decided function ignores an unknown
// branch it does not take.
func TestIntrinsicUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		want       any    // the resolved value when known
		wantWhy    string // the reason when unknown
	}{
		{name: "GetAtt attribute from Ref", expr: "!GetAtt [Topic, !Ref Owner]", wantWhy: "Ref Owner (parameter without a value)"},
		{name: "ImportValue of unknown name", expr: "!ImportValue {Ref: Topic}", wantWhy: "Fn::ImportValue"},
		{name: "Sub of unknown string", expr: "{Fn::Sub: {Fn::GetAtt: [Topic, Name]}}", wantWhy: "Fn::GetAtt Topic.Name"},
		{name: "Sub local variable unknown", expr: "!Sub [\"${X}-y\", {X: !Ref Topic}]", wantWhy: "Ref Topic (resource)"},
		{name: "Sub pseudo", expr: `!Sub "${AWS::NotificationARNs}"`, wantWhy: "Ref AWS::NotificationARNs"},
		{name: "Join unknown list", expr: "!Join [',', !GetAZs '']", wantWhy: "Fn::GetAZs"},
		{name: "Select from unknown list", expr: "!Select [0, !GetAZs '']", wantWhy: "Fn::GetAZs"},
		{name: "Select unknown index", expr: "!Select [!Ref Owner, [a]]", wantWhy: "Ref Owner (parameter without a value)"},
		{name: "Select known item beside unknown", expr: "!Select [0, [a, !Ref Topic]]", want: "a"},
		{name: "Split unknown", expr: "!Split [',', !ImportValue X]", wantWhy: "Fn::ImportValue X"},
		{name: "FindInMap unknown key", expr: "!FindInMap [M, !Ref Owner, b]", wantWhy: "Ref Owner (parameter without a value)"},
		{name: "FindInMap default value", expr: "!FindInMap [M, a, z, {DefaultValue: d}]", want: "d"},
		{name: "Base64 unknown", expr: "!Base64 {Ref: Topic}", wantWhy: "Ref Topic (resource)"},
		{name: "Transform", expr: "{Fn::Transform: {Name: AWS::Include}}", wantWhy: "Fn::Transform (a macro's output is known only at deployment)"},
		{name: "GetStackSetId", expr: "{Fn::GetStackSetId: ''}", wantWhy: "Fn::GetStackSetId is not a CloudFormation intrinsic function (a preprocessor resolves it)"},
		{name: "If unknown condition", expr: "!If [HasOwner, a, b]", wantWhy: "Fn::If HasOwner: condition HasOwner cannot be decided: Ref Owner (parameter without a value)"},
		{name: "If takes known branch", expr: "!If [IsProd, a, !Ref Topic]", want: "a"},
		{name: "ToJsonString unknown", expr: "{Fn::ToJsonString: {a: !Ref Topic}}", wantWhy: "Ref Topic (resource)"},
		{name: "Length unknown", expr: "{Fn::Length: !GetAZs ''}", wantWhy: "Fn::GetAZs"},
		{name: "Equals unknown", expr: "!If [IsProd, !Equals [!Ref Topic, x], b]", wantWhy: "Ref Topic (resource)"},
		{name: "list parameter", expr: "!Join ['+', !Ref Zones]", want: "a+b"},
		{name: "Sub escaped", expr: `!Sub "${!Literal}-${Env}"`, want: "${Literal}-prod"},
		{name: "Sub unterminated", expr: `!Sub "a-${Env"`, want: "a-${Env"},
		{name: "stack name", expr: "!Ref AWS::StackName", want: "demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := cfntemplate.Parse("t.yaml", intrinsicTemplate(tt.expr), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			r := tmpl.Resources[1]
			got := r.Properties.(map[string]any)["V"]
			if tt.wantWhy != "" {
				want := []verdict.Unverified{{Path: "/V", Reason: tt.wantWhy}}
				if got != nil || !cmp.Equal(want, r.Unknown) {
					t.Errorf("V = %#v, unknown %v; want null and %v", got, r.Unknown, want)
				}
				return
			}
			if len(r.Unknown) != 0 || !cmp.Equal(tt.want, got) {
				t.Errorf("V = %#v, unknown %v; want %#v", got, r.Unknown, tt.want)
			}
		})
	}
}

// TestLogic checks Fn::And and Fn::Or short-circuit around unknown operands.
func TestLogic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cond string
		want       any // "x", "y", or nil when unknown
	}{
		{"and false decides", "!And [{Condition: U}, {Condition: F}]", "y"},
		{"and unknown", "!And [{Condition: U}, {Condition: T}]", nil},
		{"and true", "!And [{Condition: T}, {Condition: T}]", "x"},
		{"or true decides", "!Or [{Condition: U}, {Condition: T}]", "x"},
		{"or unknown", "!Or [{Condition: U}, {Condition: F}]", nil},
		{"or false", "!Or [{Condition: F}, {Condition: F}]", "y"},
		{"not unknown", "!Not [{Condition: U}]", nil},
		{"literal booleans", "!And [true, !Not [false]]", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := "Parameters:\n  P: {Type: String}\nConditions:\n  T: !Equals [a, a]\n  F: !Equals [a, b]\n" +
				"  U: !Equals [!Ref P, a]\n  C: " + tt.cond + "\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      V: !If [C, x, y]\n"
			tmpl, err := cfntemplate.Parse("t.yaml", []byte(data), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			r := tmpl.Resources[0]
			got := r.Properties.(map[string]any)["V"]
			if !cmp.Equal(tt.want, got) || (tt.want == nil) != (len(r.Unknown) == 1) {
				t.Errorf("V = %#v, unknown %v; want %#v", got, r.Unknown, tt.want)
			}
		})
	}
}
