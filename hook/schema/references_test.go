package schema_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestReferencesEveryOwnKeyword: a dynamic reference makes each of rcfge's own constraints on the
// value an Unverifiable violation, keyword by keyword, zero-valued bounds included, and only those
// the marker names in a generated template.
func TestReferencesEveryOwnKeyword(t *testing.T) {
	t.Parallel()
	const p = `"P":{"type":"string","enum":["a"],"const":"a","format":"date","pattern":"^a$","minLength":0,"maxLength":0,
		"minimum":0,"maximum":0,"exclusiveMinimum":0,"exclusiveMaximum":0,"multipleOf":1,
		"anyOf":[{"maxLength":5}],"oneOf":[{"minLength":1}],"not":{"const":"b"},"if":{"const":"c"},"then":{"maxLength":9},"else":{"pattern":"x"},"allOf":[{"format":"date-time"}]}`
	ref := "{{resolve:ssm:/p}}"
	opts := schema.Options{References: []string{"/P"}}
	hand := compile(t, `{"properties":{`+p+`}}`)
	got, err := hand.Validate(context.Background(), map[string]any{"P": ref}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/P anyOf!", "/P const!", "/P enum!", "/P exclusiveMaximum!", "/P exclusiveMinimum!", "/P format!",
		"/P if!", "/P maxLength!", "/P maximum!", "/P minLength!", "/P minimum!", "/P multipleOf!", "/P not!", "/P oneOf!", "/P pattern!", "/P type!"}
	if diff := cmp.Diff(want, brief(got)); diff != "" {
		t.Errorf("hand-written (-want +got):\n%s", diff)
	}
	// Rules inside combinators apply to the same value: each branch's own rules, by location.
	branches := compile(t, `{"properties":{"Q":{"allOf":[{"maxLength":5}],"not":{"const":"b"},"then":{"pattern":"x"},"else":{"minimum":1},"oneOf":[{"multipleOf":2}]}}}`)
	got, err = branches.Validate(context.Background(), map[string]any{"Q": ref}, schema.Options{References: []string{"/Q"}})
	if err != nil {
		t.Fatal(err)
	}
	var locs []string
	for _, v := range got {
		locs = append(locs, v.SchemaLocation)
	}
	wantLocs := []string{"#/properties/Q/not/const", "#/properties/Q/allOf/0/maxLength", "#/properties/Q/else/minimum",
		"#/properties/Q/oneOf/0/multipleOf", "#/properties/Q/not", "#/properties/Q/oneOf", "#/properties/Q/then/pattern"}
	if diff := cmp.Diff(wantLocs, locs); diff != "" {
		t.Errorf("branches (-want +got):\n%s", diff)
	}

	gen := compile(t, `{"x-rcfge":{"generated":true},"properties":{"P":{"type":"string","minLength":0,"maxLength":0,"x-rcfge-own":["maxLength"],
		"anyOf":[{"minimum":0,"x-rcfge-own":["minimum"]},{"type":"integer"}]}}}`)
	got, err = gen.Validate(context.Background(), map[string]any{"P": ref}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/P maxLength!", "/P minimum!"}, brief(got)); diff != "" {
		t.Errorf("generated (-want +got):\n%s", diff)
	}

	// Without a reference, the same values are simply checked.
	got, _ = gen.Validate(context.Background(), map[string]any{"P": "x"}, schema.Options{})
	if diff := cmp.Diff([]string{"/P maxLength"}, brief(got)); diff != "" {
		t.Errorf("no reference (-want +got):\n%s", diff)
	}
}

// TestMarks: Unknown and References pointers reach exactly their value: through escaped names and
// array indexes, never a sibling, never a longer name or index that shares a prefix.
func TestMarks(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"properties":{
		"a/b":{"enum":["x"]},"a~b":{"enum":["x"]},"ab":{"enum":["x"]},
		"L":{"items":{"type":"object","properties":{"V":{"enum":["x"]},"W":{"enum":["x"]}}}},
		"O":{"properties":{"A":{"enum":["x"]}}}}}`)
	in := map[string]any{"a/b": "U", "a~b": "U", "ab": "U",
		"L": []any{map[string]any{"V": "U", "W": "U"}, map[string]any{"V": "U"}},
		"O": map[string]any{"A": "U"}}
	all := []string{"/L/0/V enum", "/L/0/W enum", "/L/1/V enum", "/O/A enum", "/ab enum", "/a~0b enum", "/a~1b enum"}
	tests := []struct {
		name    string
		unknown []string
		refs    []string
		want    []string
	}{
		{"none", nil, nil, all},
		{"an escaped slash", []string{"/a~1b"}, nil, []string{"/L/0/V enum", "/L/0/W enum", "/L/1/V enum", "/O/A enum", "/ab enum", "/a~0b enum"}},
		{"an escaped tilde", []string{"/a~0b"}, nil, []string{"/L/0/V enum", "/L/0/W enum", "/L/1/V enum", "/O/A enum", "/ab enum", "/a~1b enum"}},
		{"one item's property", []string{"/L/1/V"}, nil, []string{"/L/0/V enum", "/L/0/W enum", "/O/A enum", "/ab enum", "/a~0b enum", "/a~1b enum"}},
		{"a whole item", []string{"/L/0"}, nil, []string{"/L/1/V enum", "/O/A enum", "/ab enum", "/a~0b enum", "/a~1b enum"}},
		{"an unknown ancestor covers a reference below it", []string{"/O"}, []string{"/O/A"}, []string{"/L/0/V enum", "/L/0/W enum", "/L/1/V enum", "/ab enum", "/a~0b enum", "/a~1b enum"}},
		{"a reference in an item (hand-written: an own rule)", nil, []string{"/L/0/W"}, []string{"/L/0/V enum", "/L/0/W enum!", "/L/1/V enum", "/O/A enum", "/ab enum", "/a~0b enum", "/a~1b enum"}},
		{"a reference and an unknown on one value", []string{"/ab"}, []string{"/ab"}, []string{"/L/0/V enum", "/L/0/W enum", "/L/1/V enum", "/O/A enum", "/a~0b enum", "/a~1b enum"}},
	}
	gen := compile(t, `{"x-rcfge":{"generated":true},"properties":{"P":{"enum":["x"],"x-rcfge-own":["enum"]},"L":{"items":{"enum":["x"],"x-rcfge-own":["enum"]}}}}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Validate(context.Background(), in, schema.Options{Unknown: tt.unknown, References: tt.refs})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// An own rule under a reference in an array item, and an unknown that wins over a reference
	// given for the same value, whichever list names it first.
	got, err := gen.Validate(context.Background(), map[string]any{"P": "r", "L": []any{"x", "r"}}, schema.Options{References: []string{"/L/1", "/P"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/L/1 enum!", "/P enum!"}, brief(got)); diff != "" {
		t.Errorf("own rules under references (-want +got):\n%s", diff)
	}
	got, _ = gen.Validate(context.Background(), map[string]any{"P": "r"}, schema.Options{Unknown: []string{"/P"}, References: []string{"/P"}})
	if len(got) != 0 {
		t.Errorf("unknown and reference on one value: %v, want nothing (unknown wins)", brief(got))
	}
}

// TestUniqueItemsWithUnknownInside: an item holding an unknown value or a reference is compared
// with nothing, as an unknown item is not (two targets whose Ids are Refs to different instances);
// known equal items stay duplicates, in short arrays and in the long ones compared by canonical form.
func TestUniqueItemsWithUnknownInside(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"type":"array","uniqueItems":true}`)
	target := func(port int) map[string]any { return map[string]any{"Id": nil, "Port": port} }
	long := func(extra ...any) []any {
		out := make([]any, 0, 20)
		for i := range 18 {
			out = append(out, target(1000+i))
		}
		return append(out, extra...)
	}
	tests := []struct {
		name    string
		in      []any
		unknown []string
		want    []string
	}{
		{"both Ids unknown", []any{target(80), target(80)}, []string{"/0/Id", "/1/Id"}, nil},
		{"one Id unknown", []any{target(80), target(80)}, []string{"/1/Id"}, nil},
		{"all known", []any{target(80), target(80)}, nil, []string{" uniqueItems"}},
		{"known duplicates beside an unknown item", []any{target(80), target(80), target(80)}, []string{"/2/Id"}, []string{" uniqueItems"}},
		{"a reference inside", []any{target(80), target(80)}, nil, nil}, // as a reference item is
		{"long: unknown Ids", long(target(80), target(80)), []string{"/18/Id", "/19/Id"}, nil},
		{"long: one Id unknown", long(target(80), target(80)), []string{"/18/Id"}, nil},
		{"long: known duplicates beside an unknown item", long(target(80), target(80), target(80)), []string{"/20/Id"}, []string{" uniqueItems"}},
		{"long: all known", long(target(80), target(80)), nil, []string{" uniqueItems"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := schema.Options{Unknown: tt.unknown}
			if tt.name == "a reference inside" {
				opts = schema.Options{References: []string{"/0/Id"}}
			}
			got, err := s.Validate(context.Background(), tt.in, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
