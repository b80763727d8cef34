package wire_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// FuzzDecode: no input panics, and a decoded request always has a valid invocation point and target.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := wire.Decode(b)
		if err != nil {
			return
		}
		switch r.ActionInvocationPoint {
		case wire.CreatePreProvision, wire.UpdatePreProvision, wire.DeletePreProvision:
		default:
			t.Fatalf("decoded an invalid invocation point %q", r.ActionInvocationPoint)
		}
		if r.Target() == "" {
			t.Fatal("decoded an empty target")
		}
		_, _, _ = r.CallerCredentials()
		_, _ = wire.DecodePayload(b)
	})
}

// FuzzDecodeProtocols: every error is an ErrInvalidRequest, every decoded request belongs to
// exactly one of the two protocols, and its target model properties are an object or absent, so
// the handler never evaluates a request it misread.
func FuzzDecodeProtocols(f *testing.F) {
	for _, dir := range []string{"registered", "lambda"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		if err != nil {
			f.Fatal(err)
		}
		if len(files) == 0 {
			f.Fatalf("no %s fixtures", dir)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":"{\"targetName\":\"AWS::S3::Bucket\"}"}`))
	f.Add([]byte(`{"ACTIONINVOCATIONPOINT":"BOGUS","requestData":{"targetName":"STACK"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := wire.Decode(b)
		if err != nil {
			if r != nil {
				t.Fatalf("request and error: %v", err)
			}
			if !errors.Is(err, wire.ErrInvalidRequest) {
				t.Fatalf("error is not ErrInvalidRequest: %v", err)
			}
			return
		}
		switch p := r.Protocol(); p {
		case wire.ProtocolRegistered, wire.ProtocolLambda:
		default:
			t.Fatalf("decoded request of unknown protocol %q", p)
		}
		if r.IsStackLevel() != (r.Target() == wire.TargetStack || r.Target() == wire.TargetChangeSet) {
			t.Fatalf("IsStackLevel %v for target %q", r.IsStackLevel(), r.Target())
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("a decoded request does not encode again: %v", err)
		}
	})
}

// FuzzDecodePayload: a STACK or CHANGE_SET payload document never panics the decoder, never
// yields a payload alongside an error, and every object it decodes encodes again.
func FuzzDecodePayload(f *testing.F) {
	files, err := filepath.Glob("testdata/payloads/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"template":{"Resources":{}},"changedResources":[{"resourceProperties":"{\"A\":1}"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := wire.DecodePayload(b)
		if err != nil {
			if p != nil {
				t.Fatalf("payload and error: %v", err)
			}
			return
		}
		for _, c := range p.ChangedResources {
			for _, o := range []wire.Object{c.BeforeContext, c.AfterContext, c.ResourceProperties, c.PreviousResourceProperties} {
				if _, err := json.Marshal(o); err != nil {
					t.Fatalf("decoded object does not encode: %v", err)
				}
			}
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
