package replay

import (
	"io/fs"
	"path/filepath"
	"slices"
	"syscall"
	"unsafe"
)

// requestReader reads request files with raw system calls, relative to their folder. In a
// virtual machine where each kernel entry is dear, what os.ReadFile pays per file was most of a
// replay's system time:
//   - os.Open registers the file with the runtime's poller and switches O_NONBLOCK on and off
//     around it: eleven system calls for a small file;
//   - a system call entered the runtime's way lets the scheduler hand the P to another thread
//     when it lasts over 20 µs, which a file system call here often does;
//   - each open walks the whole path.
//
// A regular file read from the page cache does not block. This reader opens the folder once and
// each file relative to it: four system calls (open, read, the read that meets the end, close),
// a one-name path walk, no hand-off.
//
// What read returns is valid until the next read, which reuses the memory: Handle keeps nothing
// of the request it is given.
type requestReader struct {
	dir     string // the folder dirfd is open on ("" for none)
	dirfd   int
	scratch []byte
}

func (r *requestReader) read(name string) ([]byte, error) {
	dir, base := filepath.Split(name)
	at := atFDCWD
	if dir != "" && base != "" {
		if dir != r.dir {
			r.close()
			if fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0); err == nil {
				r.dir, r.dirfd = dir, fd
			}
		}
		if r.dir == dir {
			at = r.dirfd
		}
	}
	rel := name
	if at != atFDCWD {
		rel = base
	}
	p, err := syscall.BytePtrFromString(rel)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var fd uintptr
	for {
		var errno syscall.Errno
		fd, _, errno = syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(at), uintptr(unsafe.Pointer(p)), uintptr(syscall.O_RDONLY|syscall.O_CLOEXEC), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errno}
		}
		break
	}
	defer syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	if cap(r.scratch) == 0 {
		r.scratch = make([]byte, 0, 16<<10)
	}
	buf := r.scratch[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		free := buf[len(buf):cap(buf)]
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(free))), uintptr(len(free)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return nil, &fs.PathError{Op: "read", Path: name, Err: errno}
		}
		if n == 0 {
			r.scratch = buf[:0] // keep what grew for the next file
			return buf, nil
		}
		buf = buf[:len(buf)+int(n)]
	}
}

// close releases the folder descriptor.
func (r *requestReader) close() {
	if r.dir != "" {
		syscall.Close(r.dirfd)
		r.dir = ""
	}
}

// atFDCWD is AT_FDCWD (-100): a name is resolved from the working directory. A variable, as a
// negative constant does not convert to uintptr.
var atFDCWD = -0x64
