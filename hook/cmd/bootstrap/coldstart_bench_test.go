package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/hook/wire"
)

var benchBuckets atomic.Int32

// BenchmarkStartToFirstVerdict is what a cold Lambda costs its first request: process start, the
// runtime loop's first event (the S3 example, examples/hook-requests), the shipped S3 template read
// from S3 (versitygw on 127.0.0.1, compact as make publish uploads it), placeholders filled,
// compiled, validated, and the answer posted. p50-ms and p90-ms are exec until the answer arrives,
// wall time; ready-p50-ms is exec until the first request for work, in the same starts.
func BenchmarkStartToFirstVerdict(b *testing.B) {
	if srv == nil {
		b.Skip(s3test.SkipReason)
	}
	ctx := b.Context()
	bucket := fmt.Sprintf("rcfge-bench-%d", benchBuckets.Add(1))
	const prefix = "templates"
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		b.Fatal(err)
	}
	body, err := os.ReadFile("../../../schemas/AWS-S3-Bucket.json")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := schema.Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(schema.Compact(doc)); err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Put(ctx, bucket, prefix+"/AWS-S3-Bucket.json", compact.Bytes()); err != nil {
		b.Fatal(err)
	}
	ev, err := os.ReadFile("../../../examples/hook-requests/lambda-s3-bucket-own-topic.json")
	if err != nil {
		b.Fatal(err)
	}
	env := []string{
		"RCFGE_TEMPLATES_BUCKET=" + bucket, "RCFGE_TEMPLATES_PREFIX=" + prefix, "RCFGE_S3_ENDPOINT=" + srv.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s3test.RootAccess, "AWS_SECRET_ACCESS_KEY=" + s3test.RootSecret,
	}
	var answers, readies []time.Duration
	for b.Loop() {
		api := newRuntimeAPI(b, []event{{id: "first", body: ev}})
		t0 := time.Now()
		stop := start(b, api, env)
		var ready time.Duration
		select {
		case <-api.firstNext:
			ready = time.Since(t0)
		case <-time.After(10 * time.Second):
			b.Fatal("the runtime loop never asked for an event")
		}
		select {
		case <-api.answer:
		case <-time.After(10 * time.Second):
			b.Fatalf("no answer to the first event: %s", stop())
		}
		answers, readies = append(answers, time.Since(t0)), append(readies, ready)
		b.StopTimer()
		logs := stop()
		api.mu.Lock()
		got := api.responses["first"]
		api.mu.Unlock()
		var resp wire.Response
		if err := json.Unmarshal(got, &resp); err != nil || resp.HookStatus != wire.StatusSuccess {
			b.Fatalf("first answer %s (%v), want SUCCESS; logs:\n%s", got, err, logs)
		}
		api.Close()
		b.StartTimer()
	}
	b.ReportMetric(msAt(answers, 0.5), "p50-ms")
	b.ReportMetric(msAt(answers, 0.9), "p90-ms")
	b.ReportMetric(msAt(readies, 0.5), "ready-p50-ms")
}

// msAt is the p-quantile of d in milliseconds.
func msAt(d []time.Duration, p float64) float64 {
	s := slices.Sorted(slices.Values(d))
	return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
}
