package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
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

// FuzzNumbers feeds arbitrary JSON number literals and sizes to the validator, against every
// numeric keyword: each literal is either exact (the verdict matches big.Rat arithmetic on small
// literals) or a violation at its path, never a panic and never an error.
func FuzzNumbers(f *testing.F) {
	s, err := schema.Compile("n.json", mustDecodeF(f, `{"type":"object","properties":{
		"I":{"type":"integer","minimum":-5,"maximum":1e3,"multipleOf":0.5},
		"N":{"type":"number","exclusiveMinimum":-1e-3,"exclusiveMaximum":1e999999},
		"S":{"type":"string","maxLength":3},
		"L":{"type":"array","uniqueItems":true,"items":{"type":"number","multipleOf":3}}}}`))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"0", "-0", "1e999999999", "1e-999999999", "1.5", "12345678901234567890123456789", "9e99999999999999999999", "-7e-3", "010", "1e3", " 1"} {
		f.Add(seed, uint16(3))
	}
	f.Fuzz(func(t *testing.T, lit string, n uint16) {
		items := make([]any, int(n%2000))
		for i := range items {
			items[i] = json.Number(lit)
		}
		for _, v := range []any{json.Number(lit), lit} {
			in := map[string]any{"I": v, "N": v, "S": v, "L": items}
			vs, err := s.Validate(context.Background(), in, schema.Options{MaxViolations: 10})
			if err != nil {
				t.Fatalf("Validate(%q): %v", lit, err)
			}
			if len(vs) > 11 {
				t.Fatalf("%d violations over MaxViolations+1", len(vs))
			}
			for _, x := range vs {
				if x.Path == "" || x.Keyword == "" || x.Message == "" {
					t.Fatalf("incomplete violation %+v", x)
				}
			}
			if want, ok := oracleI(lit); ok && v == any(json.Number(lit)) {
				var got []string
				for _, x := range vs {
					if x.Path == "/I" {
						got = append(got, x.Keyword)
					}
				}
				if strings.Join(got, " ") != want {
					t.Fatalf("I = %q: keywords %q, exact arithmetic says %q", lit, got, want)
				}
			}
		}
	})
}

// oracleI is what exact arithmetic says of a JSON number literal for property I (integer,
// minimum -5, maximum 1e3, multipleOf 0.5), for literals big.Rat can hold cheaply.
func oracleI(lit string) (string, bool) {
	if len(lit) > 40 || !json.Valid([]byte(lit)) || strings.ContainsAny(lit, " \t\n\r\"") {
		return "", false
	}
	// An exponent past 15 digits on a non-zero mantissa is refused by design, and big.Rat would
	// expand it: no oracle there.
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant, exp := lit[:i], strings.TrimLeft(strings.TrimLeft(lit[i+1:], "+-"), "0")
		if len(exp) > 15 && strings.Trim(mant, "-0.") != "" {
			return "", false
		}
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return "", false
	}
	if !r.IsInt() {
		return "type", true
	}
	var kws []string
	if r.Cmp(big.NewRat(1000, 1)) > 0 {
		kws = append(kws, "maximum")
	}
	if r.Cmp(big.NewRat(-5, 1)) < 0 {
		kws = append(kws, "minimum")
	}
	return strings.Join(kws, " "), true
}

func mustDecodeF(f *testing.F, s string) any {
	v, err := schema.Decode([]byte(s))
	if err != nil {
		f.Fatal(err)
	}
	return v
}
