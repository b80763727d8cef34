package cfntemplate_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// valueAt returns the resolved value at ptr in the resource's properties and, when it is
// unknown, the reason.
func valueAt(t *testing.T, tmpl *cfntemplate.Template, id, ptr string) (any, string) {
	t.Helper()
	for _, r := range tmpl.Resources {
		if r.LogicalID != id {
			continue
		}
		for _, u := range r.Unknown {
			if u.Path == ptr {
				return nil, u.Reason
			}
		}
		v, ok := jsonptr.Lookup(r.Properties, ptr)
		if !ok {
			t.Fatalf("%s%s: absent from %v", id, ptr, r.Properties)
		}
		return v, ""
	}
	t.Fatalf("no resource %s", id)
	return nil, ""
}

// TestEvalFixtures: each category of intrinsic resolves as CloudFormation would, and a value
// known only at deployment (or produced by `aws cloudformation package`) is unknown with its
// reason, never an abort.
func TestEvalFixtures(t *testing.T) {
	t.Parallel()
	type want struct {
		id, ptr string
		value   any    // when known
		why     string // a part of the reason when unknown
	}
	tests := []struct {
		file  string
		wants []want
	}{
		{"intrinsics.yaml", []want{
			{id: "Bucket", ptr: "/SubNumber", value: "10.0.0.0/16"},
			{id: "Bucket", ptr: "/JoinNumbers", value: "1-2.5-true"},
			{id: "Bucket", ptr: "/JoinUnknown", why: "Ref Owner (parameter without a value)"},
			{id: "Bucket", ptr: "/SubUnknown", why: "Ref Topic (resource)"},
			{id: "Bucket", ptr: "/MapDefault", value: json.Number("3")},
			{id: "Bucket", ptr: "/MapHit", value: json.Number("1")},
			{id: "Bucket", ptr: "/AZs", why: "Fn::GetAZs"},
			{id: "Bucket", ptr: "/Cidr", why: "Fn::Cidr"},
			{id: "Bucket", ptr: "/SelectKnown", value: "b"},
			{id: "Bucket", ptr: "/SelectUnknown", why: "Fn::GetAZs"},
			{id: "Bucket", ptr: "/SplitUnknown", why: "Fn::ImportValue shared-list"},
			{id: "Bucket", ptr: "/SplitKnown", value: []any{"x", "y"}},
			{id: "Bucket", ptr: "/Rain", why: "Fn::Rain::Embed is not a CloudFormation intrinsic function"},
			{id: "MapMiss", ptr: "/BucketName", why: "mapping Size has no large/Count"},
		}},
		{"language-extensions.yaml", []want{
			{id: "Bucketapplogs", ptr: "/BucketName", value: "app-logs-bucket"},
			{id: "Bucketwebassets", ptr: "/BucketName", value: "web.assets-bucket"},
			{id: "Bucketwebassets", ptr: "/Plain", value: "web.assets"},
			{id: "Bucketapplogs", ptr: "/Count", value: json.Number("3")},
			{id: "Bucketapplogs", ptr: "/Policy", value: `{"Id":"app-logs","Version":"2012-10-17"}`},
			{id: "Bucketapplogs", ptr: "/Taga", value: "a-app-logs"},
			{id: "Bucketwebassets", ptr: "/Tagb", value: "b-web.assets"},
		}},
		{"packaged.yaml", []want{
			{id: "Fn", ptr: "/Code", why: "packaged at deploy time"},
			{id: "Child", ptr: "/TemplateURL", why: "packaged at deploy time"},
			{id: "Remote", ptr: "/TemplateURL", value: "https://s3.amazonaws.com/bucket/child.yaml"},
			{id: "Job", ptr: "/Command/ScriptLocation", why: "packaged at deploy time"},
			{id: "Machine", ptr: "/DefinitionS3Location", why: "packaged at deploy time"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tmpl := parseFile(t, "testdata/eval/"+tt.file)
			for _, w := range tt.wants {
				got, why := valueAt(t, tmpl, w.id, w.ptr)
				if w.why != "" {
					if !strings.Contains(why, w.why) {
						t.Errorf("%s%s = %#v (unknown: %q), want unknown because %q", w.id, w.ptr, got, why, w.why)
					}
					continue
				}
				if why != "" || !cmp.Equal(got, w.value) {
					t.Errorf("%s%s = %#v (unknown: %q), want %#v", w.id, w.ptr, got, why, w.value)
				}
			}
		})
	}
}

// TestMapMissIsAFinding: a mapping without the key fails only the resource that uses it, as a
// finding, and only when CloudFormation would evaluate it.
func TestMapMissIsAFinding(t *testing.T) {
	t.Parallel()
	tmpl := parseFile(t, "testdata/eval/intrinsics.yaml")
	for _, r := range tmpl.Resources {
		var rules []string
		for _, f := range r.Findings {
			rules = append(rules, f.Keyword+" "+f.Path)
		}
		want := []string(nil)
		if r.LogicalID == "MapMiss" {
			want = []string{cfntemplate.RuleIntrinsic + " /BucketName"}
		}
		if !cmp.Equal(rules, want) {
			t.Errorf("%s: findings %v, want %v", r.LogicalID, rules, want)
		}
	}
	for _, f := range []string{"testdata/findings/select-range.yaml", "testdata/findings/findinmap-missing.yaml"} {
		r := parseFile(t, f).Resources[0]
		if len(r.Findings) != 1 || r.Findings[0].Path != "/BucketName" {
			t.Errorf("%s: findings %v, want one at /BucketName", f, r.Findings)
		}
	}
}

// TestParameterTyping: parameters are what CloudFormation passes: strings, lists of strings,
// unknown for SSM types and for parameters without a value.
func TestParameterTyping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, decl, expr string
		given            map[string]string
		want             any
		why              string
	}{
		{name: "Number default is a string", decl: "{Type: Number, Default: 0}", expr: "!Ref P", want: "0"},
		{name: "Number in Sub", decl: "{Type: Number, Default: 16}", expr: `!Sub "10.0.0.0/${P}"`, want: "10.0.0.0/16"},
		{name: "Number compared as a string", decl: "{Type: Number, Default: 1}", expr: "!If [IsOne, one, other]", want: "one"},
		{name: "decimal default keeps its text", decl: "{Type: Number, Default: 2.5}", expr: "!Ref P", want: "2.5"},
		{name: "boolean default", decl: "{Type: String, Default: true}", expr: "!Ref P", want: "true"},
		{name: "given overrides default", decl: "{Type: String, Default: a}", given: map[string]string{"P": "b"}, expr: "!Ref P", want: "b"},
		{name: "CommaDelimitedList", decl: `{Type: CommaDelimitedList, Default: "a, b"}`, expr: "!Ref P", want: []any{"a", "b"}},
		{name: "List of subnets given", decl: "{Type: List<AWS::EC2::Subnet::Id>}", given: map[string]string{"P": "subnet-1,subnet-2"}, expr: "!Ref P", want: []any{"subnet-1", "subnet-2"}},
		{name: "SSM parameter type", decl: "{Type: 'AWS::SSM::Parameter::Value<String>', Default: /my/param}", expr: "!Ref P", why: "SSM parameter, resolved at deployment"},
		{name: "no default", decl: "{Type: String}", expr: "!Ref P", why: "parameter without a value"},
		{name: "no default in Equals", decl: "{Type: Number}", expr: "!If [IsOne, one, other]", why: "condition IsOne cannot be decided"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := "Parameters:\n  P: " + tt.decl + "\nConditions:\n  IsOne: !Equals [!Ref P, '1']\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      V: " + tt.expr + "\n"
			opts := testOptions
			opts.Parameters = tt.given
			tmpl, err := cfntemplate.Parse("t.yaml", []byte(data), opts)
			if err != nil {
				t.Fatal(err)
			}
			got, why := valueAt(t, tmpl, "B", "/V")
			if tt.why != "" {
				if !strings.Contains(why, tt.why) {
					t.Errorf("V = %#v (unknown %q), want unknown because %q", got, why, tt.why)
				}
				return
			}
			if why != "" || !cmp.Equal(got, tt.want) {
				t.Errorf("V = %#v (unknown %q), want %#v", got, why, tt.want)
			}
		})
	}
}

// TestVariantBound: up to six undecided conditions are enumerated, inconsistent assignments
// dropped; beyond, each condition is tried alone beside the all-unknown properties.
func TestVariantBound(t *testing.T) {
	t.Parallel()
	build := func(n int, correlated, sameParam bool) string {
		var b strings.Builder
		b.WriteString("Parameters:\n")
		for i := range n {
			b.WriteString("  P" + string(rune('a'+i)) + ": {Type: String}\n")
		}
		b.WriteString("Conditions:\n")
		for i := range n {
			p := "P" + string(rune('a'+i))
			if sameParam {
				p = "Pa"
			}
			b.WriteString("  C" + string(rune('a'+i)) + ": !Equals [!Ref " + p + ", '" + string(rune('a'+i)) + "']\n")
		}
		if correlated {
			b.WriteString("  NotCa: !Not [{Condition: Ca}]\n")
		}
		b.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n")
		for i := range n {
			c := "C" + string(rune('a'+i))
			b.WriteString("      V" + c + ": !If [" + c + ", x, y]\n")
		}
		if correlated {
			b.WriteString("      W: !If [NotCa, x, y]\n")
		}
		return b.String()
	}
	tests := []struct {
		name         string
		n            int
		correlated   bool
		sameParam    bool
		wantVariants int
	}{
		{"two enumerated", 2, false, false, 4},
		{"six enumerated", 6, false, false, 64},
		{"correlated pair drops contradictions", 1, true, false, 2},
		{"eight: each alone plus all unknown", 8, false, false, 1 + 16},
		{"one parameter cannot equal two values", 3, false, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := cfntemplate.Parse("t.yaml", []byte(build(tt.n, tt.correlated, tt.sameParam)), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(tmpl.Resources[0].Variants); got != tt.wantVariants {
				t.Errorf("%d variants, want %d", got, tt.wantVariants)
			}
		})
	}
}

// TestEvalBounds: work is bounded per template, and conditions that refer to each other in a
// lattice are evaluated once each (2^40 paths would never finish).
func TestEvalBounds(t *testing.T) {
	t.Parallel()
	var lattice strings.Builder
	lattice.WriteString("Parameters:\n  P: {Type: String, Default: a}\nConditions:\n  C0: !Equals [!Ref P, a]\n")
	for i := 1; i <= 40; i++ {
		prev := "C" + strconv.Itoa(i-1)
		lattice.WriteString("  C" + strconv.Itoa(i) + ": !And [{Condition: " + prev + "}, !Not [!Not [{Condition: " + prev + "}]]]\n")
	}
	lattice.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      V: !If [C40, x, y]\n")

	items := make([]string, 200)
	for i := range items {
		items[i] = "i" + strconv.Itoa(i)
	}
	list := "[" + strings.Join(items, ", ") + "]"
	loops := "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - A\n    - " + list +
		"\n    - Fn::ForEach::B:\n        - B\n        - " + list +
		"\n        - Fn::ForEach::C:\n            - C\n            - " + list +
		"\n            - R${A}${B}${C}:\n                Type: AWS::S3::Bucket\n"
	unknownColl := "Transform: AWS::LanguageExtensions\nParameters:\n  L: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::A:\n    - A\n    - !Ref L\n    - R${A}:\n        Type: AWS::S3::Bucket\n"

	tmpl, err := cfntemplate.Parse("lattice.yaml", []byte(lattice.String()), testOptions)
	if err != nil {
		t.Fatalf("lattice: %v", err)
	}
	if got, _ := valueAt(t, tmpl, "B", "/V"); got != "x" {
		t.Errorf("lattice: V = %v, want x", got)
	}
	for _, tt := range []struct{ name, data, wantMsg string }{
		{"8 million resources", loops, "more than 500000 evaluation steps"},
		{"collection known only at deployment", unknownColl, "the collection is not known before deployment"},
	} {
		_, err := cfntemplate.Parse("t.yaml", []byte(tt.data), testOptions)
		if !errors.Is(err, cfntemplate.ErrUnsupported) || !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("%s: error %v, want ErrUnsupported with %q", tt.name, err, tt.wantMsg)
		}
	}
}
