package wire_test

import (
	"bytes"
	"encoding/json"
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

// FuzzAppendJSON: any text in any field encodes as encoding/json encodes it.
func FuzzAppendJSON(f *testing.F) {
	f.Add("SUCCESS", "m", "tok", "a", "https://x", 0, 1)
	f.Add("\u2028", "\xff<>&", "\x00\x7f", "\xed\xa0\x80", "\"\\", -1, 3)
	f.Fuzz(func(t *testing.T, status, msg, token, ann, link string, delay, n int) {
		r := wire.Response{HookStatus: wire.Status(status), ErrorCode: wire.ErrorCode(ann), Message: msg, ClientRequestToken: token, CallbackDelaySeconds: delay}
		for i := range n % 4 {
			r.Annotations = append(r.Annotations, wire.Annotation{AnnotationName: ann, Status: status, StatusMessage: msg[:len(msg)*i/4], RemediationLink: link, SeverityLevel: token})
		}
		for _, l := range layouts {
			if got, want := string(r.AppendJSON(nil, l[0], l[1])), stdJSON(t, &r, l[0], l[1]); got != want {
				t.Fatalf("layout %q:\n got %s\nwant %s", l, got, want)
			}
		}
	})
}
