package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestAlternatives: anyOf and oneOf decide exactly, and report the branch the value meant or every
// branch's first problem.
func TestAlternatives(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, schema, in string
		unknown          []string
		want             []string // "path keyword: message"
	}{
		{"oneOf: a string given as a string", `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, `"5"`, nil, nil},
		{"oneOf: a number given as a number", `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, `5`, nil, nil},
		{"oneOf: two pass as given", `{"oneOf":[{"type":"boolean"},{"minimum":0},{"maximum":5}]}`, `1`, nil,
			[]string{" oneOf: valid against schemas at indexes 1 and 2"}},
		{"oneOf: all pass, the first two named", `{"oneOf":[{},{"minimum":0},{"maximum":5},{}]}`, `1`, nil,
			[]string{" oneOf: valid against schemas at indexes 0 and 1"}},
		{"oneOf: one passes, one depends on an unknown", `{"oneOf":[{"type":"object"},{"properties":{"A":{"const":"x"}}}]}`, `{"A":"U"}`, []string{"/A"}, nil},
		{"oneOf: one passes, one fails", `{"oneOf":[{"type":"object"},{"properties":{"A":{"const":"x"}}}]}`, `{"A":"y"}`, nil, nil},
		{"anyOf: the second passes", `{"anyOf":[{"type":"integer"},{"type":"object"}]}`, `{}`, nil, nil},
		{"anyOf: the branch meant is the second", `{"anyOf":[{"type":"integer"},{"type":"string","maxLength":1}]}`, `"ab"`, nil,
			[]string{" maxLength: length must be <= 1, but got 2"}},
		{"anyOf: two branches meant, both named", `{"anyOf":[{"type":"string","maxLength":1},{"type":"string","pattern":"^x"}]}`, `"ab"`, nil,
			[]string{" anyOf: matches none of the allowed alternatives (alternative 1: length must be <= 1, but got 2; alternative 2: value does not match the approved pattern ^x)"}},
		{"anyOf: only shapes differ, each named", `{"anyOf":[{"type":"integer"},{"type":"object"},{"type":"array"}]}`, `true`, nil,
			[]string{" anyOf: matches none of the allowed alternatives (alternative 1: expected integer, but got boolean; alternative 2: expected object, but got boolean; alternative 3: expected array, but got boolean)"}},
		{"anyOf: a failing branch and one that depends on an unknown", `{"anyOf":[{"type":"integer"},{"properties":{"A":{"const":"x"}}}]}`, `{"A":"U"}`, []string{"/A"}, nil},
		{"anyOf inside a probe: a failing anyOf fails its oneOf branch", `{"oneOf":[{"anyOf":[{"type":"integer"},{"type":"boolean"}]},{"type":"string","maxLength":1}]}`, `"ab"`, nil,
			[]string{" maxLength: length must be <= 1, but got 2"}},
		{"not around an unknown", `{"properties":{"A":{"not":{"const":"x"}}}}`, `{"A":"U"}`, []string{"/A"}, nil},
		{"not around a branch that depends on an unknown", `{"not":{"properties":{"A":{"const":"x"}}}}`, `{"A":"U"}`, []string{"/A"}, nil},
		{"if on an unknown, then and else both fail", `{"if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]},"else":{"required":["B"]}}`, `{"K":"U"}`, []string{"/K"},
			[]string{" required: missing required properties: 'A'"}},
		{"if on an unknown, only then", `{"if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]}}`, `{"K":"U"}`, []string{"/K"}, nil},
		{"if on an unknown, only else", `{"if":{"properties":{"K":{"const":"a"}}},"else":{"required":["B"]}}`, `{"K":"U"}`, []string{"/K"}, nil},
		{"contains: an unknown item may match", `{"contains":{"const":3}}`, `[1,"U"]`, []string{"/1"}, nil},
		{"contains: a known match before an unknown", `{"contains":{"const":3}}`, `[3,"U"]`, []string{"/1"}, nil},
		{"a long pattern is not quoted", `{"pattern":"^` + strings.Repeat("a", 199) + `$"}`, `"b"`, nil,
			[]string{" pattern: value does not match the approved pattern"}},
		{"a 200-byte pattern is quoted", `{"pattern":"^` + strings.Repeat("a", 198) + `$"}`, `"b"`, nil,
			[]string{" pattern: value does not match the approved pattern ^" + strings.Repeat("a", 198) + "$"}},
		{"the same violation twice is reported once", `{"allOf":[{"maxLength":1},{"maxLength":1}]}`, `"abc"`, nil,
			[]string{" maxLength: length must be <= 1, but got 3"}},
		{"two messages for one keyword are both kept", `{"allOf":[{"maxLength":1},{"maxLength":2}]}`, `"abc"`, nil,
			[]string{" maxLength: length must be <= 1, but got 3", " maxLength: length must be <= 2, but got 3"}},
		{"nested unapproved without a type name", `{"items":{"additionalProperties":false}}`, `[{"K":1}]`, nil,
			[]string{"/0/K additionalProperties: K is not an approved property of /0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := compile(t, tt.schema)
			got, err := s.Validate(context.Background(), mustDecode(t, tt.in), schema.Options{Unknown: tt.unknown})
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

// The summary of failed alternatives names each branch's first violation by path, so a resource
// with several unapproved members gets the same message every time (the walk meets an object's
// members in map order).
func TestAlternativesMessageIsStable(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"oneOf":[{"type":"object","properties":{"A":{}},"additionalProperties":false},{"type":"object","properties":{"B":{}},"additionalProperties":false}]}`)
	inst := mustDecode(t, `{"Zeta":1,"Alpha":2,"Mid":3,"Beta":4,"Omega":5,"Gamma":6}`)
	const want = "matches none of the allowed alternatives (alternative 1: Alpha is not an approved property of the resource; alternative 2: Alpha is not an approved property of the resource)"
	for range 50 {
		vs, err := s.Validate(context.Background(), inst, schema.Options{})
		if err != nil || len(vs) != 1 {
			t.Fatalf("%v %v", vs, err)
		}
		if vs[0].Message != want {
			t.Fatalf("message %q, want %q", vs[0].Message, want)
		}
	}
}
