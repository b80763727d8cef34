package dirstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

func TestGetFile(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"exceptions.json":                          {Data: []byte(`{"shared":true}`)},
		"accounts/111122223333/exceptions.json":    {Data: []byte(`{"account":true}`)},
		"accounts/444455556666/exceptions.json/x":  {Data: []byte(`dir`)},
		"accounts/777788889999/AWS-S3-Bucket.json": {Data: []byte(`{}`)},
	}
	s := dirstore.New(fsys)
	tests := []struct {
		name, file, account string
		wantKey, wantBody   string
		wantErr             error
		wantMsg             string
	}{
		{name: "shared file", file: "exceptions.json", wantKey: "exceptions.json", wantBody: `{"shared":true}`},
		{name: "account file replaces the shared one", file: "exceptions.json", account: "111122223333", wantKey: "accounts/111122223333/exceptions.json", wantBody: `{"account":true}`},
		{name: "account without its own file", file: "exceptions.json", account: "777788889999", wantKey: "exceptions.json", wantBody: `{"shared":true}`},
		{name: "malformed account id is not a path", file: "exceptions.json", account: "../111122223333", wantKey: "exceptions.json", wantBody: `{"shared":true}`},
		{name: "a directory is an error, not a missing file", file: "exceptions.json", account: "444455556666", wantMsg: "is a directory"},
		{name: "missing file", file: "other.json", wantErr: store.ErrNotFound},
		{name: "path in the name", file: "accounts/111122223333/exceptions.json", wantMsg: "want a plain file name"},
		{name: "climbing out", file: "../exceptions.json", wantMsg: "want a plain file name"},
		{name: "hidden file", file: ".exceptions.json", wantMsg: "want a plain file name"},
		{name: "empty name", file: "", wantMsg: "want a plain file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := s.GetFile(context.Background(), tt.file, tt.account)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
			case tt.wantMsg != "":
				if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err %v, want one containing %q (and not ErrNotFound)", err, tt.wantMsg)
				}
			case err != nil:
				t.Fatal(err)
			case f.Key != tt.wantKey || string(f.Body) != tt.wantBody || !strings.HasPrefix(f.Version, "sha256:"):
				t.Errorf("got %q %q %q, want %q %q", f.Key, f.Version, f.Body, tt.wantKey, tt.wantBody)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.GetFile(ctx, "exceptions.json", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}
