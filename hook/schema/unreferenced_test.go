package schema_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// unrefSchema has every way the walk can leave a value unvisited: a free-form object, an
// unapproved property, a property no subschema describes (open object), a true schema, a false
// schema, a type mismatch, items without a schema, additionalItems false, combinators (whose
// branches are only probed), and values nested beyond the depth the validator follows.
const unrefSchema = `{
 "type": "object",
 "additionalProperties": false,
 "properties": {
  "Name": {"type": "string", "pattern": "^[a-z]+$"},
  "Size": {"type": "integer"},
  "Policy": {"type": "object"},
  "Open": {"type": "object", "properties": {"A": {"type": "string"}}},
  "Anything": true,
  "Never": false,
  "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
  "Free": {"type": "array"},
  "Pair": {"type": "array", "items": [{"type": "string"}], "additionalItems": false},
  "Either": {"anyOf": [{"type": "string", "pattern": "^a"}, {"type": "object", "properties": {"B": {"type": "string"}}, "additionalProperties": false}]},
  "Pat": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false},
  "Nested": {"type": "object", "additionalProperties": false, "properties": {"Deep": {"type": "object", "additionalProperties": false, "properties": {"Leaf": {"type": "string"}}}}},
  "Tree": {"$ref": "#/definitions/Tree"}
 },
 "definitions": {
  "Tree": {"type": "object", "additionalProperties": false, "properties": {"Kid": {"$ref": "#/definitions/Tree"}, "V": {"type": "string"}}},"Tag": {"type": "object", "additionalProperties": false, "required": ["Key"], "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}}}
}`

const ref = "{{resolve:secretsmanager:db-password}}"

func TestValidateUnreferenced(t *testing.T) {
	doc, err := schema.Decode([]byte(unrefSchema))
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Compile("unref.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		instance string
		clean    bool
	}{
		{"valid, no reference", `{"Name":"abc","Size":3,"Tags":[{"Key":"k","Value":"v"}],"Nested":{"Deep":{"Leaf":"x"}}}`, true},
		{"violations, no reference", `{"Name":"ABC","Size":"x","Unapproved":{"a":[1,"b"]},"Never":{"c":"d"},"Pair":["a","b",{"e":"f"}]}`, true},
		{"reference in a described string", `{"Name":"` + ref + `"}`, false},
		{"reference in a coerced scalar", `{"Size":"` + ref + `"}`, false},
		{"reference deep in described objects", `{"Nested":{"Deep":{"Leaf":"` + ref + `"}}}`, false},
		{"reference in an array item", `{"Tags":[{"Key":"k"},{"Key":"k2","Value":"` + ref + `"}]}`, false},
		{"reference in a free-form object", `{"Policy":{"Statement":[{"Resource":"` + ref + `"}]}}`, false},
		{"reference in an open object's undescribed member", `{"Open":{"A":"a","Z":{"q":"` + ref + `"}}}`, false},
		{"reference under a true schema", `{"Anything":{"x":["` + ref + `"]}}`, false},
		{"reference under a false schema", `{"Never":"` + ref + `"}`, false},
		{"reference in an unapproved property", `{"Unapproved":{"x":"` + ref + `"}}`, false},
		{"reference behind a type mismatch", `{"Open":["` + ref + `"]}`, false},
		{"reference in items without a schema", `{"Free":[1,{"x":"` + ref + `"}]}`, false},
		{"reference beyond additionalItems false", `{"Pair":["a","` + ref + `"]}`, false},
		{"reference in an anyOf branch", `{"Either":{"B":"` + ref + `"}}`, false},
		{"reference in a failing anyOf", `{"Either":{"C":"` + ref + `"}}`, false},
		{"reference in a patternProperties member", `{"Pat":{"x-a":"` + ref + `"}}`, false},
		{"reference in an unmatched patternProperties member", `{"Pat":{"y":"` + ref + `"}}`, false},
		{"reference beyond the depth followed", `{"Tree":` + strings.Repeat(`{"Kid":`, 101) + `{"V":"` + ref + `"}` + strings.Repeat(`}`, 102), false},
		{"deep, no reference", `{"Tree":` + strings.Repeat(`{"Kid":`, 101) + `{"V":"v"}` + strings.Repeat(`}`, 102), true},
		{"reference only as a key", `{"Policy":{"` + ref + `":1}}`, true},
		{"prefix inside a longer string", `{"Name":"x` + ref + `"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustDecodeT(t, tt.instance)
			if got := holds(v); got == tt.clean && !strings.Contains(tt.name, "key") && !strings.Contains(tt.name, "longer") {
				t.Fatalf("fixture: holds a reference = %v, clean wanted %v", got, tt.clean)
			}
			opts := schema.Options{TypeName: "Test::Unref", MaxViolations: 100}
			vs, clean, err := s.ValidateUnreferenced(context.Background(), v, opts)
			if err != nil {
				t.Fatal(err)
			}
			if clean != tt.clean {
				t.Fatalf("clean = %v, want %v", clean, tt.clean)
			}
			if !clean {
				return
			}
			want, err := s.Validate(context.Background(), v, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(vs, want) {
				t.Fatalf("ValidateUnreferenced found %v, Validate %v", vs, want)
			}
		})
	}
}

// A caller that already knows of unknown values or references gets no answer: the walk cannot
// confirm anything about them.
func TestValidateUnreferencedRefusesMarks(t *testing.T) {
	doc, _ := schema.Decode([]byte(unrefSchema))
	s, err := schema.Compile("unref.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	v := mustDecodeT(t, `{"Name":"abc"}`)
	for _, opts := range []schema.Options{{Unknown: []string{"/Name"}}, {References: []string{"/Name"}}} {
		if vs, clean, err := s.ValidateUnreferenced(context.Background(), v, opts); clean || vs != nil || err != nil {
			t.Fatalf("%+v: got %v %v %v, want nothing", opts, vs, clean, err)
		}
	}
}

// A walk stopped by the deadline is never clean: part of the instance was not looked at.
func TestValidateUnreferencedDeadline(t *testing.T) {
	doc, _ := schema.Decode([]byte(unrefSchema))
	s, err := schema.Compile("unref.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	tags := make([]string, 600)
	for i := range tags {
		tags[i] = `{"Key":"k"}`
	}
	v := mustDecodeT(t, `{"Tags":[`+strings.Join(tags, ",")+`]}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, clean, err := s.ValidateUnreferenced(ctx, v, schema.Options{}); clean || err == nil {
		t.Fatalf("clean = %v, err = %v; want not clean and the deadline error", clean, err)
	}
}

// FuzzValidateUnreferenced: whatever the instance, a clean answer means no string in it starts
// with the reference prefix, and the violations are Validate's.
func FuzzValidateUnreferenced(f *testing.F) {
	f.Add(`{"Name":"abc","Tags":[{"Key":"k"}]}`)
	f.Add(`{"Policy":{"a":["` + ref + `"]}}`)
	f.Add(`{"Unapproved":"` + ref + `","Either":{"B":1}}`)
	f.Add(`{"Pair":["a",{"b":"` + ref + `"}],"Pat":{"y":["` + ref + `"]}}`)
	doc, _ := schema.Decode([]byte(unrefSchema))
	s, err := schema.Compile("unref.json", doc)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := schema.Decode([]byte(raw))
		if err != nil {
			return
		}
		opts := schema.Options{MaxViolations: 50}
		vs, clean, err := s.ValidateUnreferenced(context.Background(), v, opts)
		if !clean {
			return
		}
		if holds(v) {
			t.Fatalf("clean, but the instance holds a reference: %s", raw)
		}
		want, werr := s.Validate(context.Background(), v, opts)
		if (err == nil) != (werr == nil) || !reflect.DeepEqual(vs, want) {
			t.Fatalf("ValidateUnreferenced %v %v, Validate %v %v", vs, err, want, werr)
		}
	})
}

func holds(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.HasPrefix(t, schema.ReferencePrefix)
	case map[string]any:
		for _, c := range t {
			if holds(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if holds(c) {
				return true
			}
		}
	}
	return false
}

func mustDecodeT(t *testing.T, s string) any {
	t.Helper()
	v, err := schema.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
