package handler_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/hook/wire"
)

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Run(m, &srv)) }

var bucketSeq atomic.Int32

// s3Handler returns a handler reading from a fresh bucket on the test server, as the Lambda does:
// no fixed store, the bucket named by the request's configuration.
func s3Handler(tb testing.TB, logs *bytes.Buffer, ttl time.Duration) (*handler.Handler, string) {
	tb.Helper()
	if srv == nil {
		tb.Skip(s3test.SkipReason)
	}
	ctx := context.Background()
	bucket := fmt.Sprintf("hook-templates-%d", bucketSeq.Add(1))
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		tb.Fatal(err)
	}
	for _, name := range []string{"AWS-S3-Bucket.json", "AWS-SQS-Queue.json"} {
		b, err := os.ReadFile("testdata/templates/" + name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := srv.Put(ctx, bucket, "templates/"+name, b); err != nil {
			tb.Fatal(err)
		}
	}
	var w io.Writer = discard{}
	if logs != nil {
		w = logs
	}
	h := handler.New(
		handler.WithEnv(handler.Env{Config: handler.Config{Endpoint: srv.Endpoint}, CacheTTL: ttl, CacheTTLSet: ttl > 0}),
		handler.WithLogger(slog.New(slog.NewJSONHandler(w, nil))),
		handler.WithAWSConfig(func(context.Context) (aws.Config, error) {
			// The default chain would find nothing here; the request's caller credentials are used.
			return aws.Config{Region: s3test.Region, Credentials: credentials.NewStaticCredentialsProvider("none", "none", ""), RetryMaxAttempts: 1}, nil
		}),
	)
	return h, bucket
}

func creds(access, secret string) string {
	return fmt.Sprintf(`"{\"accessKeyId\":\"%s\",\"secretAccessKey\":\"%s\",\"sessionToken\":\"\"}"`, access, secret)
}

func TestS3Path(t *testing.T) {
	var logs bytes.Buffer
	h, bucket := s3Handler(t, &logs, time.Nanosecond)
	t.Cleanup(func() { srv.SetMode(s3test.Up) })
	model := func(extra string) string {
		return fmt.Sprintf(`{"TemplatesBucket":%q,"TemplatesPrefix":"templates"%s}`, bucket, extra)
	}
	root := creds(s3test.RootAccess, s3test.RootSecret)
	steps := []struct {
		name       string
		mode       s3test.Mode
		raw        []byte
		wantStatus wire.Status
		wantCode   wire.ErrorCode
		wantMsg    string
	}{
		{"fetched with the caller credentials", s3test.Up, req{model: model(""), creds: root, props: good}.JSON(), wire.StatusSuccess, "", "s3://" + bucket + "/templates/AWS-S3-Bucket.json"},
		{"violation", s3test.Up, req{model: model(""), creds: root, props: `{"BucketName":"x"}`}.JSON(), wire.StatusFailed, wire.CodeNonCompliant, "/BucketName"},
		{"access denied", s3test.Up, req{model: model(""), creds: creds(s3test.StrangerAccess, s3test.StrangerSecret), props: good}.JSON(), wire.StatusFailed, wire.CodeInternalFailure, "access denied"},
		{"S3 down: last known good", s3test.Down, req{model: model(""), creds: root, props: good}.JSON(), wire.StatusSuccess, "", "complies"},
		{"S3 down, never fetched: engine error", s3test.Down, req{model: model(`,"Variables":{"orgId":"o"}`), creds: root, target: "AWS::SQS::Queue"}.JSON(), wire.StatusFailed, wire.CodeInternalFailure, "S3 unavailable"},
		{"S3 down, never fetched, warned", s3test.Down, req{model: model(`,"Variables":{"orgId":"o"},"OnEngineError":"WARN"`), creds: root, target: "AWS::SQS::Queue"}.JSON(), wire.StatusSuccess, "", "OnEngineError=WARN"},
		{"S3 stalls, never fetched: deadline", s3test.Slow, req{model: model(`,"Variables":{"orgId":"o"}`), creds: root, target: "AWS::SQS::Queue"}.JSON(), wire.StatusFailed, wire.CodeInternalFailure, "deadline"},
		{"missing template", s3test.Up, req{model: model(""), creds: root, target: "AWS::SNS::Topic"}.JSON(), wire.StatusFailed, wire.CodeNonCompliant, "not an approved resource type"},
		// The pin reaches S3: the bucket is not owned by 999988887777, so S3 refuses the GET even
		// with credentials that may read it (a same-named bucket in another account is never read).
		{"bucket owner pinned to another account", s3test.Up, req{model: model(`,"TemplatesBucketOwner":"999988887777"`), creds: root, props: good}.JSON(), wire.StatusFailed, wire.CodeInternalFailure, "template store failed"},
		{"bucket owner not an account ID", s3test.Up, req{model: model(`,"TemplatesBucketOwner":"admin"`), creds: root, props: good}.JSON(), wire.StatusFailed, wire.CodeInvalidTypeConfiguration, "12-digit"},
	}
	for _, s := range steps {
		srv.SetMode(s.mode)
		got := h.Handle(t.Context(), s.raw)
		if got.HookStatus != s.wantStatus || got.ErrorCode != s.wantCode || !strings.Contains(got.Message, s.wantMsg) {
			t.Errorf("%s: got %s/%s %q; want %s/%s containing %q", s.name, got.HookStatus, got.ErrorCode, got.Message, s.wantStatus, s.wantCode, s.wantMsg)
		}
	}
	if !strings.Contains(logs.String(), "last known good") {
		t.Errorf("serving a last known good copy was not logged:\n%s", logs.String())
	}
}

// shippedRequest puts the shipped S3 template in a fresh bucket and returns the design example's
// compliant bucket as a registered-hook request for it.
func shippedRequest(b *testing.B) (bucket string, raw []byte) {
	b.Helper()
	_, bucket = s3Handler(b, nil, time.Hour)
	tpl, err := os.ReadFile("../../schemas/AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Put(context.Background(), bucket, "templates/AWS-S3-Bucket.json", tpl); err != nil {
		b.Fatal(err)
	}
	raw, err = os.ReadFile("../../examples/hook-requests/registered-s3-bucket-own-topic.json")
	if err != nil {
		b.Fatal(err)
	}
	raw = bytes.Replace(raw, []byte(`"rcfge-templates"`), []byte(`"`+bucket+`"`), 1)
	raw = bytes.Replace(raw, []byte(`\"ASIAEXAMPLEKEY0001\"`), []byte(`\"`+s3test.RootAccess+`\"`), 1)
	raw = bytes.Replace(raw, []byte(`\"example-secret\"`), []byte(`\"`+s3test.RootSecret+`\"`), 1)
	raw = bytes.Replace(raw, []byte(`\"example-token\"`), []byte(`\"\"`), 1)
	return bucket, raw
}

// BenchmarkHandleWarm: request JSON in, response JSON out, with the shipped S3 template cached
// (within the TTL, so no S3 round trip).
func BenchmarkHandleWarm(b *testing.B) {
	bucket, raw := shippedRequest(b)
	h, _ := s3HandlerFor(b, bucket)
	if got := h.Handle(context.Background(), raw); got.HookStatus != wire.StatusSuccess {
		b.Fatalf("%+v", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp := h.Handle(context.Background(), raw)
		if len(resp.AppendJSON(nil, "", "")) == 0 { // as the Lambda encodes it
			b.Fatal("empty answer")
		}
	}
}

// BenchmarkHandleCold: the first request of a fresh Lambda: S3 fetch of the shipped template from
// the local server, placeholder filling, schema compilation, validation.
func BenchmarkHandleCold(b *testing.B) {
	bucket, raw := shippedRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		h, _ := s3HandlerFor(b, bucket)
		b.StartTimer()
		resp := h.Handle(context.Background(), raw)
		if resp.HookStatus != wire.StatusSuccess {
			b.Fatalf("%+v", resp)
		}
	}
}

func s3HandlerFor(tb testing.TB, bucket string) (*handler.Handler, string) {
	return handler.New(
		handler.WithEnv(handler.Env{Config: handler.Config{Endpoint: srv.Endpoint}, CacheTTL: time.Hour, CacheTTLSet: true}),
		handler.WithLogger(discardLogger()),
		handler.WithAWSConfig(func(context.Context) (aws.Config, error) {
			return aws.Config{Region: s3test.Region, Credentials: credentials.NewStaticCredentialsProvider("none", "none", "")}, nil
		}),
	), bucket
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
