// Package svcreftest locates the real service reference snapshots of the shared data set for
// tests and benchmarks, skipping them when the data is absent.
package svcreftest

import (
	"os"
	"path/filepath"
	"testing"
)

// Snapshot dates of the shared data set (see its README).
const (
	OldDate = "2026-05-22"
	NewDate = "2026-08-22"
)

// Snapshot returns the directory of the real snapshot for date, from $RCFGE_DATA or else
// ../shared/data beside the repository root; it skips the test when that folder is absent, and
// in -short mode, since loading 18 MB of JSON is not a unit test.
func Snapshot(tb testing.TB, date string) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("real data: skipped in -short mode")
	}
	base := os.Getenv("RCFGE_DATA")
	if base == "" {
		root, err := repoRoot()
		if err != nil {
			tb.Skipf("real data: %v", err)
		}
		base = filepath.Join(root, "..", "shared", "data")
	}
	snap := filepath.Join(base, "service-reference", date)
	if _, err := os.Stat(filepath.Join(snap, "service-list.json")); err != nil {
		tb.Skipf("real data absent (%v): set RCFGE_DATA to the shared data folder", err)
	}
	return snap
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
