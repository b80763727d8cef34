package jsontree_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// readAll reads the next value with r, every object member by member, and builds the tree Decode
// builds from it.
func readAll(r *jsontree.Reader) (any, error) {
	if r.Peek() != '{' {
		return r.Value()
	}
	m := map[string]any{}
	err := r.Members(func(k string) error {
		v, err := readAll(r)
		m[k] = v
		return err
	})
	return m, err
}

// read is Decode done with a Reader.
func read(b []byte, l jsontree.Limits) (any, error) {
	r, err := jsontree.NewReader(b, l)
	if err != nil {
		return nil, err
	}
	v, err := readAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return v, err
}

var small = jsontree.Limits{MaxBytes: 64, MaxValues: 6, MaxDepth: 3}

func TestReaderAgreesWithDecode(t *testing.T) {
	t.Parallel()
	many := func(n int, repeat bool) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"k%d":%d`, i, i)
		}
		if repeat {
			b.WriteString(`,"k3":0`)
		}
		b.WriteString("}")
		return b.String()
	}
	tests := []struct {
		name, in string
		l        jsontree.Limits
		wantErr  string
	}{
		{name: "object", in: ` {"a":{"b":[1,{"c":"d"}]},"e":null} `, l: jsontree.Unlimited},
		{name: "empty object", in: `{}`, l: jsontree.Unlimited},
		{name: "scalar", in: `"x"`, l: jsontree.Unlimited},
		{name: "repeated member", in: `{"a":1,"b":2,"a":3}`, l: jsontree.Unlimited, wantErr: `duplicate object member "a"`},
		{name: "repeated member below", in: `{"a":{"b":1,"b":2}}`, l: jsontree.Unlimited, wantErr: `duplicate object member "b"`},
		{name: "repeated among many members", in: many(40, true), l: jsontree.Unlimited, wantErr: `duplicate object member "k3"`},
		{name: "many members", in: many(40, false), l: jsontree.Unlimited},
		{name: "syntax error after a repeat", in: `{"a":1,"a":2,"b":}`, l: jsontree.Unlimited, wantErr: "invalid character '}' looking for beginning of value"},
		{name: "trailing data", in: `{"a":1} x`, l: jsontree.Unlimited, wantErr: "trailing data"},
		{name: "truncated", in: `{"a":1`, l: jsontree.Unlimited, wantErr: io.ErrUnexpectedEOF.Error()},
		{name: "truncated key", in: `{"a":1,"bc`, l: jsontree.Unlimited, wantErr: io.ErrUnexpectedEOF.Error()},
		{name: "truncated escaped key", in: `{"a\u00`, l: jsontree.Unlimited, wantErr: io.ErrUnexpectedEOF.Error()},
		{name: "missing colon", in: `{"a" 1}`, l: jsontree.Unlimited, wantErr: "after object key"},
		{name: "bad key", in: `{1:2}`, l: jsontree.Unlimited, wantErr: "beginning of object key string"},
		{name: "bad separator", in: `{"a":1;}`, l: jsontree.Unlimited, wantErr: "after object key:value pair"},
		{name: "too big", in: strings.Repeat(" ", 65) + "{}", l: small, wantErr: "request size"},
		{name: "too many values", in: `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}`, l: small, wantErr: "property count"},
		{name: "too deep", in: `{"a":{"b":{"c":{}}}}`, l: small, wantErr: "nesting depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, wantErr := jsontree.Decode([]byte(tt.in), tt.l)
			got, err := read([]byte(tt.in), tt.l)
			switch {
			case tt.wantErr == "" && (err != nil || wantErr != nil):
				t.Fatalf("read: %v, Decode: %v", err, wantErr)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("read err = %v, want %q", err, tt.wantErr)
			case tt.wantErr != "" && (wantErr == nil || err.Error() != wantErr.Error()):
				t.Fatalf("read err = %v, Decode err = %v", err, wantErr)
			case tt.wantErr == "" && !reflect.DeepEqual(got, want):
				t.Fatalf("read %#v, Decode %#v", got, want)
			}
			if o, wo := offset(err), offset(wantErr); o != wo {
				t.Errorf("error at byte %d, Decode's at %d", o, wo)
			}
		})
	}
}

func TestReaderEdges(t *testing.T) {
	t.Parallel()
	t.Run("members of a list", func(t *testing.T) {
		r, err := jsontree.NewReader([]byte(` [1]`), jsontree.Unlimited)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		err = r.Members(func(string) error { t.Fatal("called for a list"); return nil })
		if err == nil || err.Error() != "invalid character '[' looking for beginning of object" || offset(err) != 1 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("members at the end", func(t *testing.T) {
		r, err := jsontree.NewReader([]byte(`{} `), jsontree.Unlimited)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := r.Value(); err != nil {
			t.Fatal(err)
		}
		if err := r.Members(func(string) error { return nil }); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %v, want unexpected EOF", err)
		}
	})
	t.Run("peek at the end", func(t *testing.T) {
		r, err := jsontree.NewReader([]byte(`1 `), jsontree.Unlimited)
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Peek(); c != '1' {
			t.Fatalf("Peek = %q", c)
		}
		if _, err := r.Value(); err != nil {
			t.Fatal(err)
		}
		if c := r.Peek(); c != 0 {
			t.Fatalf("Peek at the end = %q", c)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
	t.Run("member error stops the read", func(t *testing.T) {
		stop := errors.New("stop")
		r, err := jsontree.NewReader([]byte(`{"a":1,"b":2}`), jsontree.Unlimited)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var keys []string
		err = r.Members(func(k string) error { keys = append(keys, k); return stop })
		if !errors.Is(err, stop) || !reflect.DeepEqual(keys, []string{"a"}) {
			t.Fatalf("err = %v, keys = %q", err, keys)
		}
	})
}

// offset is where a syntax or duplicate error was found; -1 for other errors and none.
func offset(err error) int {
	var se *jsontree.SyntaxError
	var de *jsontree.DuplicateError
	switch {
	case errors.As(err, &se):
		return se.Offset
	case errors.As(err, &de):
		return de.Offset
	}
	return -1
}

// TestKeysAcrossDocuments: member names are shared between the documents one decoder reads; more
// names than it keeps, escaped names and long ones decode as encoding/json decodes them.
func TestKeysAcrossDocuments(t *testing.T) {
	t.Parallel()
	var docs []string
	for i := range 1200 {
		// "{", "," and "K" are names the text just before another name, or a prefix of an escaped
		// one, would give if the cache read the wrong bytes.
		docs = append(docs, fmt.Sprintf(`{"{":0,",":1,"K":2,"k%d":%d,"Key":"v%d","K\u0065y2":[{"%s":true}]}`, i, i, i, strings.Repeat("x", i%70)))
	}
	for round := range 2 {
		for _, doc := range docs {
			got, err := jsontree.Decode([]byte(doc), jsontree.Unlimited)
			want, wantErr := std([]byte(doc))
			if err != nil || wantErr != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %s:\n got %#v, %v\nwant %#v, %v", round, doc, got, err, want, wantErr)
			}
		}
	}
}
