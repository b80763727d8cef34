package sampleinst_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/sampleinst"
)

func load(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// roundTrip makes an instance look like decoded request JSON (json.Number, fresh maps).
func roundTrip(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := schema.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// CheckProperty runs n seeds: valid instances must pass, and the extra property of each invalid one
// must be reported at its pointer (or, inside alternatives, at the object holding them).
func checkProperty(t *testing.T, name string, doc any, seeds int, opts ...sampleinst.Option) {
	t.Helper()
	s, err := schema.Compile(name, doc)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	g, err := sampleinst.New(doc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	exact := 0
	for seed := range uint64(seeds) {
		v, err := g.Valid(seed)
		if err != nil {
			t.Fatalf("seed %d: Valid: %v", seed, err)
		}
		vs, err := s.Validate(context.Background(), roundTrip(t, v), schema.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(vs) > 0 {
			b, _ := json.Marshal(v)
			t.Fatalf("seed %d: valid instance rejected: %v\n%s", seed, vs, b)
		}
		inv, ptr, err := g.Invalid(seed)
		if err != nil {
			t.Fatalf("seed %d: Invalid: %v", seed, err)
		}
		vs, err = s.Validate(context.Background(), roundTrip(t, inv), schema.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		switch found := reported(vs, ptr); found {
		case "exact":
			exact++
		case "":
			t.Fatalf("seed %d: extra property %s not reported; violations: %v", seed, ptr, vs)
		}
	}
	if exact == 0 {
		t.Errorf("no extra property was reported at its own path in %d seeds", seeds)
	}
	t.Logf("%s: %d seeds, %d extra properties reported at their own path", name, seeds, exact)
}

// reported says how a violation names ptr: "exact", "alternative" (an ancestor whose anyOf/oneOf
// failed as a whole), or "" when none does.
func reported(vs []verdict.Violation, ptr string) string {
	how := ""
	for _, v := range vs {
		switch {
		case v.Path == ptr && v.Keyword == "additionalProperties":
			return "exact"
		case (v.Keyword == "oneOf" || v.Keyword == "anyOf") && strings.HasPrefix(ptr, v.Path+"/"):
			how = "alternative"
		}
	}
	return how
}

func TestProperty(t *testing.T) {
	checkProperty(t, "nested", load(t, "nested.json"), 200)
}

func TestDeterministic(t *testing.T) {
	g, err := sampleinst.New(load(t, "nested.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []uint64{0, 1, 42} {
		a, _, errA := g.Invalid(seed)
		b, _, errB := g.Invalid(seed)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("seed %d: two runs differ (-first +second):\n%s", seed, diff)
		}
	}
	a, _ := g.Valid(1)
	b, _ := g.Valid(2)
	if cmp.Equal(a, b) {
		t.Errorf("seeds 1 and 2 gave the same instance: the seed is not used")
	}
}

func TestInvalidReachesDepth(t *testing.T) {
	g, err := sampleinst.New(load(t, "nested.json"), sampleinst.WithOptionalRate(1))
	if err != nil {
		t.Fatal(err)
	}
	deepest := 0
	for seed := range uint64(100) {
		_, ptr, err := g.Invalid(seed)
		if err != nil {
			t.Fatal(err)
		}
		deepest = max(deepest, strings.Count(ptr, "/"))
	}
	if deepest < 4 {
		t.Errorf("deepest extra property at depth %d, want >= 4 (Config/Child/Child/...)", deepest)
	}
}

func obj(s string) any {
	v, err := schema.Decode([]byte(s))
	if err != nil {
		panic(err)
	}
	return v
}

func TestOptions(t *testing.T) {
	doc := obj(`{"type": "object", "additionalProperties": false, "properties": {
		"L": {"type": "array", "items": {"type": "string"}},
		"O": {"type": "string"}}}`)
	none, err := sampleinst.New(doc, sampleinst.WithOptionalRate(0))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := none.Valid(1); len(v.(map[string]any)) != 0 {
		t.Errorf("WithOptionalRate(0) generated optional properties: %v", v)
	}
	all, _ := sampleinst.New(doc, sampleinst.WithOptionalRate(1), sampleinst.WithMaxItems(0))
	v, err := all.Valid(1)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if len(m) != 2 || len(m["L"].([]any)) != 0 {
		t.Errorf("WithOptionalRate(1), WithMaxItems(0): %v", v)
	}
	shallow, _ := sampleinst.New(doc, sampleinst.WithOptionalRate(1), sampleinst.WithMaxDepth(0))
	if v, _ := shallow.Valid(1); len(v.(map[string]any)) != 0 {
		t.Errorf("WithMaxDepth(0) still added optional properties: %v", v)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     any
		invalid bool
		wantErr error
	}{
		{name: "not an object", doc: []any{}, wantErr: nil},
		{name: "unsatisfiable length", doc: load(t, "unsatisfiable.json"), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "no closed object", doc: load(t, "open.json"), invalid: true, wantErr: sampleinst.ErrNoClosedObject},
		{name: "dangling ref", doc: map[string]any{"$ref": "#/definitions/Nope"}, wantErr: nil},
		{name: "remote ref", doc: map[string]any{"$ref": "https://example.com/s.json"}, wantErr: nil},
		{name: "false schema", doc: obj(`{"type": "object", "required": ["A"], "properties": {"A": false}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "empty numeric range", doc: obj(`{"type": "object", "required": ["N"], "properties": {"N": {"type": "integer", "minimum": 5, "maximum": 1}}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "no multiple in range", doc: obj(`{"type": "object", "required": ["N"], "properties": {"N": {"type": "integer", "minimum": 1, "maximum": 2, "multipleOf": 5}}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "too few distinct items", doc: obj(`{"type": "object", "required": ["L"], "properties": {"L": {"type": "array", "uniqueItems": true, "minItems": 2, "items": {"enum": ["only"]}}}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "pattern and length disagree", doc: obj(`{"type": "object", "required": ["S"], "properties": {"S": {"type": "string", "pattern": "^a{5}$", "maxLength": 3}}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "not forbids every value", doc: obj(`{"type": "object", "required": ["S"], "properties": {"S": {"enum": ["a"], "not": {"const": "a"}}}}`), wantErr: sampleinst.ErrUnsatisfiable},
		{name: "endless required recursion", doc: obj(`{"$ref": "#/definitions/N", "definitions": {"N": {"type": "object", "required": ["Next"], "properties": {"Next": {"$ref": "#/definitions/N"}}}}}`), wantErr: sampleinst.ErrUnsatisfiable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := sampleinst.New(tt.doc)
			if err == nil {
				if tt.invalid {
					_, _, err = g.Invalid(1)
				} else {
					_, err = g.Valid(1)
				}
			}
			if err == nil {
				t.Fatal("want an error, got none")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}
