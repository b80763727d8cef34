package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// propertySeeds are resource properties in the shapes the tests use: typed, stringified, nested,
// wrong types and unapproved keys.
var propertySeeds = []string{
	`{"Enabled":"true","Count":"010","Ratio":"1.5","Name":"abc"}`,
	`{"Count":"1e3","Enabled":"TRUE","Ratio":"NaN","Rules":[{"Name":"a","Weight":"7","Mode":"ON"}]}`,
	`{"Count":" 1","Rules":[{"Name":"A1","Weight":-1}],"NewFeature":true}`,
	`{"Rules":{"Name":"x"},"Count":1.0,"Enabled":1}`,
	`{"Tags":[{"Key":"k","Value":12}],"Count":"-0","Enabled":false}`,
	`[]`, `"string"`, `null`, `{}`,
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return string(b)
}

// FuzzDecode: any bytes either decode to one JSON value that survives a round trip unchanged, or
// fail with a "not JSON" error. Never a panic, whatever the nesting.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range propertySeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a":1} {"b":2}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte(`1e999999`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := schema.Decode(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "not JSON") {
				t.Fatalf("error without the not-JSON context: %v", err)
			}
			return
		}
		once := mustJSON(t, v)
		again, err := schema.Decode([]byte(once))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", once, err)
		}
		if twice := mustJSON(t, again); twice != once {
			t.Fatalf("round trip changed the value:\n%s\n%s", once, twice)
		}
	})
}

// FuzzValidate: on arbitrary properties, Validate never panics, never modifies its input, never
// fails as a validator (a violation is data, not an error), and every violation names a JSON
// Pointer, a keyword and a message.
func FuzzValidate(f *testing.F) {
	s := widget(f)
	for _, p := range propertySeeds {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := schema.Decode(b)
		if err != nil {
			return
		}
		before := mustJSON(t, v)
		vs, err := s.Validate(context.Background(), v, schema.Options{TypeName: "Test::Widget::Thing"})
		if err != nil {
			t.Fatalf("Validate failed as a validator: %v", err)
		}
		if got := mustJSON(t, v); got != before {
			t.Fatalf("Validate modified its input:\n%s\n%s", before, got)
		}
		if _, isObject := v.(map[string]any); !isObject && len(vs) == 0 {
			t.Fatalf("non-object properties %s approved", before)
		}
		for _, x := range vs {
			if x.Path != "" && !strings.HasPrefix(x.Path, "/") {
				t.Fatalf("violation path %q is not a JSON Pointer", x.Path)
			}
			if x.Keyword == "" || x.Message == "" {
				t.Fatalf("violation without keyword or message: %+v", x)
			}
		}
	})
}

// FuzzCompile: any JSON document either compiles or fails with a *CompileError; it never panics
// and never loads a URL (a $ref to one is a compile error, not a fetch).
func FuzzCompile(f *testing.F) {
	files, err := filepath.Glob("../engine/testdata/templates/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range append(files, "testdata/widget.json") {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"$ref":"http://127.0.0.1:1/x.json"}`))
	f.Add([]byte(`{"$schema":"https://example.com/unknown","type":"object"}`))
	f.Add([]byte(`{"pattern":"(?=x)"}`))
	f.Add([]byte(`{"definitions":{"a":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := schema.Decode(b)
		if err != nil {
			return
		}
		s, err := schema.Compile("fuzz.json", doc)
		if err != nil {
			var ce *schema.CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("compile error of no documented kind: %T %v", err, err)
			}
			return
		}
		// A compiled schema must take an instance without panicking; a validator error (an
		// endless $ref loop) is allowed here, the engine reports it as an invalid template.
		_, _ = s.Validate(context.Background(), map[string]any{"A": "x"}, schema.Options{})
	})
}
