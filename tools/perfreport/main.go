// Command perfreport measures rcfge and writes docs/performance.md: it runs the Go benchmarks of
// the hook and the tools, builds the Lambda binary and times its start, compiles every generated
// template to weigh them, and races the validator against a Python peer (python3-jsonschema) on
// the same schemas and instances. `make bench` runs it; anyone can rerun it.
//
//	go run ./tools/perfreport [-out docs/performance.md] [-data ../shared/data] [-python /usr/bin/python3]
//	go run ./tools/perfreport -only lambda,replay -out /tmp/perf.md   # some measurements only
//	go run ./tools/perfreport -only lambda -lambda-bin ./bootstrap     # time a given build's start
//
// Peak RSS is measured by GNU time (Debian package time), see peakrss.go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Report is everything the document shows.
type Report struct {
	Date    time.Time
	Go      string
	CPU     string
	Cores   int
	Benches []Bench
	Lambda  *LambdaFigures
	Memory  *MemoryFigures
	Peer    *PeerFigures
	Replay  *ReplayFigures
	// Problems are measurements that failed or were skipped, with why; the document lists them.
	Problems []string
}

type options struct {
	out, data, python string
	peerTime          time.Duration
	startRuns         int
	replayRuns        int
	skipBench         bool
	replaySet         string
	gnuTime           string
	lambdaBin         string
	// only, when not empty, names the measurements to run (see measurements).
	only map[string]bool
}

// measurements are the names -only accepts.
var measurements = []string{"memory", "lambda", "peer", "replay", "bench"}

// want reports whether the measurement name runs.
func (o options) want(name string) bool { return len(o.only) == 0 || o.only[name] }

// parseOnly reads -only's comma-separated list of measurements.
func parseOnly(s string) (map[string]bool, error) {
	if s == "" {
		return nil, nil
	}
	m := map[string]bool{}
	for name := range strings.SplitSeq(s, ",") {
		if !slices.Contains(measurements, name) {
			return nil, fmt.Errorf("-only %q: %q is not one of %s", s, name, strings.Join(measurements, ", "))
		}
		m[name] = true
	}
	return m, nil
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "docs/performance.md", "file to write the report to")
	flag.StringVar(&o.data, "data", "", "shared real data folder (default $RCFGE_DATA, else ../shared/data beside the repository)")
	flag.StringVar(&o.python, "python", "/usr/bin/python3", "Python with Debian's python3-jsonschema")
	flag.DurationVar(&o.peerTime, "peer-time", 3*time.Second, "how long each side of the Python comparison validates")
	flag.IntVar(&o.startRuns, "starts", 20, "Lambda cold starts to time")
	flag.IntVar(&o.replayRuns, "replay-runs", 9, "paired runs of `rcfge hook replay` and the Python peer on the real templates")
	flag.BoolVar(&o.skipBench, "skip-bench", false, "skip the Go benchmarks (for a quick look at the other figures)")
	flag.StringVar(&o.replaySet, "replay-set", "", "only write the replay set (templates/ and requests/) to `DIR`, for profiling `rcfge hook replay` by hand")
	flag.StringVar(&o.gnuTime, "time", DefaultGNUTime, "GNU time, which measures the replay's peak RSS (Debian package time)")
	flag.StringVar(&o.lambdaBin, "lambda-bin", "", "time the start of this bootstrap `FILE` instead of building one (sizes are then not measured)")
	only := flag.String("only", "", "run only these measurements, comma-separated: "+strings.Join(measurements, ", ")+" (the report lists the others as skipped)")
	flag.Parse()
	var err error
	if o.only, err = parseOnly(*only); err != nil {
		fmt.Fprintln(os.Stderr, "perfreport:", err)
		os.Exit(2)
	}
	if o.replaySet != "" {
		if err := writeReplaySet(o); err != nil {
			fmt.Fprintln(os.Stderr, "perfreport:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "perfreport:", err)
		os.Exit(1)
	}
}

// run measures, writes the report, and fails when a measurement failed (after writing, so the
// document says which).
func run(ctx context.Context, o options, progress io.Writer) error {
	root, err := repoRoot(ctx)
	if err != nil {
		return err
	}
	data := dataDir(o, root)
	r := &Report{Date: time.Now().UTC(), Go: runtime.Version(), CPU: cpuModel(), Cores: runtime.NumCPU()}
	problem := func(what string, err error) {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: %v", what, err))
		fmt.Fprintf(progress, "perfreport: %s: %v\n", what, err)
	}
	// Memory first, while this process's heap holds nothing else.
	schemasDir := filepath.Join(data, "cfn-schemas", "us-east-1")
	realDir := filepath.Join(data, "real-templates")
	steps := []struct {
		name, progress string
		run            func()
	}{
		{"memory", "generating and compiling every template", func() {
			if _, err := os.Stat(schemasDir); err != nil {
				problem("memory with all generated templates compiled (real data absent; set RCFGE_DATA)", err)
			} else if m, err := measureMemory(ctx, schemasDir); err != nil {
				problem("memory with all generated templates compiled", err)
			} else {
				r.Memory = &m
			}
		}},
		{"lambda", "building the Lambda and timing its start", func() {
			l, err := measureLambda(ctx, root, o.lambdaBin, o.startRuns)
			if err != nil {
				problem("Lambda binary", err)
			}
			if err == nil || len(l.Sizes) > 0 {
				r.Lambda = &l
			}
		}},
		{"peer", "Python peer comparison", func() {
			peerDir := schemasDir
			if _, err := os.Stat(peerDir); err != nil {
				peerDir = ""
			}
			if p, err := comparePeer(ctx, o.python, peerDir, o.peerTime); err != nil {
				problem("Python peer", err)
			} else {
				r.Peer = &p
			}
		}},
		{"replay", "replay of the real templates, rcfge vs the Python peer", func() {
			if _, err := os.Stat(realDir); err != nil {
				problem("replay (real data absent; set RCFGE_DATA)", err)
			} else if rp, err := runReplay(ctx, root, o.python, o.gnuTime, realDir, schemasDir, max(1, o.replayRuns)); err != nil {
				problem("replay", err)
			} else {
				r.Replay = &rp
				if len(rp.Disagree) > 0 {
					problem("replay", fmt.Errorf("%d request(s) with different verdicts", len(rp.Disagree)))
				}
			}
		}},
		{"bench", "", func() {
			if o.skipBench {
				problem("Go benchmarks", errors.New("skipped (-skip-bench)"))
				return
			}
			for _, s := range benches {
				fmt.Fprintf(progress, "perfreport: go test -bench %s %s\n", s.Pattern, s.Pkg)
				bs, err := runBench(ctx, root, s)
				r.Benches = append(r.Benches, bs...)
				if err != nil {
					problem("benchmarks of "+s.Pkg, err)
				}
			}
		}},
	}
	for _, st := range steps {
		if !o.want(st.name) {
			problem(st.name, errors.New("skipped (-only)"))
			continue
		}
		if st.progress != "" {
			fmt.Fprintln(progress, "perfreport: "+st.progress)
		}
		st.run()
	}

	out := o.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if err := os.WriteFile(out, []byte(markdown(r)), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(progress, "perfreport: wrote %s\n", out)
	if len(r.Problems) > 0 {
		return fmt.Errorf("%d measurement(s) missing, listed in %s", len(r.Problems), out)
	}
	return nil
}

// repoRoot is the module root, so the program runs the same from any directory of the repository.
// dataDir is the shared real data folder: -data, else $RCFGE_DATA, else ../shared/data.
func dataDir(o options, root string) string {
	if o.data != "" {
		return o.data
	}
	if d := os.Getenv("RCFGE_DATA"); d != "" {
		return d
	}
	return filepath.Join(root, "..", "shared", "data")
}

func repoRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the rcfge module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
