package handler

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// TestPayloadTypes: which resources a STACK or CHANGE_SET check covers.
func TestPayloadTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		in     wire.Payload
		want   []string
	}{
		{"change set with [] still checks the template", wire.TargetChangeSet,
			wire.Payload{Template: `{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}`, ChangedResources: []wire.ChangedResource{}}, []string{"AWS::SNS::Topic"}},
		{"updates count, deletes do not", wire.TargetChangeSet,
			wire.Payload{ChangedResources: []wire.ChangedResource{{Action: "Update", ResourceType: "AWS::SNS::Topic"}, {Action: "DELETE", ResourceType: "AWS::SQS::Queue"}, {Action: "Remove", ResourceType: "AWS::IAM::Role"}, {Action: "CREATE", ResourceType: "AWS::S3::Bucket"}}},
			[]string{"AWS::S3::Bucket", "AWS::SNS::Topic"}},
		{"resources after a ForEach loop are checked", wire.TargetStack,
			wire.Payload{Template: "Resources:\n  Fn::ForEach::Queues:\n    - Q\n    - [a]\n    - Q${Q}:\n        Type: AWS::SQS::Queue\n  T:\n    Type: AWS::SNS::Topic\n"}, []string{"AWS::SNS::Topic"}},
		{"the resolved template wins", wire.TargetStack,
			wire.Payload{Template: "Resources: {}", ResolvedTemplate: `{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}`}, []string{"AWS::SQS::Queue"}},
	}
	for _, tt := range tests {
		got, err := payloadTypes(tt.target, &tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if names := slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		}); !slices.Equal(names, tt.want) {
			t.Errorf("%s: types %v, want %v", tt.name, names, tt.want)
		}
	}
}

// TestPayloadURL: https only, S3 endpoints of the request's partition or an allowed host, and no
// error ever quotes the URL (its query carries a session token).
func TestPayloadURL(t *testing.T) {
	t.Parallel()
	h := New(WithPayloadHosts("payloads.example.com"))
	aws := &wire.Request{StackID: "arn:aws:cloudformation:us-east-1:111122223333:stack/app/u"}
	cn := &wire.Request{StackID: "arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/app/u"}
	const q = "?X-Amz-Security-Token=SECRETTOKEN&X-Amz-Signature=SIG"
	tests := []struct {
		url     string
		req     *wire.Request
		wantErr string
	}{
		{"https://hooks-payloads.s3.us-east-1.amazonaws.com/p.json" + q, aws, ""},
		{"https://s3.us-east-1.amazonaws.com/bucket/p.json" + q, aws, ""},
		{"https://b.s3-fips.dualstack.us-east-1.amazonaws.com/p" + q, aws, ""},
		{"https://b.s3.cn-north-1.amazonaws.com.cn/p" + q, cn, ""},
		{"https://payloads.example.com/p" + q, aws, ""},
		{"http://hooks-payloads.s3.us-east-1.amazonaws.com/p" + q, aws, `scheme "http", want https`},
		{"http://payloads.example.com/p" + q, aws, `scheme "http", want https`},
		{"https://b.s3.cn-north-1.amazonaws.com.cn/p" + q, aws, "not an S3 endpoint of this partition (*.amazonaws.com)"},
		{"https://evil.example/p" + q, aws, "host evil.example is not an S3 endpoint"},
		{"https://s3.amazonaws.com.evil.example/p" + q, aws, "not an S3 endpoint"},
		{"https://ec2.us-east-1.amazonaws.com/p" + q, aws, "not an S3 endpoint"},
		{"https://b.s3.us-east-1.amazonaws.com:8443/p" + q, aws, "port 8443"},
		{"https://user:pw@b.s3.us-east-1.amazonaws.com/p" + q, aws, "user information"},
		{"https://b.s3.us-east-1.amazonaws.com/%zz" + q, aws, "not a URL"},
		{"::" + q, aws, "not a URL"},
	}
	for _, tt := range tests {
		_, err := h.payloadURL(tt.url, tt.req)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, errPayloadURL)):
			t.Errorf("%s: err = %v, want errPayloadURL with %q", tt.url, err, tt.wantErr)
		case err != nil && (strings.Contains(err.Error(), "SECRETTOKEN") || strings.Contains(err.Error(), "pw")):
			t.Errorf("%s: error quotes the URL: %v", tt.url, err)
		}
	}
}

// TestDownloadRetries: server errors are retried (three tries), a 4xx or a redirect is not.
func TestDownloadRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		wantTries int32
		wantErr   string
	}{
		{"ok", http.StatusOK, 1, ""},
		{"503 retried", http.StatusServiceUnavailable, 3, "503"},
		{"429 retried", http.StatusTooManyRequests, 3, "429"},
		{"403 not retried", http.StatusForbidden, 1, "403"},
		{"404 not retried", http.StatusNotFound, 1, "404"},
		{"redirect refused", http.StatusFound, 1, "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tries atomic.Int32
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tries.Add(1)
				if tt.status == http.StatusFound {
					http.Redirect(w, r, "https://evil.example/x", tt.status)
					return
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(`{}`))
			}))
			defer srv.Close()
			h := New(WithHTTPClient(srv.Client()), WithPayloadHosts(srv.Listener.Addr().String()))
			_, err := h.download(t.Context(), srv.URL+"/p?X-Amz-Security-Token=SECRETTOKEN", &wire.Request{})
			if got := tries.Load(); got != tt.wantTries {
				t.Errorf("%d tries, want %d", got, tt.wantTries)
			}
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "SECRETTOKEN") {
				t.Errorf("error quotes the URL: %v", err)
			}
		})
	}
}
