package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// DefaultGNUTime is GNU time (Debian package "time").
const DefaultGNUTime = "/usr/bin/time"

// A child's peak RSS cannot come from this process's wait4: on Linux, exec records the high-water
// RSS of the memory map it replaces into the new program's maxrss, and Go starts children with
// vfork semantics (CLONE_VM), so the replaced map is perfreport's own, with its large heap. GNU
// time is small and forks before exec, so the %M it reports is the program's own peak (or GNU
// time's ~2 MB, if ever larger): the same figure as VmHWM in /proc/PID/status at the program's end.

// peakRSSCmd returns cmd wrapped in GNU time, which writes the program's peak RSS to file. The
// wrapped command keeps cmd's environment, directory and streams.
func peakRSSCmd(ctx context.Context, gnuTime, file string, cmd *exec.Cmd) *exec.Cmd {
	w := exec.CommandContext(ctx, gnuTime, append([]string{"-f", "%M", "-o", file, cmd.Path}, cmd.Args[1:]...)...)
	w.Env, w.Dir, w.Stdin, w.Stdout, w.Stderr = cmd.Env, cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr
	return w
}

// checkGNUTime says how to install GNU time when it is missing.
func checkGNUTime(gnuTime string) error {
	if _, err := exec.LookPath(gnuTime); err != nil {
		return fmt.Errorf("GNU time measures peak RSS and is missing (apt-get install time): %w", err)
	}
	return nil
}

// parsePeakRSS reads GNU time's -f %M output: the peak RSS in kilobytes on the last line, after
// a "Command exited with non-zero status N" line when the program failed.
func parsePeakRSS(out []byte) (kb int64, err error) {
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	last := string(bytes.TrimSpace(lines[len(lines)-1]))
	if last == "" {
		return 0, errors.New("GNU time wrote no peak RSS")
	}
	kb, err = strconv.ParseInt(last, 10, 64)
	if err != nil || kb <= 0 {
		return 0, fmt.Errorf("GNU time wrote %q, want the peak RSS in KB", last)
	}
	return kb, nil
}

// runPeakRSS runs cmd under GNU time and returns its stdout, whole-process CPU seconds (user +
// system, GNU time's own sub-millisecond share included) and peak RSS in MB.
func runPeakRSS(ctx context.Context, gnuTime string, cmd *exec.Cmd) (out []byte, cpu, rssMB float64, err error) {
	dir, err := os.MkdirTemp("", "perfreport-rss-")
	if err != nil {
		return nil, 0, 0, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "rss")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	w := peakRSSCmd(ctx, gnuTime, file, cmd)
	runErr := w.Run()
	if w.ProcessState == nil {
		return nil, 0, 0, fmt.Errorf("start %s: %w", gnuTime, runErr)
	}
	cmd.ProcessState = w.ProcessState
	cpu = (w.ProcessState.UserTime() + w.ProcessState.SystemTime()).Seconds()
	if runErr != nil && stderr.Len() > 0 {
		runErr = fmt.Errorf("%w: %s", runErr, bytes.TrimSpace(stderr.Bytes()))
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return stdout.Bytes(), cpu, 0, errors.Join(runErr, fmt.Errorf("peak RSS: %w", err))
	}
	kb, err := parsePeakRSS(b)
	if err != nil {
		return stdout.Bytes(), cpu, 0, errors.Join(runErr, err)
	}
	return stdout.Bytes(), cpu, float64(kb) / 1024, runErr
}
