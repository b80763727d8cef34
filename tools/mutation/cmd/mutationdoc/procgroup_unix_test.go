//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// What gremlins leaves running when it exits (a mutant's test binary that loops) is killed.
func TestStragglersKilled(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	res := filepath.Join(dir, "result.json")
	if err := os.WriteFile(res, []byte(`{"files":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nout=\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n" +
		"sleep 300 >/dev/null 2>&1 &\necho $! > " + pidFile + "\ncp " + res + " \"$out\"\n"
	bin := filepath.Join(dir, "gremlins")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	o := options{gremlins: bin, out: "-", equivalents: filepath.Join(dir, "eq.tsv"), stdout: &bytes.Buffer{}}
	if err := run(context.Background(), o, []string{"."}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ws syscall.WaitStatus
		// The sleep is not our child: signal 0 tells whether it still exists (a zombie counts
		// as gone once its parent, the exited script, is reaped by init).
		_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) || processGone(pid) {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("process %d that gremlins left is still running", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processGone reports a process that is dead but not yet reaped (state Z in /proc).
func processGone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z")
}
