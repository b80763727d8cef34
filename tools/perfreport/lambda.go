package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// LambdaFigures are the size and start-up of the hook's Lambda binary.
type LambdaFigures struct {
	// Sizes maps GOARCH to the stripped linux binary's bytes; ZipSizes to its deployment zip.
	Sizes    map[string]int64
	ZipSizes map[string]int64
	// Ready are start-to-ready times of the host build: exec until the first request for work
	// from the Runtime API. FirstAnswer is exec until the first answer is posted.
	Ready       []time.Duration
	FirstAnswer []time.Duration
	// ReadyCPU is the CPU time the process used until ready, all threads (Linux schedstat): on a
	// loaded machine wall time mostly measures the wait for a core, this does not.
	ReadyCPU []time.Duration
	// Floor are exec-to-exit times of an empty Go program built the same way: what any Go
	// binary costs to start on this machine, below which start-to-ready cannot go.
	Floor []time.Duration
	// RuntimeReady are start-to-ready times of the smallest aws-lambda-go function (an echo
	// handler, ./tools/perfreport/lambdafloor) built the same way, started in turn with the hook:
	// the floor the runtime library sets.
	RuntimeReady []time.Duration
}

// buildLambda builds ./hook/cmd/bootstrap as the Lambda is built (static, stripped, no RPC mode).
func buildLambda(ctx context.Context, dir, out, goarch string) error {
	return buildFunction(ctx, dir, out, goarch, "./hook/cmd/bootstrap")
}

// buildFunction builds the Lambda function pkg as the hook is built.
func buildFunction(ctx context.Context, dir, out, goarch, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-tags=lambda.norpc", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s for %s: %w: %s", pkg, goarch, err, b)
	}
	return nil
}

// zipSize is the size of a deployment zip holding the binary as "bootstrap".
func zipSize(bin string) (int64, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(data); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(buf.Len()), nil
}

// measureLambda builds both architectures and starts the host build runs times; a non-empty bin
// is started instead of the host build (to compare two builds), and nothing is built.
func measureLambda(ctx context.Context, dir, bin string, runs int) (LambdaFigures, error) {
	tmp, err := os.MkdirTemp("", "perfreport-lambda-")
	if err != nil {
		return LambdaFigures{}, err
	}
	defer os.RemoveAll(tmp)
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		return LambdaFigures{}, fmt.Errorf("start-to-ready needs a linux/amd64 or linux/arm64 host, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	floor := filepath.Join(tmp, "lambdafloor")
	if err := buildFunction(ctx, dir, floor, runtime.GOARCH, "./tools/perfreport/lambdafloor"); err != nil {
		return LambdaFigures{}, err
	}
	if bin != "" {
		return timeStarts(ctx, LambdaFigures{}, bin, floor, runs)
	}
	f := LambdaFigures{Sizes: map[string]int64{}, ZipSizes: map[string]int64{}}
	for _, arch := range []string{"arm64", "amd64"} {
		bin := filepath.Join(tmp, "bootstrap-"+arch)
		if err := buildLambda(ctx, dir, bin, arch); err != nil {
			return f, err
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return f, err
		}
		f.Sizes[arch] = fi.Size()
		if f.ZipSizes[arch], err = zipSize(bin); err != nil {
			return f, fmt.Errorf("zip %s: %w", bin, err)
		}
	}
	f, err = timeStarts(ctx, f, filepath.Join(tmp, "bootstrap-"+runtime.GOARCH), floor, runs)
	if err != nil {
		return f, err
	}
	if f.Floor, err = timeFloor(ctx, tmp, runs); err != nil {
		return f, fmt.Errorf("empty Go program: %w", err)
	}
	return f, nil
}

// timeFloor builds an empty Go program as the bootstrap is built (static, stripped) and times
// runs starts of it, exec to exit.
func timeFloor(ctx context.Context, tmp string, runs int) ([]time.Duration, error) {
	dir := filepath.Join(tmp, "empty")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for name, text := range map[string]string{"go.mod": "module empty\n", "main.go": "package main\n\nfunc main() {}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(dir, "empty")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if b, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build: %w: %s", err, b)
	}
	var d []time.Duration
	for range runs {
		start := time.Now()
		if err := exec.CommandContext(ctx, bin).Run(); err != nil {
			return nil, err
		}
		d = append(d, time.Since(start))
	}
	return d, nil
}

// timeStarts starts bin runs times and adds the start-up figures to f, each start followed by one
// of the runtime floor (so that both see the same machine).
func timeStarts(ctx context.Context, f LambdaFigures, bin, floor string, runs int) (LambdaFigures, error) {
	for range runs {
		ready, answer, cpu, err := startToReady(ctx, bin, 10*time.Second)
		if err != nil {
			return f, err
		}
		f.Ready = append(f.Ready, ready)
		f.ReadyCPU = append(f.ReadyCPU, cpu)
		f.FirstAnswer = append(f.FirstAnswer, answer)
		floorReady, _, _, err := startToReady(ctx, floor, 10*time.Second)
		if err != nil {
			return f, fmt.Errorf("the smallest aws-lambda-go function: %w", err)
		}
		f.RuntimeReady = append(f.RuntimeReady, floorReady)
	}
	return f, nil
}

// firstEvent is answered without S3 (unknown invocation point), so the time to its answer is the
// runtime's own start-up plus one decode, not a network round trip.
const firstEvent = `{"clientRequestToken":"perf","actionInvocationPoint":"CREATE_POST_PROVISION","requestData":{"targetName":"AWS::S3::Bucket"}}`

// startToReady runs bin against a local fake of the Lambda Runtime API and times its first request
// for work and its first answer, and measures the CPU it used until that first request.
func startToReady(ctx context.Context, bin string, limit time.Duration) (ready, answer, readyCPU time.Duration, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, 0, err
	}
	readyAt, answerAt := make(chan time.Time, 1), make(chan time.Time, 1)
	// started hands the process ID to the handler: the process may ask for work before Start
	// returns.
	started, cpuAt := make(chan int, 1), make(chan time.Duration, 1)
	var served atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if served.Swap(true) {
			// Later polls wait for work that never comes, as on an idle Lambda.
			<-r.Context().Done()
			return
		}
		readyAt <- now
		// The process waits for this answer, so its CPU time stays put while it is read.
		select {
		case pid := <-started:
			cpu, err := processCPU(pid)
			if err != nil {
				fmt.Fprintf(os.Stderr, "perfreport: CPU to ready: %v\n", err)
			}
			cpuAt <- cpu
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "perf-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111122223333:function:rcfge")
		io.WriteString(w, firstEvent)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		answerAt <- time.Now()
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		answerAt <- time.Time{}
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(os.Stderr, "perfreport: bootstrap reported a function error: %s\n", b)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "AWS_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=rcfge", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"RCFGE_TEMPLATES_BUCKET=rcfge-templates", "RCFGE_TEMPLATES_PREFIX=templates",
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, fmt.Errorf("start %s: %w", bin, err)
	}
	started <- cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// stop kills the process and waits for it, and for its output to be copied, before the logs
	// are read.
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cmd.Process.Kill()
		return <-exited
	}
	defer stop()
	timeout := time.After(limit)
	for _, step := range []struct {
		ch  chan time.Time
		dst *time.Duration
	}{{readyAt, &ready}, {answerAt, &answer}} {
		select {
		case t := <-step.ch:
			if t.IsZero() {
				return 0, 0, 0, errors.New("bootstrap answered its first event with a function error")
			}
			*step.dst = t.Sub(start)
		case err := <-exited:
			stopped = true
			return 0, 0, 0, fmt.Errorf("bootstrap exited before answering: %v: %s", err, strings.TrimSpace(logs.String()))
		case <-timeout:
			stop()
			return 0, 0, 0, fmt.Errorf("bootstrap did not answer within %s: %s", limit, strings.TrimSpace(logs.String()))
		}
	}
	// The handler sent the CPU time before it answered, and the first answer came after that.
	return ready, answer, <-cpuAt, nil
}

// processCPU is the CPU time every thread of process pid has used so far: the first field of
// /proc/PID/task/TID/schedstat, in nanoseconds.
func processCPU(pid int) (time.Duration, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // a thread that ended meanwhile
		}
		ns, err := parseSchedstat(b)
		if err != nil {
			return 0, err
		}
		total += ns
	}
	return total, nil
}

// parseSchedstat reads the time on CPU (ns) from a schedstat line: "oncpu waiting timeslices".
func parseSchedstat(b []byte) (time.Duration, error) {
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return 0, fmt.Errorf("schedstat %q: want three fields", b)
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("schedstat %q: %w", b, err)
	}
	return time.Duration(ns), nil
}

// percentile returns the p-th percentile (0..1) of d by nearest rank.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[max(0, min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1))]
}
