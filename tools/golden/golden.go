// Package golden compares test output with golden files and rewrites them with go test -update.
//
// It registers the -update flag once for every test binary that imports it, so test packages
// must not register their own.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Update reports whether the test binary runs with -update, that is whether golden files are
// to be rewritten rather than compared.
func Update() bool { return *update }

// Path is the golden file named after the test: testdata/<t.Name()>.golden, where each
// subtest is a directory level.
func Path(t testing.TB) string {
	return filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
}

// Assert compares got with the golden file at path and reports a difference as a test error.
// With -update it writes got to path instead, creating the directories it needs.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run go test -update to create it)", err)
		return
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// AssertString is Assert for a string.
func AssertString(t testing.TB, path string, got string) {
	t.Helper()
	Assert(t, path, []byte(got))
}
