package snapshot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

// source is the snapshot the fake endpoint serves: the reader's own fixture.
const source = "../testdata/mini"

var fetchDate = time.Date(2026, 11, 22, 23, 30, 0, 0, time.FixedZone("CET", 3600))

// fault decides what the server does with the n-th request (from 1) for a path; nil serves it.
type fault func(w http.ResponseWriter, path string, n int) bool

// fakeEndpoint serves source like the AWS endpoint: the index at "/", with absolute URLs to
// "/v1/<service>/<service>.json" on itself, and extra index fields that readers must ignore.
type fakeEndpoint struct {
	srv       *httptest.Server
	fault     fault
	overrides map[string][]byte // path -> body served instead of the fixture
	mu        sync.Mutex
	hits      map[string]int
}

func newEndpoint(t *testing.T, f fault) *fakeEndpoint {
	t.Helper()
	e := &fakeEndpoint{fault: f, hits: map[string]int{}, overrides: map[string][]byte{}}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *fakeEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.hits[r.URL.Path]++
	n := e.hits[r.URL.Path]
	body, overridden := e.overrides[r.URL.Path]
	e.mu.Unlock()
	if e.fault != nil && e.fault(w, r.URL.Path, n) {
		return
	}
	if !overridden {
		var err error
		body, err = e.body(r.URL.Path)
		if err != nil {
			http.NotFound(w, r)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (e *fakeEndpoint) body(path string) ([]byte, error) {
	if path == "/" {
		data, err := os.ReadFile(filepath.Join(source, svcref.IndexFile))
		if err != nil {
			return nil, err
		}
		entries, err := svcref.ParseIndex(data)
		if err != nil {
			return nil, err
		}
		type row struct {
			Service  string `json:"service"`
			URL      string `json:"url"`
			Modified int64  `json:"modified"`
		}
		rows := make([]row, len(entries))
		for i, en := range entries {
			rows[i] = row{en.Service, fmt.Sprintf("%s/v1/%s/%s.json", e.srv.URL, en.Service, en.Service), 1787000000}
		}
		return json.Marshal(rows)
	}
	var svc string
	if _, err := fmt.Sscanf(path, "/v1/%s", &svc); err != nil {
		return nil, err
	}
	name, _, ok := strings.Cut(svc, "/")
	if !ok || path != "/v1/"+name+"/"+name+".json" {
		return nil, os.ErrNotExist
	}
	return os.ReadFile(filepath.Join(source, name+".json"))
}

func (e *fakeEndpoint) override(path, body string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.overrides[path] = []byte(body)
}

func (e *fakeEndpoint) hitsFor(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hits[path]
}

func (e *fakeEndpoint) options() snapshot.Options {
	return snapshot.Options{
		Endpoint:    e.srv.URL + "/",
		Client:      e.srv.Client(),
		Concurrency: 2,
		Attempts:    4,
		Backoff:     time.Millisecond,
		MaxBackoff:  5 * time.Millisecond,
		Now:         func() time.Time { return fetchDate },
	}
}

// hangUp drops the connection without a response: a network error for the client.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// truncate promises a longer body than it sends, then drops the connection.
func truncate(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "100000")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"Name": "ia`))
	_ = http.NewResponseController(w).Flush()
	hangUp(w)
}

func TestFetch(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, nil)
	out := t.TempDir()
	var progress []string
	opts := e.options()
	opts.Progress = func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }
	res, err := snapshot.Fetch(context.Background(), out, opts)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	// The date is the UTC date: 23:30 CET on the 22nd is still the 22nd in UTC.
	if want := filepath.Join(out, "2026-11-22"); res.Dir != want {
		t.Errorf("Dir = %s, want %s", res.Dir, want)
	}
	for _, svc := range []string{"ec2", "iam", "s3"} {
		want, _ := os.ReadFile(filepath.Join(source, svc+".json"))
		got, err := os.ReadFile(filepath.Join(res.Dir, svc+".json"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s.json differs from the served file (err %v)", svc, err)
		}
	}
	if d := cmp.Diff([]string{"0/3", "1/3", "2/3", "3/3"}, progress); d != "" {
		t.Errorf("progress calls mismatch (-want +got):\n%s", d)
	}
	m, err := snapshot.ReadManifest(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Date != "2026-11-22" || m.ServiceCount != 3 || len(m.Files) != 4 || !m.FetchedAt.Equal(fetchDate) {
		t.Errorf("manifest = %+v", m)
	}
	if !strings.HasPrefix(m.Files["s3.json"], "sha256:") {
		t.Errorf("manifest digest for s3.json = %q", m.Files["s3.json"])
	}
	if err := snapshot.Verify(context.Background(), res.Dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
	c, err := svcref.LoadDir(context.Background(), res.Dir)
	if err != nil {
		t.Fatalf("the fetched snapshot does not load: %v", err)
	}
	if len(c.AllActions()) != 11 {
		t.Errorf("fetched snapshot has %d actions, want 11", len(c.AllActions()))
	}
	assertOnly(t, out, "2026-11-22")
}

func TestFetchRetries(t *testing.T) {
	t.Parallel()
	// Each path fails its first request in its own way; the retry succeeds.
	e := newEndpoint(t, func(w http.ResponseWriter, path string, n int) bool {
		if n > 1 {
			return false
		}
		switch path {
		case "/":
			w.WriteHeader(http.StatusInternalServerError)
		case "/v1/s3/s3.json":
			w.Header().Set("Retry-After", "1") // capped at MaxBackoff
			w.WriteHeader(http.StatusTooManyRequests)
		case "/v1/ec2/ec2.json":
			hangUp(w)
		case "/v1/iam/iam.json":
			truncate(w)
		}
		return true
	})
	res, err := snapshot.Fetch(context.Background(), t.TempDir(), e.options())
	if err != nil {
		t.Fatalf("Fetch with transient failures: %v", err)
	}
	for _, p := range []string{"/", "/v1/s3/s3.json", "/v1/ec2/ec2.json", "/v1/iam/iam.json"} {
		if got := e.hitsFor(p); got != 2 {
			t.Errorf("%s requested %d times, want 2", p, got)
		}
	}
	if err := snapshot.Verify(context.Background(), res.Dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestFetchServerDiesKeepsPreviousSnapshot(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	good := newEndpoint(t, nil)
	first, err := snapshot.Fetch(context.Background(), out, good.options())
	if err != nil {
		t.Fatalf("first Fetch: %v", err)
	}
	before := readAll(t, first.Dir)

	// The second server answers the index and one service, then is gone for good.
	var served atomic.Int32
	var dying *fakeEndpoint
	dying = newEndpoint(t, func(w http.ResponseWriter, path string, n int) bool {
		if served.Add(1) <= 2 {
			return false
		}
		hangUp(w)
		go dying.srv.CloseClientConnections()
		return true
	})
	dying.override("/v1/s3/s3.json", `{"Name": "s3", "Actions": [], "Version": "v9"}`)
	_, err = snapshot.Fetch(context.Background(), out, dying.options())
	if err == nil {
		t.Fatal("Fetch from a dying server succeeded")
	}
	t.Logf("Fetch from a dying server: %v", err)
	if d := cmp.Diff(before, readAll(t, first.Dir)); d != "" {
		t.Errorf("the previous snapshot changed (-before +after):\n%s", d)
	}
	if err := snapshot.Verify(context.Background(), first.Dir); err != nil {
		t.Errorf("Verify after the failed fetch: %v", err)
	}
	assertOnly(t, out, "2026-11-22")
}

func TestFetchReplacesSameDate(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	e := newEndpoint(t, nil)
	if _, err := snapshot.Fetch(context.Background(), out, e.options()); err != nil {
		t.Fatal(err)
	}
	changed := []byte(`{"Name": "s3", "Actions": [{"Name": "GetObject"}], "Version": "v1.5"}`)
	e.override("/v1/s3/s3.json", string(changed))
	res, err := snapshot.Fetch(context.Background(), out, e.options())
	if err != nil {
		t.Fatalf("second Fetch: %v", err)
	}
	got, _ := os.ReadFile(filepath.Join(res.Dir, "s3.json"))
	if !bytes.Equal(got, changed) {
		t.Errorf("s3.json was not replaced: %s", got)
	}
	if err := snapshot.Verify(context.Background(), res.Dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
	assertOnly(t, out, "2026-11-22")
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	status := func(code int, path string) fault {
		return func(w http.ResponseWriter, p string, _ int) bool {
			if p != path {
				return false
			}
			w.WriteHeader(code)
			return true
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		fault     fault
		override  map[string]string
		ctx       context.Context
		endpoint  string
		wantErr   error
		wantInErr string
		wantHits  map[string]int
	}{
		{name: "service not found is not retried", fault: status(http.StatusNotFound, "/v1/iam/iam.json"),
			wantErr: snapshot.ErrHTTP, wantInErr: "404", wantHits: map[string]int{"/v1/iam/iam.json": 1}},
		{name: "forbidden index is not retried", fault: status(http.StatusForbidden, "/"),
			wantErr: snapshot.ErrHTTP, wantInErr: "403", wantHits: map[string]int{"/": 1}},
		{name: "server error until attempts run out", fault: status(http.StatusServiceUnavailable, "/v1/ec2/ec2.json"),
			wantErr: snapshot.ErrHTTP, wantInErr: "after 4 attempts", wantHits: map[string]int{"/v1/ec2/ec2.json": 4}},
		{name: "service file not JSON", override: map[string]string{"/v1/s3/s3.json": `<html>maintenance</html>`},
			wantErr: svcref.ErrInvalidSnapshot, wantInErr: "s3.json"},
		{name: "service file for another service", override: map[string]string{"/v1/s3/s3.json": `{"Name": "ec2", "Actions": []}`},
			wantErr: svcref.ErrInvalidSnapshot},
		{name: "index names a path", override: map[string]string{"/": `[{"service": "../../etc", "url": "/x"}]`},
			wantErr: svcref.ErrInvalidSnapshot},
		{name: "index url is not http", override: map[string]string{"/": `[{"service": "s3", "url": "file:///etc/passwd"}]`},
			wantInErr: "want http or https"},
		{name: "endpoint is not http", endpoint: "ftp://example.com/", wantInErr: "want an http or https URL"},
		{name: "cancelled", ctx: cancelled, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEndpoint(t, tt.fault)
			for p, body := range tt.override {
				e.override(p, body)
			}
			opts := e.options()
			if tt.endpoint != "" {
				opts.Endpoint = tt.endpoint
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			out := t.TempDir()
			_, err := snapshot.Fetch(ctx, out, opts)
			if err == nil {
				t.Fatal("Fetch succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantInErr)
			}
			for p, n := range tt.wantHits {
				if got := e.hitsFor(p); got != n {
					t.Errorf("%s requested %d times, want %d", p, got, n)
				}
			}
			assertOnly(t, out)
		})
	}
}

func TestFetchOutIsAFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEndpoint(t, nil)
	if _, err := snapshot.Fetch(context.Background(), file, e.options()); err == nil {
		t.Fatal("Fetch into a file succeeded")
	}
	if got := e.hitsFor("/"); got != 0 {
		t.Errorf("index fetched %d times before the output folder was checked", got)
	}
}

// assertOnly fails unless dir holds exactly the named entries: no partial or replaced folders.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if d := cmp.Diff(names, got); d != "" {
		t.Errorf("entries of %s mismatch (-want +got):\n%s", dir, d)
	}
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}
