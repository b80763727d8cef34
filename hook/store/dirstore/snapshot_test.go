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

// A snapshot store resolves each account and type once: a file changed, removed or added afterwards
// is not seen, a miss included (a one-shot command sees one folder from start to end).
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
	if _, err := s.Get(ctx, "AWS::SQS::Queue", "111122223333"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("type added after a miss: err = %v, want the miss remembered (ErrNotFound)", err)
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

// A snapshot reads exceptions.json (and the account's copy) once, a missing one included: a replay
// whose requests mostly have violations looked for both on every request.
func TestSnapshotResolvesFilesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := dirstore.NewSnapshot(os.DirFS(dir))
	if _, err := s.GetFile(ctx, "exceptions.json", "111122223333"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("absent file: err = %v, want ErrNotFound", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exceptions.json"), []byte(`{"v":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFile(ctx, "exceptions.json", "111122223333"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("file added after a miss: err = %v, want the miss remembered", err)
	}
	// Another account resolves on its own; what it found is then kept though the file changes.
	f, err := s.GetFile(ctx, "exceptions.json", "444455556666")
	if err != nil || string(f.Body) != `{"v":1}` {
		t.Fatalf("other account: %q, %v", f.Body, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exceptions.json"), []byte(`{"v":22}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := s.GetFile(ctx, "exceptions.json", "444455556666"); err != nil || string(f.Body) != `{"v":1}` {
		t.Errorf("changed file re-read: %q, %v, want the first read", f.Body, err)
	}
	// A read error other than a miss is not remembered.
	if err := os.Mkdir(filepath.Join(dir, "AWS-SNS-Topic.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "AWS::SNS::Topic", ""); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a directory as template: err = %v, want a read error", err)
	}
	if err := os.Remove(filepath.Join(dir, "AWS-SNS-Topic.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "AWS-SNS-Topic.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "AWS::SNS::Topic", ""); err != nil {
		t.Errorf("after a read error: %v, want the template read again", err)
	}
}
