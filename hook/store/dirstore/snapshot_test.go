package dirstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
)

// A snapshot store resolves each account and type once: a file changed or removed afterwards is
// not seen, and a type absent at first is still looked up (so a missing template stays missing
// only while it is missing).
func TestSnapshotResolvesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "AWS-S3-Bucket.json")
	if err := os.WriteFile(p, []byte(`{"v":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := dirstore.NewSnapshot(os.DirFS(dir))
	if _, err := s.Get(ctx, "AWS::SQS::Queue", "111122223333"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("absent type: err = %v, want ErrNotFound", err)
	}
	a, err := s.Get(ctx, "AWS::S3::Bucket", "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"v":22}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "AWS-SQS-Queue.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(ctx, "AWS::S3::Bucket", "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != b.Version || string(b.Body) != `{"v":1}` {
		t.Errorf("snapshot re-read a changed file: %q -> %q", a.Body, b.Body)
	}
	if _, err := s.Get(ctx, "AWS::SQS::Queue", "111122223333"); err != nil {
		t.Errorf("type added after a miss: %v, want it found", err)
	}
	// Another account resolves on its own, and still sees the folder's current files.
	c, err := s.Get(ctx, "AWS::S3::Bucket", "444455556666")
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Body) != `{"v":22}` {
		t.Errorf("other account: body %q, want the file as it is now", c.Body)
	}
}
