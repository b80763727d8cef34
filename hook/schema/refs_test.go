package schema_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestRefFragments: a $ref fragment is split into tokens first, then each token is
// percent-decoded (upper- or lower-case hex, only a complete %XY), then ~1 and ~0 are decoded;
// array items are reached by a plain decimal index. Each definition is a const naming itself, so
// the violation says which one the $ref reached.
func TestRefFragments(t *testing.T) {
	t.Parallel()
	defs := map[string]string{}
	for _, name := range []string{
		"a b", "a/b", "face b", "0", "9", "j", "o", "J", "O", " x", "x%20", "%4", "ab%4",
		"%:0", "%`0", "%g0", "%@0", "%G0", "%zz", "~/",
	} {
		defs[name] = fmt.Sprintf(`{"const":%q}`, "def "+name)
	}
	var items []string
	for i := range 11 {
		items = append(items, fmt.Sprintf(`{"const":"item %d"}`, i))
	}
	var b strings.Builder
	b.WriteString(`{"properties":{"Unused":{"items":[` + strings.Join(items, ",") + `]}},"definitions":{`)
	first := true
	for name, d := range defs {
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%q:%s", name, d)
	}
	b.WriteString("}}")
	doc := b.String()

	tests := []struct {
		ref, want string // want: the const reached, or the compile error
	}{
		{"#/definitions/a%20b", "def a b"},
		{"#/definitions/a%2Fb", "def a/b"},       // decoded after the split: one token
		{"#/definitions/a~1b", "def a/b"},        // the JSON Pointer escape
		{"#/definitions/face%20b", "def face b"}, // "ac" after "f" is not an escape
		{"#/definitions/%20x", "def  x"},         // an escape at the start of the token
		{"#/definitions/x%2520", "def x%20"},     // decoded once: %25 is "%"
		{"#/definitions/%30", "def 0"},
		{"#/definitions/%39", "def 9"},
		{"#/definitions/%6a", "def j"},
		{"#/definitions/%6f", "def o"},
		{"#/definitions/%4A", "def J"},
		{"#/definitions/%4F", "def O"},
		{"#/definitions/%4a", "def J"},     // a lower-case digit under a high nibble without 0x20
		{"#/definitions/%4", "def %4"},     // incomplete at the end: literal
		{"#/definitions/ab%4", "def ab%4"}, // incomplete after other characters
		{"#/definitions/%:0", "def %:0"},   // ':' follows '9': not hex
		{"#/definitions/%`0", "def %`0"},   // '`' precedes 'a'
		{"#/definitions/%g0", "def %g0"},   // 'g' follows 'f'
		{"#/definitions/%@0", "def %@0"},   // '@' precedes 'A'
		{"#/definitions/%G0", "def %G0"},   // 'G' follows 'F'
		{"#/definitions/%zz", "def %zz"},
		{"#/definitions/~0~1", "def ~/"},
		{"#/properties/Unused/items/0", "item 0"},
		{"#/properties/Unused/items/9", "item 9"},
		{"#/properties/Unused/items/10", "item 10"},
		{"#/properties/Unused/items/11", "no item"},
		{"#/properties/Unused/items/01", "no item"},
		{"#/properties/Unused/items/", "no item"},
		{"#/properties/Unused/items/1:", "no item"},
		{"#/properties/Unused/items/:", "no item"}, // ':' is '9'+1: not the digit 10
		{"#/properties/Unused/items/1-", "no item"},
		{"#/properties/Unused/items/-1", "no item"},
		{"#/properties/Unused/items/99999999999999999999", "no item"},
		{"#/definitions/x%20", "nothing at"}, // not "x%20": the token decodes to "x "
		{"#/definitions/a%2fc", "nothing at"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			d := mustDecode(t, doc).(map[string]any)
			d["$ref"] = tt.ref
			s, err := schema.Compile("t.json", d)
			if !strings.HasPrefix(tt.want, "def ") && !strings.HasPrefix(tt.want, "item ") {
				var ce *schema.CompileError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Compile($ref %s) = %v, want an error %q", tt.ref, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Validate(context.Background(), "nothing", schema.Options{})
			if err != nil || len(got) != 1 || got[0].Allowed != tt.want || got[0].SchemaLocation != tt.ref+"/const" {
				t.Errorf("$ref %s reached %+v (%v), want the const %q", tt.ref, got, err, tt.want)
			}
		})
	}
}

// TestDraftNames: only these $schema values compile; a look-alike is refused.
func TestDraftNames(t *testing.T) {
	t.Parallel()
	for d, ok := range map[string]bool{
		"http://json-schema.org/draft-07/schema#":                                                  true,
		"http://json-schema.org/draft-07/schema":                                                   true,
		"https://json-schema.org/draft-07/schema#":                                                 true,
		"http://json-schema.org/draft-07/schema.json":                                              true,
		"http://json-schema.org/draft-06/schema#":                                                  true,
		"https://schema.cloudformation.eu-west-1.amazonaws.com/provider.definition.schema.v1.json": true,
		"https://example.com/cloudformation/other.json":                                            false,
		"https://example.com/provider.definition.schema.v1.json":                                   false,
		"http://json-schema.org/draft-07/schema/extra":                                             false,
		"json-schema.org/draft-07":                                                                 false,
		"":                                                                                         false,
	} {
		_, err := schema.Compile("t.json", map[string]any{"$schema": d, "type": "string"})
		if ok != (err == nil) {
			t.Errorf("Compile($schema %q) = %v, want accepted %v", d, err, ok)
		}
	}
	if _, err := schema.Compile("t.json", map[string]any{"$schema": 7}); err == nil || !strings.Contains(err.Error(), "use draft-07") {
		t.Errorf("a $schema that is not a string: %v", err)
	}
}
