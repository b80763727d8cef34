package schema_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

func TestCompact(t *testing.T) {
	t.Parallel()
	in := mustDecode(t, `{
		"$schema": "https://schema.cloudformation.us-east-1.amazonaws.com/provider.definition.schema.v1.json",
		"typeName": "AWS::Test::Thing", "description": "prose", "sourceUrl": "https://x", "handlers": {"create": {}},
		"readOnlyProperties": ["/properties/Arn"], "primaryIdentifier": ["/properties/Arn"], "tagging": {"taggable": true},
		"x-rcfge": {"generated": true, "description": "kept: extension data"},
		"additionalProperties": false,
		"definitions": {
			"description": {"type": "object", "description": "a definition named description", "additionalProperties": {"title": "t", "type": "string"}},
			"Tag": {"type": "object", "properties": {"Key": {"type": "string", "examples": ["a"], "default": "k"}}, "insertionOrder": false}
		},
		"properties": {
			"description": {"type": "string", "description": "a property named description", "maxLength": 5, "$comment": "c"},
			"Mode": {"enum": [{"description": "an enum value is data"}, "x"], "title": "m", "const": {"default": 1}},
			"Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag", "description": "d"}, "uniqueItems": true, "arrayType": "AttributeList"},
			"Pair": {"items": [{"description": "d", "type": "string"}, true], "additionalItems": {"readOnly": true, "type": "integer"}},
			"Choice": {"oneOf": [{"description": "a", "required": ["A"]}, {"title": "b", "required": ["B"]}], "not": {"description": "n", "required": ["C"]}},
			"Cond": {"if": {"description": "i", "required": ["A"]}, "then": {"deprecated": true}, "else": {"writeOnly": true}, "contains": {"title": "c"}, "propertyNames": {"description": "p", "pattern": "^[A-Z]"}}
		},
		"patternProperties": {"^description$": {"description": "x", "type": "string"}},
		"dependencies": {"A": ["B", "description"], "B": {"description": "d", "required": ["C"]}},
		"required": ["description"]
	}`)
	want := mustDecode(t, `{
		"$schema": "https://schema.cloudformation.us-east-1.amazonaws.com/provider.definition.schema.v1.json",
		"typeName": "AWS::Test::Thing",
		"x-rcfge": {"generated": true, "description": "kept: extension data"},
		"additionalProperties": false,
		"definitions": {
			"description": {"type": "object", "additionalProperties": {"type": "string"}},
			"Tag": {"type": "object", "properties": {"Key": {"type": "string"}}}
		},
		"properties": {
			"description": {"type": "string", "maxLength": 5},
			"Mode": {"enum": [{"description": "an enum value is data"}, "x"], "const": {"default": 1}},
			"Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}, "uniqueItems": true},
			"Pair": {"items": [{"type": "string"}, true], "additionalItems": {"type": "integer"}},
			"Choice": {"oneOf": [{"required": ["A"]}, {"required": ["B"]}], "not": {"required": ["C"]}},
			"Cond": {"if": {"required": ["A"]}, "then": {}, "else": {}, "contains": {}, "propertyNames": {"pattern": "^[A-Z]"}}
		},
		"patternProperties": {"^description$": {"type": "string"}},
		"dependencies": {"A": ["B", "description"], "B": {"required": ["C"]}},
		"required": ["description"]
	}`)
	orig := mustDecode(t, mustJSON(t, in))
	got := schema.Compact(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compact:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if !reflect.DeepEqual(in, orig) {
		t.Error("Compact changed its argument")
	}
	if again := schema.Compact(got); !reflect.DeepEqual(again, got) {
		t.Errorf("Compact is not idempotent: %s", mustJSON(t, again))
	}
	// Same answers, same locations.
	a, err := schema.Compile("annotated", in)
	if err != nil {
		t.Fatal(err)
	}
	c, err := schema.Compile("compact", got)
	if err != nil {
		t.Fatal(err)
	}
	for _, inst := range []string{`{}`, `{"description":"toolong"}`, `{"description":"ok","Tags":[{"Key":1}],"Pair":["a","b"],"A":1,"Extra":1}`} {
		v := mustDecode(t, inst)
		va, errA := a.Validate(context.Background(), v, schema.Options{})
		vc, errC := c.Validate(context.Background(), v, schema.Options{})
		if errA != nil || errC != nil || !reflect.DeepEqual(va, vc) {
			t.Errorf("%s: annotated %v %v, compact %v %v", inst, va, errA, vc, errC)
		}
	}
}

// Values that are not schemas where one is expected are left for Compile to refuse.
func TestCompactLeavesMalformed(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`true`, `"x"`, `{"properties": 1, "allOf": {"description": "not a list"}, "anyOf": "x", "items": "x", "dependencies": [1], "description": 1}`} {
		in := mustDecode(t, doc)
		got := schema.Compact(in)
		want := in
		if m, ok := in.(map[string]any); ok {
			want = map[string]any{"properties": m["properties"], "allOf": m["allOf"], "anyOf": m["anyOf"], "items": m["items"], "dependencies": m["dependencies"]}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %s", doc, mustJSON(t, got))
		}
	}
}
