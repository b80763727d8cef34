package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGremlins writes a script that stands in for gremlins: it copies a canned result to the -o
// path, or fails when told to.
func fakeGremlins(t *testing.T, result string, fail bool) string {
	t.Helper()
	dir := t.TempDir()
	res := filepath.Join(dir, "result.json")
	if err := os.WriteFile(res, []byte(result), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nout=\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n"
	if fail {
		script += "echo boom >&2; exit 3\n"
	} else {
		script += "cp " + res + " \"$out\"\n"
	}
	bin := filepath.Join(dir, "gremlins")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestRun(t *testing.T) {
	// The package folder must exist relative to the working directory: use this package's own.
	pkg := "."
	result := `{"files":[{"file_name":"main.go","mutations":[{"type":"INVERT_LOGICAL","status":"KILLED","line":1,"column":1},{"type":"INVERT_LOGICAL","status":"LIVED","line":1,"column":2}]}]}`
	tests := []struct {
		name      string
		fail      bool
		check     bool
		equiv     string
		wantErr   string
		wantInOut string
	}{
		{name: "report", wantInOut: "| . | 1 | 1 | 0 | 0 | 0 | 0 | 50.0% | 100.0% | – |"},
		{name: "gremlins fails", fail: true, wantErr: "gremlins on .: exit status 3"},
		{name: "bad equivalents file", equiv: "only\ttwo\n", wantErr: "want 5 non-empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			eq := filepath.Join(t.TempDir(), "eq.tsv")
			if tt.equiv != "" {
				if err := os.WriteFile(eq, []byte(tt.equiv), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			o := options{gremlins: fakeGremlins(t, result, tt.fail), out: "-", equivalents: eq, check: tt.check, stdout: &out}
			err := run(context.Background(), o, []string{pkg})
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			}
			if tt.wantInOut != "" && !strings.Contains(out.String(), tt.wantInOut) {
				t.Errorf("report lacks %q:\n%s", tt.wantInOut, out.String())
			}
		})
	}
}

func TestRunCheckFailsBelowTarget(t *testing.T) {
	old := targets
	t.Cleanup(func() { targets = old })
	targets = map[string]float64{".": 90}
	result := `{"files":[{"file_name":"main.go","mutations":[{"type":"INVERT_LOGICAL","status":"LIVED","line":1,"column":2}]}]}`
	o := options{gremlins: fakeGremlins(t, result, false), out: "-", equivalents: filepath.Join(t.TempDir(), "none.tsv"), check: true, stdout: &bytes.Buffer{}}
	err := run(context.Background(), o, []string{"."})
	if err == nil || !strings.Contains(err.Error(), "below 90%") {
		t.Fatalf("err = %v, want below target", err)
	}
}
