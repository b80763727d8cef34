//go:build !linux

package replay

import "os"

// requestReader reads request files; the Linux build avoids the poller (readfile_linux.go).
type requestReader struct{}

func (*requestReader) read(name string) ([]byte, error) { return os.ReadFile(name) }

func (*requestReader) close() {}
