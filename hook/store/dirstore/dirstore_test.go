package dirstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
)

func TestGet(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"AWS-S3-Bucket.json":                           {Data: []byte(`{"base":true}`)},
		"accounts/111122223333/AWS-S3-Bucket.json":     {Data: []byte(`{"override":true}`)},
		"AWS-SQS-Queue.json/placeholder-dir-entry.txt": {Data: []byte(`x`)},
	}
	s := dirstore.New(fsys)
	tests := []struct {
		name, typeName, account string
		wantKey                 string
		wantErr                 error
	}{
		{"base template", "AWS::S3::Bucket", "", "AWS-S3-Bucket.json", nil},
		{"account override first", "AWS::S3::Bucket", "111122223333", "accounts/111122223333/AWS-S3-Bucket.json", nil},
		{"other account falls back to base", "AWS::S3::Bucket", "444455556666", "AWS-S3-Bucket.json", nil},
		{"a malformed account id is not a path", "AWS::S3::Bucket", "../..", "AWS-S3-Bucket.json", nil},
		{"missing template", "AWS::SNS::Topic", "", "", store.ErrNotFound},
		{"invalid type name", "AWS::S3::../../x", "", "", store.ErrInvalidType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := s.Get(context.Background(), tt.typeName, tt.account)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tpl.Key != tt.wantKey {
				t.Errorf("key = %q, want %q", tpl.Key, tt.wantKey)
			}
			if err == nil && len(tpl.Version) < 10 {
				t.Errorf("version %q is not a digest", tpl.Version)
			}
		})
	}
	if _, err := s.Get(context.Background(), "AWS::SQS::Queue", ""); err == nil {
		t.Error("a directory was served as a template")
	}
}

func TestGetReloadsChangedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "AWS-S3-Bucket.json")
	if err := os.WriteFile(p, []byte(`{"v":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := dirstore.New(os.DirFS(dir))
	a, err := s.Get(context.Background(), "AWS::S3::Bucket", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"v":22}`), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(context.Background(), "AWS::S3::Bucket", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Version == b.Version || string(b.Body) != `{"v":22}` {
		t.Errorf("changed file not reloaded: %q -> %q", a.Body, b.Body)
	}
}

func TestEmbeddedAndCancelled(t *testing.T) {
	t.Parallel()
	s := dirstore.New(schemas.FS())
	for range 2 {
		if _, err := s.Get(context.Background(), "AWS::S3::Bucket", "111122223333"); err != nil {
			t.Fatalf("embedded S3 template: %v", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Get(ctx, "AWS::S3::Bucket", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	if n, err := store.FileName("AWS::S3::Bucket"); err != nil || n != "AWS-S3-Bucket.json" {
		t.Errorf("FileName = %q, %v", n, err)
	}
	if typ, ok := store.TypeName("AWS-S3-Bucket.json"); !ok || typ != "AWS::S3::Bucket" {
		t.Errorf("TypeName = %q, %v", typ, ok)
	}
	for _, bad := range []string{"README.md", "x/AWS-S3-Bucket.json", "AWS.json"} {
		if _, ok := store.TypeName(bad); ok {
			t.Errorf("TypeName(%q) accepted", bad)
		}
	}
}
