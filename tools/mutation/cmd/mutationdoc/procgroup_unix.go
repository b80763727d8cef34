//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownGroup starts gremlins in a process group of its own, so that killGroup can end what it
// leaves behind.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup ends every process still in gremlins' group once gremlins has exited: a mutant that
// loops forever can outlive the go test gremlins timed out (one held a core for 47 minutes of a
// run, skewing every test time after it and the benchmarks run beside it).
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
