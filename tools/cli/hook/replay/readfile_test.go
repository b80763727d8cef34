package replay

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// requestReader reads what os.ReadFile reads, file after file across folders, and fails as it
// fails, naming the file.
func TestRequestReader(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var files []string
	for i, size := range []int{0, 1, 511, 4096, 16 << 10, 16<<10 + 1, 70000, 3} {
		dir := filepath.Join(root, []string{"a", "b"}[i%3/2]) // a a b a a b a a: the folder changes and comes back
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.Repeat("f", i+1)+".json")
		if err := os.WriteFile(p, bytes.Repeat([]byte("abcdefghij"), size/10+1)[:size], 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	var r requestReader
	defer r.close()
	for range 2 {
		for _, p := range files {
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.read(p)
			if err != nil || !bytes.Equal(got, want) || got == nil {
				t.Errorf("%s: %d bytes, %v; want the %d bytes of the file", p, len(got), err, len(want))
			}
		}
	}
	// One buffer serves every read: a replay of thousands of requests allocates none for them.
	first, _ := r.read(files[6])
	second, err := r.read(files[3])
	if err != nil || runtime.GOOS == "linux" && unsafe.SliceData(first) != unsafe.SliceData(second) {
		t.Errorf("the second read has memory of its own (%v)", err)
	}

	tests := []struct {
		name, path string
		is         error
	}{
		{name: "missing", path: filepath.Join(root, "a", "nope.json"), is: fs.ErrNotExist},
		{name: "missing folder", path: filepath.Join(root, "c", "nope.json"), is: fs.ErrNotExist},
		{name: "a folder", path: filepath.Join(root, "a")},
		{name: "a NUL in the name", path: filepath.Join(root, "a", "x\x00.json")},
	}
	for _, tt := range tests {
		_, err := r.read(tt.path)
		_, osErr := os.ReadFile(tt.path)
		var pe *fs.PathError
		switch {
		case err == nil:
			t.Errorf("%s: no error", tt.name)
		case !errors.As(err, &pe) || pe.Path != tt.path:
			t.Errorf("%s: %v, want a *fs.PathError naming the file", tt.name, err)
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: %v, want errors.Is %v", tt.name, err, tt.is)
		case err.Error() != osErr.Error():
			t.Errorf("%s: %q, want os.ReadFile's %q", tt.name, err, osErr)
		}
	}
}

// A file in the working directory, named without a folder.
func TestRequestReaderWorkingDirectory(t *testing.T) {
	var r requestReader
	defer r.close()
	got, err := r.read("replay.go")
	want, _ := os.ReadFile("replay.go")
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("replay.go: %d bytes, %v", len(got), err)
	}
}

// checkExist finds what os.Stat finds, with one listing per folder standing in for the stats.
func TestCheckExist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "r.json")
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.json")
	if err := os.Symlink(filepath.Join(dir, "gone.json"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		paths []string
		want  string // "" for no error, else the path the error names
	}{
		{"files and a link to one", []string{file, link, file}, ""},
		{"a folder (read later, as before)", []string{dir}, ""},
		{"working directory", []string{"replay.go"}, ""},
		{"missing", []string{file, filepath.Join(dir, "nope.json")}, filepath.Join(dir, "nope.json")},
		{"missing folder", []string{filepath.Join(dir, "no", "r.json")}, filepath.Join(dir, "no", "r.json")},
		{"dangling link", []string{dangling}, dangling},
	}
	for _, tt := range tests {
		err := checkExist(tt.paths)
		var pe *fs.PathError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (!errors.As(err, &pe) || pe.Path != tt.want || !errors.Is(err, fs.ErrNotExist)):
			t.Errorf("%s: %v, want a not-exist error naming %s", tt.name, err, tt.want)
		}
	}
}
