package handler_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/wire"
)

// BenchmarkHandle6MB measures time and peak heap for a request of Lambda's full 6 MB payload,
// within the request limits: 24,000 lifecycle rules (approved), or 88,000 unapproved properties
// (one violation each). The peak heap is sampled every millisecond.
func BenchmarkHandle6MB(b *testing.B) {
	rules := make([]any, 24_000)
	for i := range rules {
		rules[i] = map[string]any{"Id": fmt.Sprintf("rule-%06d-%s", i, strings.Repeat("x", 190)), "Status": "Enabled", "ExpirationInDays": 30}
	}
	approved, _ := json.Marshal(map[string]any{"BucketName": "app-logs-111122223333", "LifecycleConfiguration": map[string]any{"Rules": rules}})
	many := make(map[string]any, 88_000)
	for i := range 88_000 {
		many[fmt.Sprintf("Unapproved%06d%s", i, strings.Repeat("y", 40))] = "z"
	}
	unapproved, _ := json.Marshal(many)
	for _, c := range []struct {
		name       string
		props      []byte
		wantStatus wire.Status
	}{{"approved", approved, wire.StatusSuccess}, {"unapproved", unapproved, wire.StatusFailed}} {
		b.Run(c.name, func(b *testing.B) {
			raw := req{props: string(c.props)}.JSON()
			if len(raw) < 5<<20 || len(raw) > wire.DefaultLimits.MaxBytes {
				b.Fatalf("request of %d bytes, want about 6 MB", len(raw))
			}
			h := newHandler(b, nil)
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			wg.Go(func() {
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
					}
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			})
			b.SetBytes(int64(len(raw)))
			b.ResetTimer()
			for b.Loop() {
				if got := h.Handle(b.Context(), raw); got.HookStatus != c.wantStatus {
					b.Fatalf("got %s/%s %q", got.HookStatus, got.ErrorCode, wire.Truncate(got.Message, 300))
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(base.HeapInuse)/(1<<20), "base-heap-MiB")
		})
	}
}
