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

// FuzzHandle: whatever arrives, the answer is SUCCESS or FAILED with a code and a message, and a
// SUCCESS never carries an error code.
func FuzzHandle(f *testing.F) {
	files, _ := filepath.Glob("../wire/testdata/*/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(req{props: good}.JSON())
	f.Add(req{props: `{"BucketName":"x","Tags":[1]}`, point: "UPDATE_PRE_PROVISION", prev: `{"BucketName":"y"}`}.JSON())
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
		if len(got.Message) > wire.MaxMessage {
			t.Fatalf("message of %d bytes", len(got.Message))
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
