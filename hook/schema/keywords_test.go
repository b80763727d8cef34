package schema_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestKeywordEdges: each bound at, below and above its limit, with the exact message.
func TestKeywordEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, schema, in string
		want             []string // "path keyword: message"
	}{
		{"minLength equal", `{"minLength":2}`, `"ab"`, nil},
		{"minLength below", `{"minLength":2}`, `"a"`, []string{" minLength: length must be >= 2, but got 1"}},
		{"maxLength equal", `{"maxLength":2}`, `"ab"`, nil},
		{"maxLength above", `{"maxLength":2}`, `"abc"`, []string{" maxLength: length must be <= 2, but got 3"}},
		{"minItems equal", `{"minItems":2}`, `[1,2]`, nil},
		{"minItems below", `{"minItems":2}`, `[1]`, []string{" minItems: minimum 2 items required, but found 1 items"}},
		{"maxItems equal", `{"maxItems":2}`, `[1,2]`, nil},
		{"maxItems above", `{"maxItems":2}`, `[1,2,3]`, []string{" maxItems: maximum 2 items required, but found 3 items"}},
		{"minProperties equal", `{"minProperties":2}`, `{"a":1,"b":2}`, nil},
		{"minProperties below", `{"minProperties":2}`, `{"a":1}`, []string{" minProperties: minimum 2 properties allowed, but found 1 properties"}},
		{"maxProperties equal", `{"maxProperties":2}`, `{"a":1,"b":2}`, nil},
		{"maxProperties above", `{"maxProperties":2}`, `{"a":1,"b":2,"c":3}`, []string{" maxProperties: maximum 2 properties allowed, but found 3 properties"}},
		{"minimum message", `{"minimum":1.50}`, `1`, []string{" minimum: value must be >= 1.50"}},
		{"exclusiveMinimum message", `{"exclusiveMinimum":1e1}`, `10`, []string{" exclusiveMinimum: value must be > 1e1"}},
		{"exclusiveMaximum message", `{"exclusiveMaximum":-2}`, `-1`, []string{" exclusiveMaximum: value must be < -2"}},
		{"uniqueItems one item", `{"uniqueItems":true}`, `[1]`, nil},
		{"uniqueItems false allows duplicates", `{"uniqueItems":false}`, `[1,1]`, nil},
		{"uniqueItems names the pair", `{"uniqueItems":true}`, `[1,2,3,2]`, []string{" uniqueItems: items at index 1 and 3 are equal"}},
		{"uniqueItems names the pair, many items", `{"uniqueItems":true}`, `[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,5]`, []string{" uniqueItems: items at index 5 and 18 are equal"}},
		{"uniqueItems 16 items, last duplicate", `{"uniqueItems":true}`, `[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,0]`, []string{" uniqueItems: items at index 0 and 15 are equal"}},
		{"required lists every missing one", `{"required":["A","B","C"]}`, `{"B":1}`, []string{" required: missing required properties: 'A', 'C'"}},
		{"dependencies message", `{"dependencies":{"A":["B","C"]}}`, `{"A":1,"C":1}`, []string{" dependencies: property 'B' is required, if 'A' property exists"}},
		{"dependencies location escapes", `{"dependencies":{"a/b":["C"]}}`, `{"a/b":1}`, []string{" dependencies: property 'C' is required, if 'a/b' property exists"}},
		{"dependencies schema applies to the object", `{"dependencies":{"A":{"maxProperties":1}}}`, `{"A":1,"B":2}`, []string{" maxProperties: maximum 1 properties allowed, but found 2 properties"}},
		{"additionalItems false message", `{"items":[{},{}],"additionalItems":false}`, `[1,2,3,4]`, []string{" additionalItems: only 2 items are allowed, but found 4 items"}},
		{"additionalItems false, as many as the tuple", `{"items":[{},{}],"additionalItems":false}`, `[1,2]`, nil},
		{"additionalItems true", `{"items":[{"type":"string"}],"additionalItems":true}`, `["a",1,{}]`, nil},
		{"additionalItems without a tuple is ignored", `{"items":{"type":"integer"},"additionalItems":false}`, `[1,2,3]`, nil},
		{"tuple shorter than the array, no additionalItems", `{"items":[{"type":"string"}]}`, `["a",1]`, nil},
		{"tuple longer than the array", `{"items":[{"type":"string"},{"type":"string"}]}`, `[{}]`, []string{"/0 type: expected string, but got object"}},
		{"additionalItems schema per extra item", `{"items":[{}],"additionalItems":{"type":"string"}}`, `[1,[],"x",{}]`, []string{"/1 type: expected string, but got array", "/3 type: expected string, but got object"}},
		{"contains: the last item", `{"contains":{"const":3}}`, `[1,2,3]`, nil},
		{"contains: none", `{"contains":{"const":3}}`, `[1,2]`, []string{" contains: no item matches the schema under contains"}},
		{"contains: empty array", `{"contains":{}}`, `[]`, []string{" contains: no item matches the schema under contains"}},
		{"propertyNames with properties", `{"properties":{"a":{"type":"string"}},"propertyNames":{"maxLength":1}}`, `{"a":[],"bb":2}`, []string{"/a type: expected string, but got array", "/bb maxLength: length must be <= 1, but got 2"}},
		{"patternProperties and properties both apply", `{"properties":{"ab":{"maxLength":1}},"patternProperties":{"^a":{"minLength":3}}}`, `{"ab":"xy"}`, []string{"/ab maxLength: length must be <= 1, but got 2", "/ab minLength: length must be >= 3, but got 2"}},
		{"two patternProperties both apply", `{"patternProperties":{"^a":{"maxLength":1},"b$":{"minLength":3}}}`, `{"ab":"xy"}`, []string{"/ab maxLength: length must be <= 1, but got 2", "/ab minLength: length must be >= 3, but got 2"}},
		{"additionalProperties skips matched names", `{"properties":{"a":{}},"patternProperties":{"^x":{}},"additionalProperties":{"type":"string"}}`, `{"a":[],"x1":[],"b":[]}`, []string{"/b type: expected string, but got array"}},
		{"nested unapproved names the parent", `{"properties":{"O":{"items":{"additionalProperties":false}}}}`, `{"O":[{"K":1}]}`, []string{"/O/0/K additionalProperties: K is not an approved property of T at /O/0"}},
		{"an item under a false schema", `{"items":false}`, `[1]`, []string{"/0 false: value is not allowed here"}},
		{"a tuple item under a false schema", `{"items":[true,false]}`, `[1,2]`, []string{"/1 false: value is not allowed here"}},
		{"not: an unknown-free match", `{"not":{"minimum":5}}`, `7`, []string{" not: value matches a schema it must not match (not)"}},
		{"not: no match", `{"not":{"minimum":5}}`, `3`, nil},
		{"if without then: else applies", `{"if":{"minimum":5},"else":{"multipleOf":2}}`, `3`, []string{" multipleOf: value is not a multiple of 2"}},
		{"if without else: then applies", `{"if":{"minimum":5},"then":{"multipleOf":2}}`, `7`, []string{" multipleOf: value is not a multiple of 2"}},
		{"if passes, no then", `{"if":{"minimum":5},"else":{"multipleOf":2}}`, `7`, nil},
		{"if fails, no else", `{"if":{"minimum":5},"then":{"multipleOf":2}}`, `3`, nil},
		{"a type union names both", `{"type":["string","null"]}`, `{}`, []string{" type: expected string or null, but got object"}},
		{"integer refuses a fraction", `{"type":"integer"}`, `2.5`, []string{" type: expected integer, but got number"}},
		{"integer accepts 2.50e1", `{"type":"integer"}`, `2.50e1`, nil},
		{"number accepts an integer", `{"type":"number"}`, `2`, nil},
		{"object refuses null", `{"type":"object"}`, `null`, []string{" type: expected object, but got null"}},
		{"array refuses a string", `{"type":"array"}`, `"[]"`, []string{" type: expected array, but got string"}},
		{"boolean accepts false", `{"type":"boolean"}`, `false`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := compile(t, tt.schema)
			got, err := s.Validate(context.Background(), mustDecode(t, tt.in), schema.Options{TypeName: "T"})
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, v := range got {
				lines = append(lines, v.Path+" "+v.Keyword+": "+v.Message)
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("Validate(%s) against %s (-want +got):\n%s", tt.in, tt.schema, diff)
			}
		})
	}
}
