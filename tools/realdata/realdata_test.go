package realdata

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRoot(t *testing.T) {
	t.Setenv("RCFGE_DATA", "/somewhere")
	if got, err := Root(); err != nil || got != "/somewhere" {
		t.Errorf("Root with RCFGE_DATA = %q, %v", got, err)
	}
	t.Setenv("RCFGE_DATA", "")
	got, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got) != "data" || filepath.Base(filepath.Dir(got)) != "shared" {
		t.Errorf("Root = %q, want .../shared/data", got)
	}
}

func TestDirSkipsWhenAbsent(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RCFGE_DATA", dir)
	if err := os.Mkdir(filepath.Join(dir, "present"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := Dir(t, "present"); got != filepath.Join(dir, "present") {
		t.Errorf("Dir = %q", got)
	}
	skipped := true
	t.Run("absent", func(t *testing.T) {
		Dir(t, "absent")
		skipped = false
	})
	if !skipped {
		t.Error("Dir did not skip for an absent folder")
	}
}
