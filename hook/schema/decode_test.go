package schema_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/jsontree"
	"github.com/rcfge/rcfge/hook/schema"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       any
		err        string
	}{
		{name: "object", body: ` {"type":"object","maxLength":5.50} `, want: map[string]any{"type": "object", "maxLength": json.Number("5.50")}},
		{name: "repeated member", body: `{"properties":{"A":{"enum":["x"]},"A":{}}}`, err: "not JSON: "},
		{name: "trailing data", body: `{} {}`, err: "not JSON: "},
		{name: "empty", body: ``, err: "not JSON: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schema.Decode([]byte(tc.body))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("err = %v, want prefix %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	_, err := schema.Decode([]byte(`{"a":1,"a":2}`))
	var dup *jsontree.DuplicateError
	if !errors.As(err, &dup) {
		t.Errorf("repeated member: err = %v, want a *jsontree.DuplicateError", err)
	}
}
