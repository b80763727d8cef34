package wire_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// layouts are the prefix and indent pairs the hook and the CLI encode answers with.
var layouts = [][2]string{{"", ""}, {"", "  "}, {"  ", "  "}, {"\t", ""}}

// stdJSON is the oracle: encoding/json's Encoder without HTML escaping, final newline dropped.
func stdJSON(t *testing.T, r *wire.Response, prefix, indent string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestAppendJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    wire.Response
	}{
		{name: "success", r: wire.Response{HookStatus: wire.StatusSuccess, ClientRequestToken: "tok"}},
		{name: "empty", r: wire.Response{}},
		{name: "failed with annotations", r: wire.Response{
			HookStatus: wire.StatusFailed, ErrorCode: wire.CodeNonCompliant, Message: "AWS::S3::Bucket: /BucketName <x> & \"y\"",
			ClientRequestToken: "t", CallbackDelaySeconds: -3,
			Annotations: []wire.Annotation{
				{AnnotationName: "a", Status: wire.AnnotationFailed, StatusMessage: "m", RemediationMessage: "r", RemediationLink: "https://x/?a=1&b=<2>", SeverityLevel: wire.SeverityHigh},
				{AnnotationName: "b", Status: wire.AnnotationPassed},
			},
		}},
		{name: "escapes", r: wire.Response{HookStatus: "\x00\x01\x1f\b\f\n\r\t\\\"/", Message: "\u2028\u2029\u00e9\U0001F600", ClientRequestToken: "\xff\xfe a \xed\xa0\x80 b \xc3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, l := range layouts {
				want := stdJSON(t, &tt.r, l[0], l[1])
				if got := string(tt.r.AppendJSON(nil, l[0], l[1])); got != want {
					t.Errorf("layout %q:\n got %s\nwant %s", l, got, want)
				}
			}
		})
	}
	t.Run("appends", func(t *testing.T) {
		t.Parallel()
		r := wire.Response{HookStatus: wire.StatusSuccess}
		if got := string(r.AppendJSON([]byte("x="), "", "")); got != `x={"hookStatus":"SUCCESS","clientRequestToken":"","callbackDelaySeconds":0}` {
			t.Errorf("got %s", got)
		}
	})
}

// TestAppendJSONEveryField: a field added to Response or Annotation is encoded by AppendJSON too.
// Every exported field is set by reflection, so a field AppendJSON does not know makes the two
// encodings differ.
func TestAppendJSONEveryField(t *testing.T) {
	t.Parallel()
	var r wire.Response
	fill(reflect.ValueOf(&r).Elem())
	if len(r.Annotations) != 1 || r.Annotations[0].SeverityLevel == "" {
		t.Fatalf("fill left fields empty: %+v", r)
	}
	for _, l := range layouts {
		if got, want := string(r.AppendJSON(nil, l[0], l[1])), stdJSON(t, &r, l[0], l[1]); got != want {
			t.Errorf("layout %q:\n got %s\nwant %s", l, got, want)
		}
	}
}

// fill sets every exported field of v to a value that is not empty.
func fill(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(v.Type().Field(i).Name + " <&>")
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(7 + i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			fill(f.Index(0))
		case reflect.Struct:
			fill(f)
		default:
			panic("fill: a field of kind " + f.Kind().String() + ": teach fill and AppendJSON about it")
		}
	}
}
