package schema_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestCompileChecks: Compile names the first malformed keyword by its schema location, accepts
// every well-formed one, and refuses a loop of in-place references wherever validation can reach
// it from, and only then.
func TestCompileChecks(t *testing.T) {
	t.Parallel()
	loop := `"definitions":{"L":{"not":{"$ref":"#/definitions/L"}}}`
	tests := []struct {
		doc, want string // want "" compiles
	}{
		{`{"maxLength":1e2,"minLength":2.0,"maxItems":0,"maxProperties":1e10}`, ""},
		{`{"minLength":1.5}`, "#/minLength: minLength must be a non-negative integer"},
		{`{"maxItems":-1}`, "#/maxItems: maxItems must be a non-negative integer"},
		{`{"maxProperties":"1"}`, "#/maxProperties: maxProperties must be a non-negative integer"},
		{`{"multipleOf":-2}`, "#/multipleOf: multipleOf must be greater than 0"},
		{`{"multipleOf":0.5,"minimum":-1e3,"exclusiveMaximum":1e999}`, ""},
		{`{"minimum":"5"}`, "#/minimum: minimum must be a number of at most 64 characters"},
		{`{"format":5}`, "#/format: format must be a string"},
		{`{"format":"hostname"}`, `#/format: format "hostname" is not supported`},
		{`{"format":"ipv4"}`, ""},
		{`{"format":"uri"}`, ""},
		{`{"pattern":5}`, "#/pattern: pattern must be a string"},
		{`{"required":"A"}`, "#/required: required must be an array of strings"},
		{`{"required":["A",1]}`, "#/required: required must be an array of strings"},
		{`{"properties":[]}`, "#/properties: properties must be an object"},
		{`{"patternProperties":{"(":{}}}`, `#/patternProperties: invalid regular expression "("`},
		{`{"patternProperties":{"^a":{"type":"strin"}}}`, `#/patternProperties/^a/type: unknown type`},
		{`{"dependencies":[]}`, "#/dependencies: dependencies must be an object"},
		{`{"dependencies":{"A":{"type":"strin"}}}`, "#/dependencies/A/type: unknown type"},
		{`{"dependencies":{"A":["B"],"C":{"required":["D"]}}}`, ""},
		{`{"definitions":[]}`, "#/definitions: definitions must be an object"},
		{`{"definitions":{"a/b":{"type":"strin"}}}`, "#/definitions/a~1b/type: unknown type"},
		{`{"items":[{},{"type":"strin"}]}`, "#/items/1/type: unknown type"},
		{`{"items":{"type":"strin"}}`, "#/items/type: unknown type"},
		{`{"additionalItems":{"type":"strin"}}`, "#/additionalItems/type: unknown type"},
		{`{"contains":{"type":"strin"}}`, "#/contains/type: unknown type"},
		{`{"propertyNames":{"type":"strin"}}`, "#/propertyNames/type: unknown type"},
		{`{"not":{"type":"strin"}}`, "#/not/type: unknown type"},
		{`{"else":{"type":"strin"}}`, "#/else/type: unknown type"},
		{`{"oneOf":[{},{"type":"strin"}]}`, "#/oneOf/1/type: unknown type"},
		{`{"type":["string",5]}`, "#/type: unknown type 5"},
		{`{"type":["string","strin"]}`, "#/type: unknown type strin"},
		{`{"type":5}`, "#/type: type must be a string or an array of strings"},
		{`{"anyOf":{}}`, "#/anyOf: anyOf must be a non-empty array of schemas"},
		{`{"$ref":5}`, "#/$ref: $ref must be a string"},
		{`{"$id":"https://example.com/x.json","type":"string"}`, ""},
		{`{"items":[true,false]}`, ""},
		{`{"items":[1]}`, "#/items/0: a schema must be an object or a boolean, got number"},
		// Loops of in-place references: refused when validation reaches them...
		{`{"not":{"$ref":"#"}}`, "reference loop"},
		{`{"if":{"$ref":"#"}}`, "reference loop"},
		{`{"then":{"$ref":"#"}}`, "reference loop"},
		{`{"anyOf":[{"$ref":"#"}]}`, "reference loop"},
		{`{"oneOf":[{},{"$ref":"#"}]}`, "reference loop"},
		{`{"dependencies":{"A":{"$ref":"#"}}}`, "reference loop"},
		{`{"properties":{"X":{"$ref":"#/definitions/L"}},` + loop + `}`, "#/definitions/L: reference loop: #/definitions/L → #/definitions/L/not → #/definitions/L"},
		{`{"items":{"$ref":"#/definitions/L"},` + loop + `}`, "reference loop"},
		{`{"items":[{},{"$ref":"#/definitions/L"}],` + loop + `}`, "reference loop"},
		{`{"allOf":[{"additionalProperties":{"$ref":"#/definitions/L"}}],` + loop + `}`, "reference loop"},
		{`{"patternProperties":{"^a~b/c":{"$ref":"#/definitions/L"}},` + loop + `}`, "reference loop"},
		{`{"dependencies":{"A":{"contains":{"$ref":"#/definitions/L"}}},` + loop + `}`, "reference loop"},
		{`{"else":{"propertyNames":{"$ref":"#/definitions/L"}},` + loop + `}`, "reference loop"},
		{`{"$ref":"#/definitions/M","definitions":{"M":{"additionalItems":{"$ref":"#/definitions/L"}},"L":{"not":{"$ref":"#/definitions/L"}}}}`, "reference loop"},
		// ...and let through where nothing reaches them, or where each step consumes the instance.
		{`{` + loop + `}`, ""},
		{`{"properties":{"X":{"type":"string"}},` + loop + `}`, ""},
		{`{"properties":{"X":{"$ref":"#"}},"items":{"$ref":"#"},"additionalProperties":{"$ref":"#"}}`, ""},
		{`{"dependencies":{"A":["B"]},` + loop + `}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			t.Parallel()
			_, err := schema.Compile("t.json", mustDecode(t, tt.doc))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Compile = %v, want success", err)
				}
				return
			}
			var ce *schema.CompileError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestCompileErrorIsStable: with several malformed keywords, the one named is the first in key
// order, on every run (maps have no order of their own).
func TestCompileErrorIsStable(t *testing.T) {
	t.Parallel()
	doc := `{"properties":{"D":{"type":"d"},"B":{"type":"b"},"C":{"type":"c"},"A":{"maxLength":"a"},"E":{"type":"e"}}}`
	for range 20 {
		_, err := schema.Compile("t.json", mustDecode(t, doc))
		if err == nil || !strings.Contains(err.Error(), "#/properties/A/maxLength") {
			t.Fatalf("Compile = %v, want the error at #/properties/A/maxLength", err)
		}
	}
}

// TestCompileChecksEveryDependency: a property dependency does not end the check of the others.
// Run many times: map order decides which comes first.
func TestCompileChecksEveryDependency(t *testing.T) {
	t.Parallel()
	doc := `{"dependencies":{"A":["B"],"B":["C"],"C":["D"],"D":["E"],"E":["F"],"F":["G"],"G":["H"],"H":["I"],"Z":{"type":"strin"}}}`
	for range 20 {
		_, err := schema.Compile("t.json", mustDecode(t, doc))
		if err == nil || !strings.Contains(err.Error(), "#/dependencies/Z/type: unknown type") {
			t.Fatalf("Compile = %v, want the error in the schema dependency", err)
		}
	}
}

// TestCountKeywords: a count given as 1e2 or 2.0 is that integer, and a huge one bounds nothing.
func TestCountKeywords(t *testing.T) {
	t.Parallel()
	runRows(t, []row{
		{"maxLength 1e2 keeps 100", `{"maxLength":1e2}`, `"` + strings.Repeat("a", 100) + `"`, nil},
		{"maxLength 1e2 refuses 101", `{"maxLength":1e2}`, `"` + strings.Repeat("a", 101) + `"`, []string{" maxLength"}},
		{"maxLength 12e1 refuses 121", `{"maxLength":12e1}`, `"` + strings.Repeat("a", 121) + `"`, []string{" maxLength"}},
		{"minLength 2.0", `{"minLength":2.0}`, `"a"`, []string{" minLength"}},
		{"minItems 0", `{"minItems":0}`, `[]`, nil},
		{"maxItems 0", `{"maxItems":0}`, `[1]`, []string{" maxItems"}},
		{"maxItems 1e10", `{"maxItems":1e10}`, `[1,2,3]`, nil},
		{"minItems 1e10", `{"minItems":1e10}`, `[1,2,3]`, []string{" minItems"}},
		{"maxProperties 123456789", `{"maxProperties":123456789}`, `{"a":1}`, nil},
		{"minProperties 123456789", `{"minProperties":123456789}`, `{"a":1}`, []string{" minProperties"}},
		{"maxLength of 30 digits bounds nothing", `{"maxLength":123456789012345678901234567890}`, `"abc"`, nil},
		{"maxItems 1e18 bounds nothing", `{"maxItems":1e18}`, `[1]`, nil},
	}, schema.Options{})

	// The count is read exactly up to nine digits (the message says which).
	got, err := compile(t, `{"minLength":123456789}`).Validate(context.Background(), "a", schema.Options{})
	if err != nil || len(got) != 1 || got[0].Message != "length must be >= 123456789, but got 1" {
		t.Errorf("minLength 123456789: %+v %v", got, err)
	}
	got, err = compile(t, `{"minLength":1234567890}`).Validate(context.Background(), "a", schema.Options{})
	if err != nil || len(got) != 1 || got[0].Message != "length must be >= 1073741824, but got 1" {
		t.Errorf("minLength 1234567890 (beyond any instance): %+v %v", got, err)
	}
}
