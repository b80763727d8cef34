package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/golden"
)

func fixtureBenches(t *testing.T) []Bench {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bs, err := parseBench(f)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func TestParseBench(t *testing.T) {
	t.Parallel()
	bs := fixtureBenches(t)
	if len(bs) != 5 {
		t.Fatalf("parsed %d benchmarks, want 5: %+v", len(bs), bs)
	}
	want := Bench{Pkg: "github.com/rcfge/rcfge/hook/faults", Name: "BenchmarkHandlerLatency/warm", N: 300,
		Metrics: map[string]float64{"ns/op": 127079, "p50-µs": 94, "p99-µs": 861, "B/op": 30066, "allocs/op": 408}}
	if diff := cmp.Diff(want, bs[0]); diff != "" {
		t.Errorf("first benchmark (-want +got):\n%s", diff)
	}
	if bs[4].Pkg != "github.com/rcfge/rcfge/tools/svcref/diff" || bs[4].N != 3 {
		t.Errorf("a benchmark after a log line: %+v", bs[4])
	}
}

func TestParseBenchErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
	}{
		{"value is not a number", "BenchmarkX \t 10\t abc ns/op\n"},
		{"line longer than the scanner allows", "Benchmark" + strings.Repeat("x", 2<<20) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseBench(strings.NewReader(tt.in)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestFailure(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, out, want string }{
		{"failed benchmark", "goos: linux\n--- FAIL: BenchmarkX\n    x_test.go:25: boom\nBenchmarkY 1 2 ns/op\nFAIL\n", "--- FAIL: BenchmarkX; x_test.go:25: boom"},
		{"build error", "# pkg\nx.go:3:2: undefined: y\nFAIL\tpkg [build failed]\n", "x.go:3:2: undefined: y"},
		{"nothing recognisable", "a\nb\nc\nd\ne\nf\n", "b; c; d; e; f"},
	}
	for _, tt := range tests {
		if got := failure(tt.out); got != tt.want {
			t.Errorf("%s: failure() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	bs := fixtureBenches(t)
	tests := []struct {
		pkg, name string
		wantN     int64
		wantOK    bool
	}{
		{"hook/faults", "BenchmarkEvaluateParallel", 10000, true},
		{"hook/faults", "BenchmarkEvaluateParallel-2", 10000, true},
		{"tools/svcref/diff", "BenchmarkDiffFullSnapshots/load+diff", 3, true},
		{"hook/engine", "BenchmarkEvaluateParallel", 0, false},
		{"hook/faults", "BenchmarkNope", 0, false},
	}
	for _, tt := range tests {
		b, ok := lookup(bs, tt.pkg, tt.name)
		if ok != tt.wantOK || b.N != tt.wantN {
			t.Errorf("lookup(%s, %s) = %d, %v; want %d, %v", tt.pkg, tt.name, b.N, ok, tt.wantN, tt.wantOK)
		}
	}
	if got := metric(bs, "hook/faults", "BenchmarkHandlerLatency/warm", "nope", 1, "%f"); got != "not measured" {
		t.Errorf("missing unit: %q", got)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	d := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 5}, {0.9, 9}, {0.99, 10}, {0, 1}} {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("percentile of nothing is not 0")
	}
	if d[0] != 5 {
		t.Error("percentile sorted its input")
	}
}

// TestMarkdown compares the document for a fixed report with testdata/TestMarkdown.golden.
func TestMarkdown(t *testing.T) {
	t.Parallel()
	r := &Report{
		Date: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), Go: "go1.26.8", CPU: "Test CPU", Cores: 2,
		Benches: fixtureBenches(t),
		Lambda: &LambdaFigures{Sizes: map[string]int64{"arm64": 8 << 20, "amd64": 9 << 20}, ZipSizes: map[string]int64{"arm64": 3 << 20, "amd64": 3 << 20},
			Ready: []time.Duration{20 * time.Millisecond, 30 * time.Millisecond}, FirstAnswer: []time.Duration{22 * time.Millisecond, 33 * time.Millisecond},
			ReadyCPU: []time.Duration{5 * time.Millisecond, 7 * time.Millisecond}, Floor: []time.Duration{1 * time.Millisecond, 2 * time.Millisecond}},
		Memory: &MemoryFigures{Templates: 1655, Compiled: 1654, Failed: []string{"AWS::X::Y: bad"}, Compile: 5 * time.Second, HeapBytes: 100 << 20},
		Peer: &PeerFigures{Python: "3.11.2", JSONSchema: "4.10.3", Schemas: 14, Instances: 280, GoRate: 4000, PyRate: 1000, Agree: 279,
			Disagree: []string{"AWS-S3-Bucket.json #3 (rcfge approved=false)"}, Skipped: map[string]string{"AWS-Logs-LogGroup.json": "error: bad escape"}},
		Replay: &ReplayFigures{Templates: 71, Types: 71, Requests: 1322, GoCPU: []float64{0.36, 0.34}, PyCPU: []float64{0.51, 0.5}, Ratio: 0.69, GoRSS: 31, PyRSS: 28.5,
			Agree: 1291, Failed: 40, Disagree: []string{"0001-1.json: rcfge FAILED, python SUCCESS"}, Skipped: []string{"0034-0.json: SKIPPED error: bad escape"}},
		Problems: []string{"benchmarks of ./tools/scpgen: exit status 1:\nFAIL"},
	}
	got := markdown(r)
	golden.AssertString(t, filepath.Join("testdata", "TestMarkdown.golden"), got)
}

func TestStartToReadyErrors(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs /bin/sh")
	}
	tests := []struct {
		name    string
		bin     string
		wantErr string
	}{
		{"exits at once", "/bin/false", "exited before answering"},
		{"never asks for work", "/bin/sleep", "did not answer within"},
		{"no such binary", filepath.Join(t.TempDir(), "missing"), "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bin := tt.bin
			if tt.name == "never asks for work" {
				// sleep without an argument exits at once; wrap it so it waits.
				bin = filepath.Join(t.TempDir(), "sleeper")
				if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec /bin/sleep 30\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			_, _, _, err := startToReady(context.Background(), bin, 300*time.Millisecond)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestZipSize(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(bin, []byte(strings.Repeat("rcfge ", 10000)), 0o755); err != nil {
		t.Fatal(err)
	}
	n, err := zipSize(bin)
	if err != nil {
		t.Fatal(err)
	}
	if n <= 0 || n >= 60000 {
		t.Errorf("zip of 60,000 repetitive bytes is %d bytes", n)
	}
	if _, err := zipSize(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("zip of a missing file: no error")
	}
}

func TestComparePeerErrors(t *testing.T) {
	t.Parallel()
	_, err := comparePeer(context.Background(), filepath.Join(t.TempDir(), "no-python"), "", time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "python3-jsonschema") {
		t.Fatalf("err = %v, want a hint at python3-jsonschema", err)
	}
}

// TestComparePeer runs a brief comparison when Debian's python3-jsonschema is installed.
func TestComparePeer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import jsonschema").Run(); err != nil {
		t.Skipf("python3-jsonschema not installed (make bench installs it): %v", err)
	}
	f, err := comparePeer(context.Background(), py, "", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if f.GoRate <= 0 || f.PyRate <= 0 || f.Schemas == 0 || f.Instances == 0 {
		t.Errorf("figures %+v", f)
	}
	if f.Agree == 0 {
		t.Errorf("no instance judged alike: %v", f.Disagree)
	}
}
