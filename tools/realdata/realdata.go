// Package realdata locates the shared real data set (provider schemas, service reference
// snapshots, real templates) for tests and benchmarks: $RCFGE_DATA, else ../shared/data beside
// the repository root. A test that needs it skips, saying so, when it is absent.
package realdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the folder sub of the data set ("" for the root), skipping tb when it is absent.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	base, err := Root()
	if err != nil {
		tb.Skipf("real data: %v", err)
	}
	dir := filepath.Join(base, sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real data not present at %s (set RCFGE_DATA to the shared data folder): %v", dir, err)
	}
	return dir
}

// Root is $RCFGE_DATA, else ../shared/data beside the repository root (the folder with go.mod,
// found from the working directory).
func Root() (string, error) {
	if d := os.Getenv("RCFGE_DATA"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (go.mod) not found above the working directory")
		}
		dir = parent
	}
}
