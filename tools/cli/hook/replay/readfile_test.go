package replay

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readFile reads what os.ReadFile reads, whatever the size hint says, and fails as it fails.
func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, size := range []int{0, 1, 511, 512, 513, 4096, 70000} {
		body := bytes.Repeat([]byte("abcdefghij"), size/10+1)[:size]
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, hint := range []int64{-1, 0, int64(size) / 2, int64(size), int64(size) + 7} {
			got, err := readFile(p, hint)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("size %d, hint %d: %d bytes, %v; want the %d bytes of the file", size, hint, len(got), err, size)
			}
		}
	}
	tests := []struct {
		name, path string
		is         error
		msg        string
	}{
		{name: "missing", path: filepath.Join(dir, "nope.json"), is: fs.ErrNotExist, msg: "open " + filepath.Join(dir, "nope.json") + ": "},
		{name: "a folder", path: dir, msg: "read " + dir + ": is a directory"},
	}
	for _, tt := range tests {
		_, err := readFile(tt.path, 10)
		_, osErr := os.ReadFile(tt.path)
		var pe *fs.PathError
		switch {
		case err == nil:
			t.Errorf("%s: no error", tt.name)
		case !errors.As(err, &pe) || pe.Path != tt.path:
			t.Errorf("%s: %v, want a *fs.PathError naming the file", tt.name, err)
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: %v, want errors.Is %v", tt.name, err, tt.is)
		case !strings.HasPrefix(err.Error(), tt.msg) || err.Error() != osErr.Error():
			t.Errorf("%s: %q, want os.ReadFile's %q", tt.name, err, osErr)
		}
	}
}
