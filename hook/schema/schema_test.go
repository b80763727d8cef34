package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
)

func widget(t testing.TB) *schema.Schema {
	t.Helper()
	body, err := os.ReadFile("testdata/widget.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Compile("widget.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustDecode(t testing.TB, s string) any {
	t.Helper()
	v, err := schema.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCoercion: Validate reads CloudFormation's loosely typed scalars as the schema directs. Each
// row is accepted (no violation) or rejected with the given keyword at the property.
func TestCoercion(t *testing.T) {
	t.Parallel()
	s := widget(t)
	tests := []struct {
		name string
		in   string
		want string // keyword of the one violation; "" for none
	}{
		{"string true for a boolean", `{"Enabled":"true"}`, ""},
		{"string false for a boolean", `{"Enabled":"false"}`, ""},
		{"TRUE is a boolean (any case)", `{"Enabled":"TRUE"}`, ""},
		{"False is a boolean (any case)", `{"Enabled":"False"}`, ""},
		{"yes is not a boolean", `{"Enabled":"yes"}`, "type"},
		{"010 is decimal ten", `{"Count":"010"}`, ""},
		{"1e3 is an integer", `{"Count":"1e3"}`, ""},
		{"-0 is an integer", `{"Count":"-0"}`, ""},
		{"abc stays a string for an integer", `{"Count":"abc"}`, "type"},
		{"1.5 stays a string for an integer", `{"Count":"1.5"}`, "type"},
		{"hex stays a string", `{"Count":"0x10"}`, "type"},
		{"spaces stay a string", `{"Count":" 1"}`, "type"},
		{"NaN stays a string", `{"Ratio":"NaN"}`, "type"},
		{"huge exponent stays a string", `{"Ratio":"1e99999"}`, "type"},
		{"1.5 to number", `{"Ratio":"1.5"}`, ""},
		{"64-byte literal is a number", `{"Ratio":"` + strings.Repeat("1", 64) + `"}`, ""},
		{"65-byte literal stays a string", `{"Ratio":"` + strings.Repeat("1", 65) + `"}`, "type"},
		{"string property holding true stays a string", `{"Label":"true"}`, ""},
		{"1 for a string property", `{"Label":1}`, ""},
		{"true for a string property", `{"Label":true}`, ""},
		{"coerced string still meets maxLength", `{"Label":123456789012345678901}`, "maxLength"},
		{"a type union including string leaves strings alone", `{"Flexible":"12"}`, ""},
		{"a type union including integer leaves 5 alone and maximum applies", `{"Flexible":500}`, "maximum"},
		{"untyped free-form object is left alone", `{"Free":{"a":"1"}}`, ""},
		{"patternProperties values", `{"Tags":{"env":1}}`, ""},
		{"through $ref and arrays", `{"Rules":[{"Name":"a","Weight":"5","Children":[{"Name":"b","Weight":"7"}]}]}`, ""},
		{"through $ref and arrays, bounds apply after coercion", `{"Rules":[{"Name":"a","Weight":"500"}]}`, "maximum"},
		{"through anyOf", `{"Target":{"Name":5}}`, ""},
		{"property defined by two allOf branches", `{"Deep":{"O":{"N":"4"}}}`, ""},
		{"tuple items", `{"Pair":["3","true"]}`, ""},
		{"anyOf coerces per branch: integer branch", `{"Port":"3000"}`, ""},
		{"anyOf coerces per branch: string branch", `{"Port":"ALL"}`, ""},
		{"anyOf coerces per branch: neither", `{"Port":"70000"}`, "anyOf"},
		{"allOf bounds see the coerced value", `{"Bounded":"3"}`, "minimum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := mustDecode(t, tt.in)
			before, _ := json.Marshal(in)
			got, err := s.Validate(context.Background(), in, schema.Options{TypeName: "Test::Widget::Thing"})
			if err != nil {
				t.Fatal(err)
			}
			var kws []string
			for _, v := range got {
				kws = append(kws, v.Keyword)
			}
			if want := strings.Fields(tt.want); !slices.Equal(kws, want) {
				t.Errorf("Validate(%s) keywords = %q, want %q (%v)", tt.in, kws, want, got)
			}
			if after, _ := json.Marshal(in); string(after) != string(before) {
				t.Errorf("Validate modified its input")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	s := widget(t)
	tests := []struct {
		name    string
		in      string
		unknown []string
		want    []verdict.Violation
	}{
		{name: "valid", in: `{"Enabled":true,"Rules":[{"Name":"a","Mode":"ON","Children":[{"Name":"b"}]}],"Target":{"Arn":"arn:x"},"Tags":{"env":"x"}}`},
		{name: "unapproved properties at the root and inside $ref'd arrays", in: `{"NewFeature":1,"Rules":[{"Name":"a","Children":[{"Name":"b","Sneaky":true}]}]}`,
			want: []verdict.Violation{
				{Path: "/NewFeature", Keyword: "additionalProperties", SchemaLocation: "#/additionalProperties", Message: "NewFeature is not an approved property of Test::Widget::Thing"},
				{Path: "/Rules/0/Children/0/Sneaky", Keyword: "additionalProperties", SchemaLocation: "#/definitions/Rule/additionalProperties", Message: "Sneaky is not an approved property of Test::Widget::Thing at /Rules/0/Children/0"},
			}},
		{name: "every violation, not only the first", in: `{"Rules":[{"Name":"A1","Mode":"MAYBE","Weight":101},{}]}`,
			want: []verdict.Violation{
				{Path: "/Rules/0/Mode", Keyword: "enum", SchemaLocation: "#/definitions/Rule/properties/Mode/enum", Allowed: "ON, OFF", Message: "value is not one of the approved values: ON, OFF"},
				{Path: "/Rules/0/Name", Keyword: "pattern", SchemaLocation: "#/definitions/Rule/properties/Name/pattern", Allowed: "^[a-z]+$", Message: "value does not match the approved pattern ^[a-z]+$"},
				{Path: "/Rules/0/Weight", Keyword: "maximum", SchemaLocation: "#/definitions/Rule/properties/Weight/maximum", Message: "value must be <= 100"},
				{Path: "/Rules/1", Keyword: "required", SchemaLocation: "#/definitions/Rule/required", Message: "missing required properties: 'Name'"},
			}},
		{name: "false schema names the property", in: `{"Removed":"x"}`,
			want: []verdict.Violation{{Path: "/Removed", Keyword: "false", SchemaLocation: "#/properties/Removed", Message: "Removed is not an approved property of Test::Widget::Thing"}}},
		{name: "type mismatch", in: `{"Count":"abc"}`,
			want: []verdict.Violation{{Path: "/Count", Keyword: "type", SchemaLocation: "#/properties/Count/type", Message: "expected integer, but got string"}}},
		{name: "anyOf reports the alternative the resource meant", in: `{"Target":{"Arn":"nope"}}`,
			want: []verdict.Violation{{Path: "/Target/Arn", Keyword: "pattern", SchemaLocation: "#/definitions/Target/anyOf/0/properties/Arn/pattern", Allowed: "^arn:", Message: "value does not match the approved pattern ^arn:"}}},
		{name: "anyOf with no clear alternative is one violation", in: `{"Target":{}}`,
			want: []verdict.Violation{{Path: "/Target", Keyword: "anyOf", SchemaLocation: "#/definitions/Target/anyOf", Message: "matches none of the allowed alternatives (alternative 1: missing required properties: 'Arn'; alternative 2: missing required properties: 'Name')"}}},
		{name: "unknown values skip their own constraints only", in: `{"Rules":[{"Name":"UNKNOWN","Mode":"MAYBE"}]}`, unknown: []string{"/Rules/0/Name"},
			want: []verdict.Violation{{Path: "/Rules/0/Mode", Keyword: "enum", SchemaLocation: "#/definitions/Rule/properties/Mode/enum", Allowed: "ON, OFF", Message: "value is not one of the approved values: ON, OFF"}}},
		{name: "an alternative failing only on an unknown may pass", in: `{"Target":{"Arn":"x"}}`, unknown: []string{"/Target/Arn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Validate(context.Background(), mustDecode(t, tt.in), schema.Options{TypeName: "Test::Widget::Thing", Unknown: tt.unknown})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		wantMsg string
	}{
		{"not an object", `[1]`, "top level is array"},
		{"invalid keyword value", `{"type":"object","properties":{"A":{"type":"strin"}}}`, "properties/A/type"},
		{"invalid regex", `{"type":"string","pattern":"^(?!aws:).*$"}`, "pattern"},
		{"remote reference refused", `{"$ref":"https://example.com/schema.json"}`, "remote references are refused"},
		{"unsupported $schema", `{"$schema":"https://example.com/meta.json"}`, "unsupported $schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := schema.Compile("t.json", mustDecode(t, tt.doc))
			var ce *schema.CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CompileError", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "t.json") {
				t.Errorf("error %q does not name %q and the template", err, tt.wantMsg)
			}
		})
	}
}

// TestCompileDrafts: the drafts a template may name compile, and the result still enforces the
// template (not only "it compiled").
func TestCompileDrafts(t *testing.T) {
	t.Parallel()
	for _, d := range []string{
		"http://json-schema.org/draft-07/schema#",
		"https://json-schema.org/draft-07/schema",
		"http://json-schema.org/draft-06/schema#",
		"https://schema.cloudformation.us-east-1.amazonaws.com/provider.definition.schema.v1.json",
		"https://raw.githubusercontent.com/aws-cloudformation/cloudformation-resource-schema/master/src/main/resources/schema/provider.definition.schema.v1.json",
	} {
		s, err := schema.Compile("t.json", mustDecode(t, `{"$schema":"`+d+`","type":"object","additionalProperties":false,"properties":{"A":{"type":"integer"}}}`))
		if err != nil {
			t.Errorf("Compile(%s): %v", d, err)
			continue
		}
		got, err := s.Validate(context.Background(), mustDecode(t, `{"A":"x","B":1}`), schema.Options{})
		if err != nil || len(got) != 2 || got[0].Keyword != "type" || got[1].Keyword != "additionalProperties" {
			t.Errorf("%s: compiled schema does not enforce: %v %v", d, got, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `{`, `{"a":1} {"b":2}`, `nope`} {
		if _, err := schema.Decode([]byte(in)); err == nil || !strings.Contains(err.Error(), "not JSON") {
			t.Errorf("Decode(%q) = %v, want a 'not JSON' error", in, err)
		}
	}
}

func TestExtension(t *testing.T) {
	t.Parallel()
	if got := widget(t).Extension()["onDelete"]; got != "deny" {
		t.Errorf("x-rcfge onDelete = %v", got)
	}
}
