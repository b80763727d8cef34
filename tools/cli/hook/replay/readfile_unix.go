//go:build unix && !linux

package replay

import (
	"io/fs"
	"slices"
	"syscall"
)

// readFile is os.ReadFile without the runtime's poller: os.Open registers each file with epoll
// and switches O_NONBLOCK on and off around it, eleven system calls for a small file, which on a
// replay of thousands of request files was a fifth of the process's system time. A regular file
// never waits in the poller's sense; plain system calls read it in four (open, read, the read that
// finds the end, close). sizeHint (from the stat before the replay) sizes the buffer.
func readFile(name string, sizeHint int64) ([]byte, error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	// One byte over the hint, so a file of the hinted size ends with one read and the read of 0.
	buf := make([]byte, 0, max(sizeHint, 0)+1)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), 512))
		}
		n, err := ignoringEINTR(func() (int, error) { return syscall.Read(fd, buf[len(buf):cap(buf)]) })
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// ignoringEINTR retries a system call that a signal interrupted (the runtime's preemption signal
// may arrive during one), as package os does.
func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
