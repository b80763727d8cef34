//go:build linux

package replay

import (
	"io/fs"
	"slices"
	"syscall"
	"unsafe"
)

// readFile is os.ReadFile without the runtime's poller and scheduler hand-offs. os.Open registers
// each file with epoll and switches O_NONBLOCK on and off around it: eleven system calls for a
// small file. And a system call entered the runtime's way (syscall.Syscall) lets the scheduler
// take the P away and wake another thread when it lasts over 20 µs, which in a virtual machine a
// file system call often does: on a replay of two thousand request files both were a fifth of the
// process's system time. Reading a regular file from the page cache does not block; plain raw
// system calls read it in three (open, read, close) when the stat before the replay gave its
// size (sizeHint), four otherwise.
func readFile(name string, sizeHint int64) ([]byte, error) {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var fd uintptr
	for {
		r, _, errno := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(p)), uintptr(syscall.O_RDONLY|syscall.O_CLOEXEC), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errno}
		}
		fd = r
		break
	}
	defer syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	// One byte over the hint: a read that stops exactly at the hinted size has met the end.
	buf := make([]byte, 0, max(sizeHint, 0)+1)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), 512))
		}
		want := cap(buf) - len(buf)
		r, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(buf[len(buf):cap(buf)]))), uintptr(want))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return nil, &fs.PathError{Op: "read", Path: name, Err: errno}
		}
		n := int(r)
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if n < want && int64(len(buf)) == sizeHint {
			return buf, nil // the size the stat gave, and the read stopped short of the extra byte
		}
	}
}

// atFDCWD is AT_FDCWD (-100): a relative name is resolved from the working directory. A variable,
// as a negative constant does not convert to uintptr.
var atFDCWD = -0x64
