package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// benchSpec is one `go test -bench` run.
type benchSpec struct {
	Pkg     string
	Pattern string
	Args    []string
}

// Bench is one benchmark line of `go test -bench` output.
type Bench struct {
	Pkg  string
	Name string
	N    int64
	// Metrics maps a unit (ns/op, B/op, allocs/op, p50-µs, ...) to its value.
	Metrics map[string]float64
}

// benches are the benchmarks the report quotes. Heavy ones run a fixed, small number of times.
var benches = []benchSpec{
	{Pkg: "./hook/faults", Pattern: "^BenchmarkHandlerLatency$", Args: []string{"-benchtime=300x", "-cpu=1"}},
	{Pkg: "./hook/faults", Pattern: "^BenchmarkEvaluateParallel$", Args: []string{"-cpu=1,2"}},
	{Pkg: "./hook/engine", Pattern: ".", Args: []string{"-cpu=1"}},
	{Pkg: "./hook/schema", Pattern: ".", Args: []string{"-cpu=1"}},
	{Pkg: "./hook/placeholder", Pattern: ".", Args: []string{"-cpu=1"}},
	{Pkg: "./hook/handler", Pattern: ".", Args: []string{"-cpu=1"}},
	{Pkg: "./hook/cmd/bootstrap", Pattern: "^BenchmarkStartToFirstVerdict$", Args: []string{"-benchtime=20x"}},
	{Pkg: "./tools/cfntemplate", Pattern: ".", Args: []string{"-cpu=1"}},
	{Pkg: "./tools/schemagen", Pattern: "^BenchmarkGenerateAll$", Args: []string{"-benchtime=1x"}},
	{Pkg: "./tools/scpgen", Pattern: ".", Args: []string{"-benchtime=3x"}},
	{Pkg: "./tools/svcref/diff", Pattern: ".", Args: []string{"-benchtime=3x"}},
	{Pkg: "./tools/drift", Pattern: ".", Args: []string{"-benchtime=3x"}},
}

// runBench runs one spec in dir and parses what it printed. A failing run still returns the
// benchmarks that completed, with an error carrying the tail of the output.
func runBench(ctx context.Context, dir string, s benchSpec) ([]Bench, error) {
	args := append([]string{"test", "-run=^$", "-bench=" + s.Pattern, "-benchmem", "-count=1"}, s.Args...)
	cmd := exec.CommandContext(ctx, "go", append(args, s.Pkg)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	bs, err := parseBench(bytes.NewReader(out.Bytes()))
	if err != nil {
		return bs, fmt.Errorf("go test -bench %s %s: %w", s.Pattern, s.Pkg, err)
	}
	if runErr != nil {
		return bs, fmt.Errorf("go test -bench %s %s: %w: %s", s.Pattern, s.Pkg, runErr, failure(out.String()))
	}
	return bs, nil
}

// failure picks what says why a run failed: the failing benchmarks with their messages, a panic,
// or a build error; else the last lines.
func failure(out string) string {
	var keep []string
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- FAIL") || strings.HasPrefix(t, "panic:") || failLine.MatchString(t) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		keep = lines[max(0, len(lines)-5):]
	}
	return strings.Join(keep[:min(len(keep), 8)], "; ")
}

// failLine is a test's log line (file_test.go:12: ...) or a compiler error (file.go:12:3: ...).
var failLine = regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: `)

// parseBench reads `go test -bench` output: "pkg:" lines set the package of the benchmark lines
// that follow; every other line is ignored.
func parseBench(r io.Reader) ([]Bench, error) {
	var out []Bench
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			// A benchmark name alone on its line is followed by its log output, not figures.
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		b := Bench{Pkg: pkg, Name: f[0], N: n, Metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return out, fmt.Errorf("benchmark line %q: value %q: %w", line, f[i], err)
			}
			b.Metrics[f[i+1]] = v
		}
		out = append(out, b)
	}
	return out, sc.Err()
}

// find returns the benchmark of pkg (a suffix of the import path) and name, if it ran.
func find(bs []Bench, pkg, name string) (Bench, bool) {
	for _, b := range bs {
		if strings.HasSuffix(b.Pkg, pkg) && b.Name == name {
			return b, true
		}
	}
	return Bench{}, false
}
