package jsontree_test

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
)

func TestDecodeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want any
	}{
		{`{}`, map[string]any{}},
		{`[]`, []any{}},
		{` {"a" : [1 , "x" , true , false , null , {"b":-0.5e+3}] } `, map[string]any{"a": []any{json.Number("1"), "x", true, false, nil, map[string]any{"b": json.Number("-0.5e+3")}}}},
		{`0`, json.Number("0")},
		{`-0`, json.Number("-0")},
		{`12.50E-07`, json.Number("12.50E-07")},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u00e9\u20AC"`, "é€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"a\ud800b"`, "a\uFFFDb"},
		{`"\udc00\ud800\ud800"`, "\uFFFD\uFFFD\uFFFD"},
		{`"\ud800\u0041"`, "\uFFFDA"},
		{"\"\xff\xc3\xa9\xed\xa0\x80\"", "\uFFFDé\uFFFD\uFFFD\uFFFD"},
		{"{\"\xff\":1}", map[string]any{"\uFFFD": json.Number("1")}},
		{`{"\u0061":1,"b":2}`, map[string]any{"a": json.Number("1"), "b": json.Number("2")}},
		{"\t\r\n null \n", nil},
	}
	for _, tt := range tests {
		got, err := jsontree.Decode([]byte(tt.in), jsontree.Unlimited)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Decode(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
		got, err = jsontree.DecodeString(tt.in, jsontree.Unlimited)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DecodeString(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

// TestDecodeErrors: every way the text can be refused, with the offset where it was found.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		wantMsg string
		wantOff int // -1: not a *SyntaxError
	}{
		{``, "unexpected EOF", -1},
		{`   `, "unexpected EOF", -1},
		{`{`, "unexpected EOF", -1},
		{`{"a"`, "unexpected EOF", -1},
		{`{"a":`, "unexpected EOF", -1},
		{`{"a":1`, "unexpected EOF", -1},
		{`[`, "unexpected EOF", -1},
		{`[1`, "unexpected EOF", -1},
		{`"abc`, "unexpected EOF", -1},
		{`"é`, "unexpected EOF", -1},
		{`"\`, "unexpected EOF", -1},
		{`"\u12`, "unexpected EOF", -1},
		{`tr`, "unexpected EOF", -1},
		{`-`, "unexpected EOF", -1},
		{`1.`, "unexpected EOF", -1},
		{`1e+`, "unexpected EOF", -1},
		{`x`, "invalid character 'x' looking for beginning of value", 0},
		{`[1,]`, "invalid character ']' looking for beginning of value", 3},
		{`{,}`, "invalid character ',' looking for beginning of object key string", 1},
		{`{"a":1,}`, "invalid character '}' looking for beginning of object key string", 7},
		{`{"a" 1}`, "invalid character '1' after object key", 5},
		{`{"a":1 "b":2}`, "invalid character '\"' after object key:value pair", 7},
		{`[1 2]`, "invalid character '2' after array element", 3},
		{`trUe`, "invalid character 'U' in literal true (expecting 'u')", 2},
		{`nul'`, "invalid character '\\'' in literal null (expecting 'l')", 3},
		{`fals`, "unexpected EOF", -1},
		{`-x`, "invalid character 'x' in numeric literal", 1},
		{`1.x`, "invalid character 'x' in numeric literal", 2},
		{`1ex`, "invalid character 'x' in numeric literal", 2},
		{"\"a\x01\"", "invalid character '\\x01' in string literal", 2},
		{"{\"a\x1f\":1}", "invalid character '\\x1f' in object key", 3},
		{"\"\\é\"", "invalid character 'Ã' in string escape code", 2}, // encoding/json's quoting of a byte
		{`"\u12x4"`, "invalid character 'x' in \\u hexadecimal character escape", 5},
		{`01`, "trailing data after the JSON value", 1},
		{`{} {}`, "trailing data after the JSON value", 3},
		{`"a" x`, "trailing data after the JSON value", 4},
	}
	for _, tt := range tests {
		v, err := jsontree.Decode([]byte(tt.in), jsontree.Unlimited)
		if err == nil || v != nil || err.Error() != tt.wantMsg {
			t.Errorf("Decode(%q) = %v, %v; want error %q", tt.in, v, err, tt.wantMsg)
			continue
		}
		var se *jsontree.SyntaxError
		switch {
		case tt.wantOff < 0 && !errors.Is(err, io.ErrUnexpectedEOF):
			t.Errorf("Decode(%q): %v is not io.ErrUnexpectedEOF", tt.in, err)
		case tt.wantOff >= 0 && (!errors.As(err, &se) || se.Offset != tt.wantOff):
			t.Errorf("Decode(%q): %#v, want a SyntaxError at %d", tt.in, err, tt.wantOff)
		}
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, key string }{
		{`{"a":1,"a":1}`, "a"},
		{`{"a":1,"\u0061":2}`, "a"},
		{`{"b":1,"a":1,"b":2,"a":2}`, "b"}, // the first name repeated, in the order of the text
		{`[{"x":{"b":[],"c":0,"b":null}}]`, "b"},
		{`{"` + strings.Repeat("k", 100) + `":1,"` + strings.Repeat("k", 100) + `":2}`, strings.Repeat("k", 100)},
	}
	for _, tt := range tests {
		_, err := jsontree.Decode([]byte(tt.in), jsontree.Unlimited)
		var de *jsontree.DuplicateError
		if !errors.As(err, &de) || de.Key != tt.key || !strings.Contains(err.Error(), "duplicate object member") || len(err.Error()) > 100 {
			t.Errorf("Decode(%q) = %v, want a duplicate %q (message at most 100 bytes)", tt.in, err, tt.key)
		}
	}
	// Names that differ only in case are different names.
	if _, err := jsontree.Decode([]byte(`{"a":1,"A":2}`), jsontree.Unlimited); err != nil {
		t.Errorf("case-different names: %v", err)
	}
}

// TestLimits: each limit accepts exactly its value and refuses one more, naming itself.
func TestLimits(t *testing.T) {
	t.Parallel()
	big := jsontree.Unlimited
	tests := []struct {
		name      string
		in        string
		lim       jsontree.Limits
		wantLimit string
		wantGot   int
	}{
		{"size exact", `[1]`, jsontree.Limits{MaxBytes: 3, MaxValues: 1, MaxDepth: 1}, "", 0},
		{"size over", `[1] `, jsontree.Limits{MaxBytes: 3, MaxValues: 1, MaxDepth: 1}, jsontree.LimitSize, 4},
		{"depth exact", `[[{"a":[]}]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 4}, "", 0},
		{"depth over in a list", `[[{"a":[[]]}]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 4}, jsontree.LimitDepth, 5},
		{"depth over in an object", `[[[{"a":{}}]]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 4}, jsontree.LimitDepth, 5},
		{"depth is released on closing", `[[],[],[],[],[]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 2}, "", 0},
		{"depth is released by lists", `[[1],[1],[1]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 2}, "", 0},
		{"depth is released by objects", `[{"a":1},{"a":1},{"a":1}]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 2}, "", 0},
		{"depth is released by empty objects", `[{},{},{}]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 10, MaxDepth: 2}, "", 0},
		{"members exact", `{"a":1,"b":{"c":2}}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 3, MaxDepth: 2}, "", 0},
		{"members over", `{"a":1,"b":{"c":2,"d":3}}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 3, MaxDepth: 2}, jsontree.LimitValues, 4},
		{"items exact", `[1,2,3]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 3, MaxDepth: 1}, "", 0},
		{"items over", `[1,2,3,4]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 3, MaxDepth: 1}, jsontree.LimitValues, 4},
		{"an empty list counts one", `{"a":[],"b":[]}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 4, MaxDepth: 2}, "", 0},
		{"an empty list over", `{"a":[],"b":[],"c":[]}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 5, MaxDepth: 2}, jsontree.LimitValues, 6},
		{"a list in a list counts as an item and opens its own", `[[1],[2,3]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 5, MaxDepth: 2}, "", 0},
		{"a list in a list over", `[[1],[2,3]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 4, MaxDepth: 2}, jsontree.LimitValues, 5},
		{"an empty object counts nothing", `[{},{},{}]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 3, MaxDepth: 2}, "", 0},
		{"strings are not counted", `["{\"a\":[1,2]}"]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 1, MaxDepth: 1}, "", 0},
		{"zero values", `{}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 0, MaxDepth: 1}, "", 0},
		{"zero depth", `{}`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 0, MaxDepth: 0}, jsontree.LimitDepth, 1},
		{"scalars need no depth", `"x"`, jsontree.Limits{MaxBytes: 3, MaxValues: 0, MaxDepth: 0}, "", 0},
		{"depth before values", `[[1]]`, jsontree.Limits{MaxBytes: big.MaxBytes, MaxValues: 1, MaxDepth: 1}, jsontree.LimitDepth, 2},
		{"unlimited depth is encoding/json's", strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000), big, "", 0},
		{"one deeper than encoding/json", strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001), big, jsontree.LimitDepth, 10_001},
	}
	for _, tt := range tests {
		_, err := jsontree.Decode([]byte(tt.in), tt.lim)
		var le *jsontree.LimitError
		if tt.wantLimit == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if !errors.As(err, &le) || le.Limit != tt.wantLimit || le.Got != tt.wantGot {
			t.Errorf("%s: %#v, want the %s limit at %d", tt.name, err, tt.wantLimit, tt.wantGot)
			continue
		}
		if !strings.Contains(err.Error(), "exceeds the "+tt.wantLimit+" limit: more than") {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
}

func TestLimitErrorUnits(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`[1,2]`:      "the document exceeds the property count limit: more than 1 properties and list items",
		`[[]]`:       "the document exceeds the nesting depth limit: more than 1 levels of objects and lists",
		`[1,2,3,4]`:  "the document exceeds the request size limit: more than 8 bytes",
		`{"a":{}}  `: "the document exceeds the request size limit: more than 8 bytes",
	} {
		_, err := jsontree.Decode([]byte(in), jsontree.Limits{MaxBytes: 8, MaxValues: 1, MaxDepth: 1})
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// TestReuseAfterError: the decoder's shared stacks are cleared, so a decoded tree is not kept alive
// by the next decode, and a failed decode leaves nothing behind for the next one.
func TestReuseAfterError(t *testing.T) {
	t.Parallel()
	for range 3 {
		if _, err := jsontree.Decode([]byte(`{"a":[1,{"b":2,"b":3}]}`), jsontree.Unlimited); err == nil {
			t.Fatal("duplicate accepted")
		}
		if _, err := jsontree.Decode([]byte(`[{"a":[1,2,`), jsontree.Unlimited); err == nil {
			t.Fatal("truncated accepted")
		}
		v, err := jsontree.Decode([]byte(`{"x":[{"y":1}],"z":[]}`), jsontree.Unlimited)
		want := map[string]any{"x": []any{map[string]any{"y": json.Number("1")}}, "z": []any{}}
		if err != nil || !reflect.DeepEqual(v, want) {
			t.Fatalf("after errors: %#v %v", v, err)
		}
	}
}
