package schema_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestEquality: enum, const and uniqueItems compare JSON values exactly: objects by every key and
// value, arrays item by item, numbers by value, and a number the validator cannot read equals
// nothing (not zero).
func TestEquality(t *testing.T) {
	t.Parallel()
	many := func(item func(i int) string, extra string) string {
		var b strings.Builder
		b.WriteByte('[')
		for i := range 20 {
			b.WriteString(item(i) + ",")
		}
		return b.String() + extra + "]"
	}
	pair := func(i int) string { return fmt.Sprintf(`{"a":%d,"b":"x"}`, i) }
	runRows(t, []row{
		{"object const, other value", `{"const":{"a":1}}`, `{"a":2}`, []string{" const"}},
		{"object const, extra key", `{"const":{"a":1}}`, `{"a":1,"b":2}`, []string{" const"}},
		{"object const, other key holding null", `{"const":{"a":null}}`, `{"b":null}`, []string{" const"}},
		{"object const, same keys in another order", `{"const":{"a":1,"b":[true]}}`, `{"b":[true],"a":1.0}`, nil},
		{"object enum refuses an array", `{"enum":[{}]}`, `[]`, []string{" enum"}},
		{"array const, other item", `{"const":[1]}`, `[2]`, []string{" const"}},
		{"empty array const refuses an object", `{"const":[]}`, `{}`, []string{" const"}},
		{"empty array const refuses a string", `{"const":[]}`, `""`, []string{" const"}},
		{"array const, same items", `{"const":[1,"a",null]}`, `[1.0,"a",null]`, nil},
		{"boolean const refuses its string", `{"const":true}`, `"true"`, []string{" const"}},
		{"null const refuses false", `{"const":null}`, `false`, []string{" const"}},
		{"an unreadable number is refused, not read as zero", `{"enum":[0]}`, `1e99999999999999999999`, []string{" type"}},
		{"a number does not equal an unreadable one", `{"enum":[` + strings.Repeat("1", 65) + `]}`, `1`, []string{" enum"}},
		{"zero does not equal an unreadable one", `{"enum":[` + strings.Repeat("1", 65) + `]}`, `0`, []string{" enum"}},
		{"many objects: keys in another order are a duplicate", `{"uniqueItems":true}`, many(pair, `{"b":"x","a":3}`), []string{" uniqueItems"}},
		{"many objects: distinct", `{"uniqueItems":true}`, many(pair, `{"a":3,"b":"y"}`), nil},
		{"many arrays: [1,2] is not [12]", `{"uniqueItems":true}`, many(func(i int) string { return fmt.Sprintf("[%d]", i+10) }, `[1,2]`), nil},
		{"many arrays: a duplicate", `{"uniqueItems":true}`, many(func(i int) string { return fmt.Sprintf("[%d,0]", i) }, `[3,0.0]`), []string{" uniqueItems"}},
		{"many objects: {\"a\":\"b,c\"} is not {\"a\":\"b\",\"c\"...}", `{"uniqueItems":true}`, many(pair, `{"a":"1,\"b\":\"x"}`), nil},
	}, schema.Options{})
}

// TestEnumMessage: the approved values are listed as JSON, objects with sorted keys.
func TestEnumMessage(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"enum":[{"b":[1,2],"a":null},[true,"x"],"plain",7]}`)
	got, err := s.Validate(context.Background(), mustDecode(t, `"other"`), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"a":null,"b":[1,2]}, [true,"x"], plain, 7`
	if len(got) != 1 || got[0].Allowed != want || got[0].Message != "value is not one of the approved values: "+want {
		t.Errorf("got %+v, want Allowed %q", got, want)
	}
}

// TestCoerceExact: which scalar a value becomes for each type, seen through the keywords that
// tell them apart (const, enum, pattern, maximum) and through the exact message.
func TestCoerceExact(t *testing.T) {
	t.Parallel()
	runRows(t, []row{
		{"true stays a boolean for [boolean,string]", `{"type":["boolean","string"],"const":true}`, `true`, nil},
		{"true becomes a string for string", `{"type":"string","const":"true"}`, `true`, nil},
		{"true stays a boolean with no type", `{"const":true}`, `true`, nil},
		{"5 stays a number for [string,integer]", `{"type":["string","integer"],"const":5}`, `5`, nil},
		{"5 becomes a string for string", `{"type":"string","const":"5"}`, `5`, nil},
		{"\"5\" stays a string for [string,integer]", `{"type":["string","integer"],"const":"5"}`, `"5"`, nil},
		{"\"5\" becomes an integer for integer", `{"type":"integer","const":5}`, `"5"`, nil},
		{"\"true\" becomes a boolean for [boolean,integer]", `{"type":["boolean","integer"],"const":true}`, `"TRUE"`, nil},
		{"\"1.5\" is no integer", `{"type":"integer"}`, `"1.5"`, []string{" type"}},
		{"\"1.5\" is a number for [integer,number]", `{"type":["integer","number"],"const":1.5}`, `"1.5"`, nil},
		{"\"010\" becomes ten", `{"type":"integer","const":10}`, `"010"`, nil},
		{"\"09\" becomes nine", `{"type":"integer","const":9}`, `"09"`, nil},
		{"\"-010\" becomes minus ten", `{"type":"integer","const":-10}`, `"-010"`, nil},
		{"\"0.5\" keeps its zero", `{"type":"number","const":0.5}`, `"0.5"`, nil},
		{"\"-00.5\" becomes -0.5", `{"type":"number","const":-0.5}`, `"-00.5"`, nil},
		{"\"00\" becomes zero", `{"type":"integer","const":0}`, `"00"`, nil},
	}, schema.Options{})

	// The message says what the value was: a string that is not a number stays a string.
	for _, typ := range []string{"number", "integer"} {
		s := compile(t, `{"type":"`+typ+`"}`)
		for _, in := range []string{`"abc"`, `"NaN"`, `"1e1000"`, `"` + strings.Repeat("1", 65) + `"`} {
			got, err := s.Validate(context.Background(), mustDecode(t, in), schema.Options{})
			if err != nil || len(got) != 1 || got[0].Message != "expected "+typ+", but got string" {
				t.Errorf("%s for %s: %+v %v", in, typ, got, err)
			}
		}
	}

	// Numbers handed over as Go values (not decoded JSON) become the same strings JSON would.
	s := compile(t, `{"type":"object","properties":{"S":{"type":"string","pattern":"^-?[0-9]+$"}}}`)
	for _, v := range []any{5, -5, int64(12), float64(3), int32(-7), uint64(9)} {
		got, err := s.Validate(context.Background(), map[string]any{"S": v}, schema.Options{})
		if err != nil || len(got) != 0 {
			t.Errorf("Go %T %v for a string: %+v %v", v, v, got, err)
		}
	}
	want := []string{"/S pattern"}
	got, err := s.Validate(context.Background(), map[string]any{"S": 1.5}, schema.Options{})
	if err != nil || !cmp.Equal(brief(got), want) {
		t.Errorf("Go 1.5 for an integer pattern: %v %v", brief(got), err)
	}
	t.Run("trailing zeros", func(t *testing.T) {
		// Not "12e1": CloudFormation sends the text "120", which an integer pattern admits.
		for _, v := range []any{int64(120), float64(300), uint64(1000), 1e20, -40} {
			if got, err := s.Validate(context.Background(), map[string]any{"S": v}, schema.Options{}); err != nil || len(got) != 0 {
				t.Errorf("Go %T %v for a string: %+v %v", v, v, got, err)
			}
		}
	})
}

// nested wraps inner in depth levels of allOf, or of $ref through a chain of definitions.
func nested(depth int, viaRef bool, inner, outer string) string {
	if !viaRef {
		s := inner
		for range depth {
			s = `{"allOf":[` + s + `]}`
		}
		return `{"allOf":[` + s + `],` + outer + `}`
	}
	var defs []string
	for i := range depth {
		defs = append(defs, fmt.Sprintf(`"D%d":{"$ref":"#/definitions/D%d"}`, i, i+1))
	}
	defs = append(defs, fmt.Sprintf(`"D%d":%s`, depth, inner))
	return `{"allOf":[{"$ref":"#/definitions/D0"}],` + outer + `,"definitions":{` + strings.Join(defs, ",") + `}}`
}

// TestCoercionThroughAllOf: a parent's keywords see the value coerced to the types its allOf and
// $ref chains declare, however deep (up to the walk's bound of 32 levels).
func TestCoercionThroughAllOf(t *testing.T) {
	t.Parallel()
	const integer, outer = `{"type":"integer"}`, `"maximum":5`
	runRows(t, []row{
		{"no type: a string is not measured", `{"type":"string"}`, `""`, nil},
		{"no minLength: the empty string", `{"type":"string","maxLength":3}`, `""`, nil},
		{"no minItems: the empty array", `{"type":"array","maxItems":3}`, `[]`, nil},
		{"no minProperties: the empty object", `{"type":"object","maxProperties":3}`, `{}`, nil},
		{"allOf one level", nested(0, false, integer, outer), `"7"`, []string{" maximum"}},
		{"allOf 31 levels", nested(31, false, integer, outer), `"7"`, []string{" maximum"}},
		{"$ref in allOf", nested(1, true, integer, outer), `"7"`, []string{" maximum"}},
		{"$ref chain of 30 (32 levels with the allOf)", nested(30, true, integer, outer), `"7"`, []string{" maximum"}},
		{"within the bound, ok", nested(30, true, integer, outer), `"4"`, nil},
	}, schema.Options{})
	// Beyond the bound the coercion cannot be decided: validation stops with an error (the engine
	// answers FAILED), never a value left uncoerced and its maximum unmeasured.
	for _, depth := range []int{32, 40} {
		for _, viaRef := range []bool{false, true} {
			t.Run(fmt.Sprintf("deeper than the bound %d ref=%v", depth, viaRef), func(t *testing.T) {
				t.Parallel()
				s := compile(t, nested(depth, viaRef, integer, outer))
				for _, in := range []string{`"7"`, `"4"`, `4`} {
					_, err := s.Validate(context.Background(), mustDecode(t, in), schema.Options{})
					if err == nil || !strings.Contains(err.Error(), "levels deep") {
						t.Errorf("Validate(%s): err = %v, want the depth error", in, err)
					}
				}
			})
		}
	}
}
