package snapshot_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	for _, d := range []string{"2026-05-22", "2026-08-22", "2026-09-01", "notes"} {
		if err := os.MkdirAll(filepath.Join(store, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// 2026-09-01 is an empty folder, so the newest snapshot is 2026-08-22.
	for _, d := range []string{"2026-05-22", "2026-08-22"} {
		if err := os.WriteFile(filepath.Join(store, d, "service-list.json"), []byte("[]"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		dir     string
		want    string
		wantErr error
	}{
		{name: "a snapshot", dir: filepath.Join(store, "2026-05-22"), want: filepath.Join(store, "2026-05-22")},
		{name: "a store picks the newest complete snapshot", dir: store, want: filepath.Join(store, "2026-08-22")},
		{name: "no snapshot", dir: filepath.Join(store, "notes"), wantErr: snapshot.ErrNoSnapshot},
		{name: "missing", dir: filepath.Join(store, "nope"), wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := snapshot.Resolve(tt.dir)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Resolve = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, nil)
	tests := []struct {
		name    string
		tamper  func(dir string) error
		wantErr error
	}{
		{name: "file changed", tamper: func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "s3.json"), []byte(`{}`), 0o644)
		}, wantErr: snapshot.ErrCorrupt},
		{name: "file removed", tamper: func(dir string) error {
			return os.Remove(filepath.Join(dir, "iam.json"))
		}, wantErr: fs.ErrNotExist},
		{name: "manifest removed", tamper: func(dir string) error {
			return os.Remove(filepath.Join(dir, snapshot.ManifestFile))
		}, wantErr: fs.ErrNotExist},
		{name: "manifest not JSON", tamper: func(dir string) error {
			return os.WriteFile(filepath.Join(dir, snapshot.ManifestFile), []byte(`{`), 0o644)
		}, wantErr: snapshot.ErrCorrupt},
		{name: "manifest lists too few files", tamper: func(dir string) error {
			return os.WriteFile(filepath.Join(dir, snapshot.ManifestFile),
				[]byte(`{"serviceCount": 3, "files": {"service-list.json": "sha256:00"}}`), 0o644)
		}, wantErr: snapshot.ErrCorrupt},
		{name: "manifest names a path", tamper: func(dir string) error {
			return os.WriteFile(filepath.Join(dir, snapshot.ManifestFile),
				[]byte(`{"serviceCount": 1, "files": {"service-list.json": "sha256:00", "../x.json": "sha256:00"}}`), 0o644)
		}, wantErr: snapshot.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := snapshot.Fetch(context.Background(), t.TempDir(), e.options())
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.tamper(res.Dir); err != nil {
				t.Fatal(err)
			}
			if err := snapshot.Verify(context.Background(), res.Dir); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
