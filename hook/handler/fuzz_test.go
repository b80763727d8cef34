package handler_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/wire"
)

// FuzzHandle: whatever arrives, the answer is SUCCESS or FAILED with a code and a message, a
// SUCCESS never carries an error code, and the answer fits. The seeds also assert their decision.
func FuzzHandle(f *testing.F) {
	files, _ := filepath.Glob("../wire/testdata/*/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	type decision struct {
		status wire.Status
		code   wire.ErrorCode
	}
	want := map[string]decision{}
	for _, s := range []struct {
		raw []byte
		decision
	}{
		{req{props: good}.JSON(), decision{wire.StatusSuccess, ""}},
		{req{props: `{"BucketName":"x","Tags":[1]}`, point: "UPDATE_PRE_PROVISION", prev: `{"BucketName":"y"}`}.JSON(), decision{wire.StatusFailed, wire.CodeNonCompliant}},
		{req{props: `{"BucketName":"app-logs-111122223333","NewFeature":1}`}.JSON(), decision{wire.StatusFailed, wire.CodeNonCompliant}},
		{req{model: `{"TemplatesBucket":"b","OnViolation":"WARN"}`, props: `{"NewFeature":1}`}.JSON(), decision{wire.StatusSuccess, ""}},
		{req{target: "AWS::SNS::Topic", props: `{}`}.JSON(), decision{wire.StatusFailed, wire.CodeNonCompliant}},
		{req{target: "STACK", payload: "http://rcfge-hook-payloads.s3.us-east-1.amazonaws.com/p"}.JSON(), decision{wire.StatusFailed, wire.CodeInvalidRequest}},
		{req{target: "STACK", payload: "https://rcfge-hook-payloads.s3.us-east-1.amazonaws.com/p"}.JSON(), decision{wire.StatusFailed, wire.CodeInternalFailure}},
		{[]byte(`{"clientRequestToken":"tok","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"AWS::S3::Bucket"}}`), decision{wire.StatusFailed, wire.CodeInvalidRequest}},
		{[]byte(`{"clientRequestToken":"tok",`), decision{wire.StatusFailed, wire.CodeInvalidRequest}},
	} {
		f.Add(s.raw)
		want[string(s.raw)] = s.decision
	}
	// No network in a fuzz run; a 403 is not retried, so seeds stay fast.
	offline := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Body: http.NoBody, Request: r}, nil
	})}
	h := handler.New(handler.WithStore(dirstore.New(os.DirFS("testdata/templates"))), handler.WithLogger(discardLogger()), handler.WithHTTPClient(offline))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := h.Handle(t.Context(), b)
		switch got.HookStatus {
		case wire.StatusSuccess:
			if got.ErrorCode != "" {
				t.Fatalf("SUCCESS with error code %q", got.ErrorCode)
			}
		case wire.StatusFailed:
			if got.ErrorCode == "" || got.Message == "" {
				t.Fatalf("FAILED without code or message: %+v", got)
			}
		default:
			t.Fatalf("status %q", got.HookStatus)
		}
		if len(got.Message) >= wire.MaxMessage || len(got.Annotations) > wire.MaxAnnotations+1 {
			t.Fatalf("message of %d bytes, %d annotations", len(got.Message), len(got.Annotations))
		}
		if w, ok := want[string(b)]; ok && (got.HookStatus != w.status || got.ErrorCode != w.code) {
			t.Fatalf("seed answered %s/%s %q, want %s/%s", got.HookStatus, got.ErrorCode, got.Message, w.status, w.code)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
