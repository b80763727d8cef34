package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions/fetch"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

// endpoint serves testdata/snap as the AWS endpoint does; a path in fail answers 404.
func endpoint(t *testing.T, fail string) string {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == fail:
			http.NotFound(w, r)
		case r.URL.Path == "/":
			fmt.Fprintf(w, `[{"service": "s3", "url": "%s/v1/s3/s3.json", "modified": 1787000000}]`, srv.URL)
		case r.URL.Path == "/v1/s3/s3.json":
			http.ServeFile(w, r, "testdata/snap/s3.json")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func run(t *testing.T, tty bool, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	ios.SetTTY(false, tty)
	cmd := fetch.NewCmdFetch(&cli.Factory{IO: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestFetch(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			stdout, stderr, err := run(t, tty, "--endpoint", endpoint(t, ""), "--out", out)
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			entries, err := os.ReadDir(out)
			if err != nil || len(entries) != 1 {
				t.Fatalf("--out holds %v (%v), want one snapshot", entries, err)
			}
			if _, err := time.Parse(snapshot.DateLayout, entries[0].Name()); err != nil {
				t.Errorf("snapshot folder %q is not a date", entries[0].Name())
			}
			dir := filepath.Join(out, entries[0].Name())
			want := fmt.Sprintf("Fetched 1 services into %s (manifest %s).\n", dir, filepath.Join(dir, "manifest.json"))
			if stdout != want {
				t.Errorf("stdout = %q, want %q", stdout, want)
			}
			// The bar is drawn only on a terminal, and only on stderr.
			if tty != (stderr != "") {
				t.Errorf("tty=%v: stderr = %q", tty, stderr)
			}
			if err := snapshot.Verify(context.Background(), dir); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestFetchFailureWritesNothing(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	_, _, err := run(t, false, "--endpoint", endpoint(t, "/v1/s3/s3.json"), "--out", out, "--attempts", "1")
	if !errors.Is(err, snapshot.ErrHTTP) {
		t.Fatalf("error = %v, want ErrHTTP", err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 0 {
		t.Errorf("a failed fetch left %v in --out", entries)
	}
}

func TestFetchFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"no out", []string{}},
		{"zero concurrency", []string{"--out", "x", "--concurrency", "0"}},
		{"too many attempts", []string{"--out", "x", "--attempts", "100"}},
		{"negative timeout", []string{"--out", "x", "--timeout", "-1s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			called := false
			cmd := fetch.NewCmdFetch(&cli.Factory{IO: ios}, func(*fetch.FetchOptions) error { called = true; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			var fe *cli.FlagError
			if !errors.As(err, &fe) || called {
				t.Fatalf("error = %v (run called: %v), want a FlagError", err, called)
			}
			if !strings.Contains(err.Error(), "--") {
				t.Errorf("error %q does not name the flag", err)
			}
		})
	}
	var got *fetch.FetchOptions
	ios, _, _, _ := cli.Test()
	cmd := fetch.NewCmdFetch(&cli.Factory{IO: ios}, func(o *fetch.FetchOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--out", "snaps"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Endpoint != snapshot.DefaultEndpoint || got.Concurrency != 8 || got.Attempts != 5 || got.Timeout != time.Minute {
		t.Errorf("defaults = %+v", got)
	}
}
