package jsontree_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// TestBoundaries: the first and last byte of every character class the grammar names, each
// decoded exactly as encoding/json decodes it.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want any
	}{
		{`[10,19,9,-0.09e9,1E+0,0e-9]`, []any{json.Number("10"), json.Number("19"), json.Number("9"), json.Number("-0.09e9"), json.Number("1E+0"), json.Number("0e-9")}},
		{`"\u0039\u00af\u00AF\u0aFa\u0030"`, "9\u00af\u00af\u0afa0"},
		{"\"\x80\x7f\"", "\uFFFD\x7f"},
		{"\"\\n \x7f\x80\"", "\n \x7f\uFFFD"},
		{"\" \x7f\"", " \x7f"},
		{`"\ud83d\ude00\u0041"`, "😀A"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ud83d\n"`, "\uFFFD\n"},
		{`"\ud83d\u00"`, nil}, // truncated escape: refused
	}
	for _, tt := range tests {
		got, err := jsontree.Decode([]byte(tt.in), jsontree.Unlimited)
		want, wantErr := std([]byte(tt.in))
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %#v %v; encoding/json %#v %v", tt.in, got, err, want, wantErr)
		}
		if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %#v, want %#v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{`"\u/000"`, `"\u:000"`, "\"\\u`000\"", `"\ug000"`, `"\u@000"`, `"\uG000"`, `"\u000`} {
		if _, err := jsontree.Decode([]byte(in), jsontree.Unlimited); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}

// TestDuplicateMessage: the repeated name is quoted up to 64 bytes, then cut; Offset is where the
// object that repeats it closes.
func TestDuplicateMessage(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{
		64: `duplicate object member "` + strings.Repeat("k", 64) + `"`,
		65: `duplicate object member "` + strings.Repeat("k", 64) + `…"`,
	} {
		k := strings.Repeat("k", n)
		in := `[{"` + k + `":1,"` + k + `":2} ]`
		_, err := jsontree.Decode([]byte(in), jsontree.Unlimited)
		var de *jsontree.DuplicateError
		if !errors.As(err, &de) || err.Error() != want || de.Offset != strings.Index(in, "}") {
			t.Errorf("key of %d bytes: %v (offset %+v), want %q at %d", n, err, de, want, strings.Index(in, "}"))
		}
	}
}
