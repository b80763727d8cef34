package main

import (
	"os"
	"syscall"
)

// rusage returns a finished process's peak resident memory in MB.
func rusage(ps *os.ProcessState) (float64, bool) {
	u, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return float64(u.Maxrss) / 1024, true // Linux reports kilobytes
}
