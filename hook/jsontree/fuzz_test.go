package jsontree_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// std is the oracle: encoding/json's Decoder with UseNumber, one value, nothing after it.
func std(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// hasDuplicate reports whether some object in valid JSON text names a member twice, reading it
// with encoding/json's tokens (names compared after unescaping).
func hasDuplicate(tb testing.TB, b []byte) bool {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		t, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			tb.Fatalf("oracle could not tokenize text it decoded: %v", err)
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if s, ok := t.(string); ok && top != nil && top.keys != nil && top.wantKey {
			if top.keys[s] {
				return true
			}
			top.keys[s] = true
			top.wantKey = false
			continue
		}
		switch t {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: the enclosing object, if any, now wants a key.
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
}

// addRequests seeds f with the hook request fixtures and this package's test documents.
func addRequests(f *testing.F) {
	for _, dir := range []string{"../wire/testdata/*/*.json", "testdata/*.json"} {
		files, _ := filepath.Glob(dir)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

// FuzzDecode: jsontree builds the tree encoding/json builds, or both refuse the text; the one
// exception is a repeated member name, which only jsontree refuses, and only when there is one.
func FuzzDecode(f *testing.F) {
	addRequests(f)
	for _, s := range []string{
		`{"a":1,"a":2}`, `{"a":{"b":1,"b":1}}`, `{"\u0061":1,"a":2}`, `[1,-0.5e+10,"x\ud83d\ude00\ud800y"]`,
		"\"\xff\xfe\"", `"\/\b\f\n\r\t\\\""`, `  null `, `{} {}`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`,
		`tru`, `nul`, `"\u12"`, `"\x"`, "\"\x01\"", `{"a":1,}`, `[[[]]]`, `{"":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := jsontree.Decode(b, jsontree.Unlimited)
		want, wantErr := std(b)
		var dup *jsontree.DuplicateError
		switch {
		case errors.As(err, &dup):
			// Both refuse it (encoding/json maybe for an error further on), or there is a duplicate.
			if wantErr == nil && !hasDuplicate(t, b) {
				t.Fatalf("refused %q as a duplicate", b)
			}
		case err != nil && wantErr == nil:
			t.Fatalf("refused %q: %v; encoding/json decodes it", b, err)
		case err == nil && wantErr != nil:
			t.Fatalf("decoded %q; encoding/json refuses it: %v", b, wantErr)
		case err == nil:
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q:\n got %#v\nwant %#v", b, got, want)
			}
			if hasDuplicate(t, b) {
				t.Fatalf("decoded %q, which repeats a member", b)
			}
		}
	})
}

// FuzzReader: reading every object member by member accepts, refuses and builds exactly what
// Decode does, with the same error, under tight limits and none.
func FuzzReader(f *testing.F) {
	addRequests(f)
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":1,"b":1}}`, `{"a":[{"b":{}}]}`, `{} {}`, `{"a":1,}`, `{"a"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, l := range []jsontree.Limits{jsontree.Unlimited, small} {
			want, wantErr := jsontree.Decode(b, l)
			got, err := read(b, l)
			if (err == nil) != (wantErr == nil) || err != nil && (err.Error() != wantErr.Error() || offset(err) != offset(wantErr)) {
				t.Fatalf("%q: read err %v, Decode err %v", b, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: read %#v, Decode %#v", b, got, want)
			}
		}
	})
}
