package faults_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/faults"
	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/wire"
	"github.com/rcfge/rcfge/schemas"
)

// s3Props (the first approved case of schemas/tests/AWS-S3-Bucket.yaml, plus a topic of the
// account) are approved by the shipped AWS::S3::Bucket template for account 111122223333 in
// eu-west-1, the context of faults.Request.
const s3Props = `{"BucketName":"app-data-111122223333","BucketEncryption":{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},"BucketKeyEnabled":true}]},"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true},"VersioningConfiguration":{"Status":"Enabled"},"OwnershipControls":{"Rules":[{"ObjectOwnership":"BucketOwnerEnforced"}]},"NotificationConfiguration":{"TopicConfigurations":[{"Event":"s3:ObjectCreated:*","Topic":"arn:aws:sns:eu-west-1:111122223333:my-topic"}]}}`

var benchBucket atomic.Int32

// benchHandler puts the shipped S3 template in a fresh bucket and returns the request for it and
// a constructor of handlers as the Lambda builds them (S3 store, caches empty).
func benchHandler(b *testing.B) ([]byte, func() *handler.Handler) {
	b.Helper()
	s := server(b)
	ctx := context.Background()
	bucket := fmt.Sprintf("bench-%d", benchBucket.Add(1))
	if err := s.CreateBucket(ctx, bucket); err != nil {
		b.Fatal(err)
	}
	body, err := fs.ReadFile(schemas.FS(), "AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Put(ctx, bucket, "templates/AWS-S3-Bucket.json", body); err != nil {
		b.Fatal(err)
	}
	newHandler := func() *handler.Handler {
		return handler.New(
			handler.WithEnv(handler.Env{Config: handler.Config{Endpoint: s.Endpoint}, CacheTTL: time.Hour, CacheTTLSet: true}),
			handler.WithLogger(slog.New(slog.DiscardHandler)),
			handler.WithAWSConfig(func(context.Context) (aws.Config, error) {
				return aws.Config{Region: s.Region, Credentials: credentials.NewStaticCredentialsProvider("none", "none", "")}, nil
			}),
		)
	}
	return faults.Request(bucket, s.Owner, s3Props), newHandler
}

// reportPercentiles adds p50 and p99 of the iterations' latencies to the benchmark's metrics.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	// Nearest rank: the smallest latency at least p of the iterations did not exceed.
	at := func(p float64) float64 {
		return float64(d[max(0, min(len(d)-1, int(math.Ceil(p*float64(len(d))))-1))].Microseconds())
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkHandlerLatency is request JSON in, answer out, through handler.Handle with the S3
// store on versitygw. warm: the template and compiled schema are cached (within the TTL). cold:
// a fresh handler per request, as on a Lambda cold start: S3 GET, parse, fill, compile, validate.
func BenchmarkHandlerLatency(b *testing.B) {
	raw, newHandler := benchHandler(b)
	ctx := context.Background()
	b.Run("warm", func(b *testing.B) {
		h := newHandler()
		if r := h.Handle(ctx, raw); r.HookStatus != wire.StatusSuccess {
			b.Fatalf("%+v", r)
		}
		var lat []time.Duration
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if r := h.Handle(ctx, raw); r.HookStatus != wire.StatusSuccess {
				b.Fatalf("%+v", r)
			}
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})
	b.Run("cold", func(b *testing.B) {
		var lat []time.Duration
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			h := newHandler()
			b.StartTimer()
			start := time.Now()
			if r := h.Handle(ctx, raw); r.HookStatus != wire.StatusSuccess {
				b.Fatalf("%+v", r)
			}
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})
}

// BenchmarkEvaluateParallel is warm evaluation throughput with every core busy; evals/s/core is
// the figure to size a Lambda by (run with -cpu 1,2,...).
func BenchmarkEvaluateParallel(b *testing.B) {
	e := engine.New(dirstore.New(schemas.FS()))
	props, err := schema.Decode([]byte(s3Props))
	if err != nil {
		b.Fatal(err)
	}
	in := engine.Input{TypeName: "AWS::S3::Bucket", Properties: props,
		Context: engine.Context{AccountID: "111122223333", Region: "eu-west-1", StackName: "app", LogicalResourceID: "Bucket"}}
	if r, err := e.Evaluate(context.Background(), in); err != nil || !r.Verdict.Approved() {
		b.Fatalf("%v %v", r.Verdict, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.Evaluate(context.Background(), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s/float64(runtime.GOMAXPROCS(0)), "evals/s/core")
	}
}
