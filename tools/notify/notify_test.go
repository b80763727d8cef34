package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/rcfge/rcfge/tools/notify"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:rcfge-changes"

func TestParseTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    notify.Target
		wantErr error
	}{
		{name: "topic", in: "sns:" + topic, want: notify.Target{TopicARN: topic, Region: "eu-west-1"}},
		{name: "china partition", in: "sns:arn:aws-cn:sns:cn-north-1:123456789012:t", want: notify.Target{TopicARN: "arn:aws-cn:sns:cn-north-1:123456789012:t", Region: "cn-north-1"}},
		{name: "no scheme", in: topic, wantErr: notify.ErrInvalidTarget},
		{name: "other scheme", in: "slack:" + topic, wantErr: notify.ErrInvalidTarget},
		{name: "not an ARN", in: "sns:rcfge-changes", wantErr: notify.ErrInvalidTarget},
		{name: "not SNS", in: "sns:arn:aws:sqs:eu-west-1:123456789012:q", wantErr: notify.ErrInvalidTarget},
		{name: "no region", in: "sns:arn:aws:sns::123456789012:t", wantErr: notify.ErrInvalidTarget},
		{name: "no account", in: "sns:arn:aws:sns:eu-west-1::t", wantErr: notify.ErrInvalidTarget},
		{name: "subscription ARN", in: "sns:" + topic + ":6f0a4b2c", wantErr: notify.ErrInvalidTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := notify.ParseTarget(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseTarget(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseTarget(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"AWS service reference a -> b", "AWS service reference a -> b"},
		{"line one\nline two", "line one line two"},
		{"arrow → here", "arrow ? here"},
		{strings.Repeat("x", 150), strings.Repeat("x", 100)},
		{"   ", "rcfge notification"},
	}
	for _, tt := range tests {
		if got := notify.Subject(tt.in); got != tt.want {
			t.Errorf("Subject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	small := "short report\n"
	if got := notify.Message(small); got != small {
		t.Errorf("Message(small) = %q, want unchanged", got)
	}
	big := strings.Repeat("s3:PutObjectRetention é\n", 20000) // ~500 KB
	got := notify.Message(big)
	if len(got) > notify.MaxMessageBytes {
		t.Errorf("len(Message(big)) = %d, want <= %d", len(got), notify.MaxMessageBytes)
	}
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "run the command again for the full report]\n") {
		t.Errorf("Message(big) does not end with the truncation note or is not UTF-8: ...%q", got[len(got)-80:])
	}
	if !strings.HasPrefix(got, "s3:PutObjectRetention é\n") || strings.Contains(got, "é[truncated") {
		t.Error("Message(big) was not cut at a line boundary")
	}
}

// fakeSNS is a local SNS Query API endpoint that records Publish calls.
type fakeSNS struct {
	mu     sync.Mutex
	calls  []url.Values
	status int
}

func (f *fakeSNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	form := r.PostForm
	form.Set("_authorization", r.Header.Get("Authorization"))
	f.calls = append(f.calls, form)
	status := f.status
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if status != 0 {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>` +
			`<Code>AuthorizationError</Code><Message>not authorized to publish</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`))
		return
	}
	_, _ = w.Write([]byte(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>` +
		`<MessageId>msg-42</MessageId></PublishResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>`))
}

func newClient(t *testing.T, h http.Handler) *sns.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return sns.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:  srv.Client(),
	}, func(o *sns.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.RetryMaxAttempts = 1
	})
}

func TestPublish(t *testing.T) {
	t.Parallel()
	fake := &fakeSNS{}
	target, err := notify.ParseTarget("sns:" + topic)
	if err != nil {
		t.Fatal(err)
	}
	p := notify.NewPublisher(newClient(t, fake), target)
	id, err := p.Publish(context.Background(), "6 new services → review", "body\n")
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if id != "msg-42" {
		t.Errorf("message ID = %q, want msg-42", id)
	}
	if len(fake.calls) != 1 {
		t.Fatalf("server saw %d calls, want 1", len(fake.calls))
	}
	got := fake.calls[0]
	want := map[string]string{"Action": "Publish", "TopicArn": topic, "Subject": "6 new services ? review", "Message": "body\n"}
	// The request is signed for the topic's region, not the client's default.
	if auth := got.Get("_authorization"); !strings.Contains(auth, "/eu-west-1/sns/aws4_request") {
		t.Errorf("Authorization = %q, want a signature scoped to eu-west-1", auth)
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("form %s = %q, want %q", k, got.Get(k), v)
		}
	}
}

func TestPublishErrors(t *testing.T) {
	t.Parallel()
	target, err := notify.ParseTarget("sns:" + topic)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("service error", func(t *testing.T) {
		t.Parallel()
		p := notify.NewPublisher(newClient(t, &fakeSNS{status: http.StatusForbidden}), target)
		_, err := p.Publish(context.Background(), "s", "m")
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AuthorizationError" {
			t.Fatalf("Publish error = %v, want an AuthorizationError API error", err)
		}
		if !strings.Contains(err.Error(), topic) {
			t.Errorf("error %q does not name the topic", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		p := notify.NewPublisher(newClient(t, &fakeSNS{}), target)
		if _, err := p.Publish(ctx, "s", "m"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Publish error = %v, want context.Canceled", err)
		}
	})
}
