package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParsePeakRSS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     int64
		wantErr  string
	}{
		{"plain", "35976\n", 35976, ""},
		{"after a failed program's status", "Command exited with non-zero status 1\n37132\n", 37132, ""},
		{"after a signal", "Command terminated by signal 9\n2048\n", 2048, ""},
		{"empty", "", 0, "no peak RSS"},
		{"not a number", "Command exited with non-zero status 1\n", 0, "want the peak RSS"},
		{"zero", "0\n", 0, "want the peak RSS"},
	}
	for _, tt := range tests {
		got, err := parsePeakRSS([]byte(tt.in))
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: parsePeakRSS(%q) = %d, %v; want %d, %q", tt.name, tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseOnly(t *testing.T) {
	t.Parallel()
	m, err := parseOnly("lambda,replay")
	if err != nil || !m["lambda"] || !m["replay"] || len(m) != 2 {
		t.Fatalf("parseOnly = %v, %v", m, err)
	}
	if o := (options{only: m}); o.want("bench") || !o.want("lambda") {
		t.Error("want() ignores -only")
	}
	if !(options{}).want("bench") {
		t.Error("without -only, every measurement runs")
	}
	if _, err := parseOnly("lambda,startup"); err == nil || !strings.Contains(err.Error(), `"startup"`) {
		t.Errorf("unknown name: err = %v", err)
	}
}

// rssChildEnv makes the test binary a child that touches the given MB, prints its own VmHWM in
// KB and exits with status 1 (as a replay with findings does).
const rssChildEnv = "PERFREPORT_RSS_CHILD_MB"

func TestPeakRSSHelperChild(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv(rssChildEnv))
	if mb == 0 {
		t.Skip("the child process of TestPeakRSSIsTheChildsOwn")
	}
	buf := make([]byte, mb<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	runtime.KeepAlive(buf)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println("VmHWM", strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	os.Exit(1)
}

// TestPeakRSSIsTheChildsOwn checks the measurement against the kernel's own figure: a child that
// touches 24 MB, started while this process holds a much larger heap, must be measured at its
// VmHWM (read by the child just before it exits), not at this process's high-water mark, which
// ru_maxrss of a child started by os/exec reports.
func TestPeakRSSIsTheChildsOwn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM and the exec artefact are Linux's")
	}
	if err := checkGNUTime(DefaultGNUTime); err != nil {
		t.Skip(err)
	}
	ballast := make([]byte, 160<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSHelperChild$")
	cmd.Env = append(os.Environ(), rssChildEnv+"=24")
	out, _, rss, err := runPeakRSS(context.Background(), DefaultGNUTime, cmd)
	runtime.KeepAlive(ballast)
	if cmd.ProcessState.ExitCode() != 1 || rss == 0 {
		t.Fatalf("child: exit %d, rss %.1f MB, err %v: %s", cmd.ProcessState.ExitCode(), rss, err, out)
	}
	var hwm float64
	for line := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM "); ok {
			kb, _ := strconv.Atoi(v)
			hwm = float64(kb) / 1024
		}
	}
	if hwm < 24 {
		t.Fatalf("child's VmHWM %.1f MB, want at least the 24 MB it touched: %s", hwm, out)
	}
	// The kernel batches RSS counters per thread (up to 64 pages each) and the child touches a
	// few pages after reading VmHWM: the two agree within a megabyte.
	if math.Abs(rss-hwm) > 1 {
		t.Errorf("peak RSS %.1f MB, child's own VmHWM %.1f MB (this process holds 160 MB)", rss, hwm)
	}
	// The artefact the measurement avoids, for the record.
	direct := exec.Command(os.Args[0], "-test.run=^TestPeakRSSHelperChild$")
	direct.Env = cmd.Env
	_ = direct.Run()
	if u, ok := direct.ProcessState.SysUsage().(*syscall.Rusage); ok {
		t.Logf("GNU time: %.1f MB; child's VmHWM: %.1f MB; ru_maxrss seen by os/exec: %.1f MB", rss, hwm, float64(u.Maxrss)/1024)
	}
}

func TestParseSchedstat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"4823510 112004 12\n", 4823510, false},
		{"0 0 0", 0, false},
		{"4823510 112004\n", 0, true},
		{"x 1 2\n", 0, true},
	}
	for _, tt := range tests {
		got, err := parseSchedstat([]byte(tt.in))
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseSchedstat(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestStartToReady starts a fake bootstrap that asks for work and answers, and checks that every
// figure is measured.
func TestStartToReady(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs Linux /proc")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("the fake bootstrap is a shell script using curl")
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	script := "#!/bin/sh\nbase=http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation\n" +
		curl + " -sf $base/next >/dev/null && exec " + curl + " -sf -d '{}' $base/perf-1/response\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ready, answer, cpu, err := startToReady(context.Background(), bin, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ready <= 0 || answer < ready || cpu <= 0 {
		t.Errorf("ready %v, answer %v, CPU until ready %v", ready, answer, cpu)
	}
}
