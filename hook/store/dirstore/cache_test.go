package dirstore_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
)

// countingFS counts the files read (not stat'ed) and fails on the names it is told to.
type countingFS struct {
	fstest.MapFS
	mu       sync.Mutex
	reads    map[string]int
	statErr  map[string]error
	readErrs map[string]error
}

func (c *countingFS) Stat(name string) (fs.FileInfo, error) {
	if err := c.statErr[name]; err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return c.MapFS.Stat(name)
}

func (c *countingFS) ReadFile(name string) ([]byte, error) {
	c.mu.Lock()
	c.reads[name]++
	c.mu.Unlock()
	if err := c.readErrs[name]; err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return c.MapFS.ReadFile(name)
}

func (c *countingFS) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[name]
}

// TestRereadOnlyOnChange: a file is read once and served from memory while its size and
// modification time stay the same; a change of either is read again.
func TestRereadOnlyOnChange(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const name = "AWS-S3-Bucket.json"
	fsys := &countingFS{MapFS: fstest.MapFS{name: {Data: []byte(`{"v":1}`), ModTime: t0}}, reads: map[string]int{}}
	s := dirstore.New(fsys)
	get := func(step string, wantBody string, wantReads int) store.Template {
		t.Helper()
		tpl, err := s.Get(context.Background(), "AWS::S3::Bucket", "")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if string(tpl.Body) != wantBody || fsys.count(name) != wantReads || tpl.Key != name {
			t.Errorf("%s: body %s after %d reads (key %s), want %s after %d", step, tpl.Body, fsys.count(name), tpl.Key, wantBody, wantReads)
		}
		return tpl
	}
	first := get("first", `{"v":1}`, 1)
	if again := get("unchanged", `{"v":1}`, 1); again.Version != first.Version {
		t.Errorf("unchanged file: version %s, then %s", first.Version, again.Version)
	}
	fsys.MapFS[name] = &fstest.MapFile{Data: []byte(`{"v":2}`), ModTime: t0.Add(time.Second)}
	if changed := get("same size, newer", `{"v":2}`, 2); changed.Version == first.Version {
		t.Error("a changed file kept its version")
	}
	fsys.MapFS[name] = &fstest.MapFile{Data: []byte(`{"v":33}`), ModTime: t0.Add(time.Second)}
	get("same time, other size", `{"v":33}`, 3)
	get("unchanged again", `{"v":33}`, 3)
}

// TestReadErrors: a file that exists but cannot be read is an error of its own, never "not
// found" (which would mean "not approved" and could fall back to the shared template).
func TestReadErrors(t *testing.T) {
	t.Parallel()
	fsys := &countingFS{
		MapFS: fstest.MapFS{
			"AWS-S3-Bucket.json":                        {Data: []byte(`{}`)},
			"accounts/111122223333/AWS-S3-Bucket.json":  {Data: []byte(`{}`)},
			"AWS-SQS-Queue.json":                        {Data: []byte(`{}`)},
			"accounts/444455556666/AWS-S3-Bucket.json/": {Mode: fs.ModeDir},
		},
		reads:    map[string]int{},
		statErr:  map[string]error{"accounts/111122223333/AWS-S3-Bucket.json": fs.ErrPermission},
		readErrs: map[string]error{"AWS-SQS-Queue.json": errors.New("i/o error")},
	}
	s := dirstore.New(fsys)
	tests := []struct {
		name, typeName, account, wantMsg string
	}{
		{"an unreadable account override does not fall back", "AWS::S3::Bucket", "111122223333", "template accounts/111122223333/AWS-S3-Bucket.json: stat accounts/111122223333/AWS-S3-Bucket.json: permission denied"},
		{"an account override that is a directory does not fall back", "AWS::S3::Bucket", "444455556666", "template accounts/444455556666/AWS-S3-Bucket.json is a directory"},
		{"a read failure", "AWS::SQS::Queue", "", "template AWS-SQS-Queue.json: read AWS-SQS-Queue.json: i/o error"},
	}
	for _, tt := range tests {
		_, err := s.Get(context.Background(), tt.typeName, tt.account)
		if err == nil || errors.Is(err, store.ErrNotFound) || err.Error() != tt.wantMsg {
			t.Errorf("%s: err = %v, want %q (not ErrNotFound)", tt.name, err, tt.wantMsg)
		}
	}
	if _, err := s.Get(context.Background(), "AWS::SNS::Topic", "111122223333"); !errors.Is(err, store.ErrNotFound) || err.Error() != "AWS-SNS-Topic.json: template not found" {
		t.Errorf("missing everywhere: %v", err)
	}
}

// TestEmbeddedLookupsRemembered: the embedded folder never changes, so a lookup is resolved once
// per account and type and then served as it was; a missing template stays missing.
func TestEmbeddedLookupsRemembered(t *testing.T) {
	t.Parallel()
	s := dirstore.New(schemas.FS())
	var first store.Template
	for i := range 3 {
		for _, account := range []string{"111122223333", ""} {
			tpl, err := s.Get(context.Background(), "AWS::S3::Bucket", account)
			if err != nil || tpl.Key != "AWS-S3-Bucket.json" || !strings.HasPrefix(tpl.Version, "sha256:") || len(tpl.Body) == 0 {
				t.Fatalf("call %d, account %q: %q %q (%d bytes), %v", i, account, tpl.Key, tpl.Version, len(tpl.Body), err)
			}
			if i == 0 && account == "" {
				first = tpl
			}
			if tpl.Version != first.Version && first.Version != "" {
				t.Errorf("call %d: version %s, then %s", i, first.Version, tpl.Version)
			}
		}
		if _, err := s.Get(context.Background(), "AWS::Nope::Thing", "111122223333"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("call %d: a missing embedded template answered %v", i, err)
		}
	}
}
