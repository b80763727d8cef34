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
