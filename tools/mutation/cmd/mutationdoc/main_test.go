package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

func TestParseTarget(t *testing.T) {
	tests := []struct {
		arg, only string
		want      target
	}{
		{"hook/engine", "", target{pkg: "hook/engine"}},
		{"hook/engine", "a.go, b.go", target{pkg: "hook/engine", files: []string{"a.go", "b.go"}}},
		{"hook/handler:decide.go,stack.go", "verdict.go", target{pkg: "hook/handler", files: []string{"decide.go", "stack.go"}}},
		{"hook/handler:", "verdict.go", target{pkg: "hook/handler"}},
	}
	for _, tt := range tests {
		if got := parseTarget(tt.arg, tt.only); !slices.Equal(got.files, tt.want.files) || got.pkg != tt.want.pkg {
			t.Errorf("parseTarget(%q, %q) = %+v, want %+v", tt.arg, tt.only, got, tt.want)
		}
	}
}

// recordingGremlins stands in for gremlins in a diff run: it appends its arguments to a log, one
// line per call, and writes the dry-run result or the real one.
func recordingGremlins(t *testing.T, dry, real string) (bin, log string) {
	t.Helper()
	dir := t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for name, body := range map[string]string{"dry.json": dry, "real.json": real} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\nres=" + filepath.Join(dir, "real.json") + "\nout=\n" +
		"for a in \"$@\"; do [ \"$a\" = --dry-run ] && res=" + filepath.Join(dir, "dry.json") + "; done\n" +
		"while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\ncp \"$res\" \"$out\"\n"
	bin = filepath.Join(dir, "gremlins")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log
}

// gitRepo makes a repository holding pkg/a.go, pkg/b.go and pkg/a_test.go, committed, and moves
// the test into it.
func gitRepo(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for _, f := range []string{"a.go", "b.go", "a_test.go"} {
		write(t, filepath.Join("pkg", f), "package pkg\n")
	}
	write(t, filepath.Join("other", "c.go"), "package other\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiffRun(t *testing.T) {
	gitRepo(t)
	write(t, "pkg/a.go", "package pkg\n\nfunc A() bool { return 1 < 2 }\n")
	write(t, "pkg/a_test.go", "package pkg\n\n// changed\n")
	dry := `{"files":[{"file_name":"a.go","mutations":[{"type":"CONDITIONALS_BOUNDARY","status":"RUNNABLE","line":3,"column":24},{"type":"CONDITIONALS_NEGATION","status":"RUNNABLE","line":3,"column":24}]}]}`
	real := `{"files":[{"file_name":"a.go","mutations":[{"type":"CONDITIONALS_BOUNDARY","status":"KILLED","line":3,"column":24},{"type":"CONDITIONALS_NEGATION","status":"LIVED","line":3,"column":24},{"type":"INVERT_NEGATIVES","status":"SKIPPED","line":1,"column":1}]}]}`
	tests := []struct {
		name       string
		max        int
		wantCalls  []string // a substring of each gremlins call, in order
		wantInOut  string
		wantAbsent string
	}{
		{name: "no budget", wantCalls: []string{"--diff HEAD -E (^|/)b\\.go$ "}, wantInOut: "| pkg | 1 | 1 | 0 | 0 | 0 | 0 | 50.0% |"},
		{name: "within the budget", max: 2, wantCalls: []string{"--dry-run --diff HEAD", "--diff HEAD -E"}, wantInOut: "`pkg/a.go:3:24` CONDITIONALS_NEGATION (lived)", wantAbsent: "INVERT_NEGATIVES"},
		{name: "over the budget", max: 1, wantCalls: []string{"--dry-run --diff HEAD"}, wantInOut: "pkg: 2 changed-line mutants exceed what is left of the budget (1 of 1): not run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin, log := recordingGremlins(t, dry, real)
			var out bytes.Buffer
			o := options{gremlins: bin, out: "-", equivalents: "none.tsv", since: "HEAD", maxMutants: tt.max, stdout: &out}
			// other has no change: gremlins must not see it (its empty diff would mean "everything").
			if err := run(context.Background(), o, []string{"pkg", "other"}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(log)
			calls := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(calls) != len(tt.wantCalls) {
				t.Fatalf("gremlins called %d times, want %d:\n%s", len(calls), len(tt.wantCalls), b)
			}
			for i, want := range tt.wantCalls {
				if !strings.Contains(calls[i], want) || strings.Contains(calls[i], "a\\.go") || !strings.HasSuffix(calls[i], string(filepath.Separator)+"pkg") {
					t.Errorf("call %d = %q, want %q, a.go mutated, the package's absolute path", i, calls[i], want)
				}
			}
			if !strings.Contains(out.String(), tt.wantInOut) {
				t.Errorf("report lacks %q:\n%s", tt.wantInOut, out.String())
			}
			if tt.wantAbsent != "" && strings.Contains(out.String(), tt.wantAbsent) {
				t.Errorf("report holds %q:\n%s", tt.wantAbsent, out.String())
			}
		})
	}
}

func TestDiffRunBadRef(t *testing.T) {
	gitRepo(t)
	bin, _ := recordingGremlins(t, "{}", "{}")
	o := options{gremlins: bin, out: "-", equivalents: "none.tsv", since: "no-such-ref", stdout: &bytes.Buffer{}}
	if err := run(context.Background(), o, []string{"pkg"}); err == nil || !strings.Contains(err.Error(), "git diff --merge-base no-such-ref in pkg") {
		t.Fatalf("err = %v, want the git diff error", err)
	}
}

// -update reruns the packages named and keeps the rest of the report.
func TestRunUpdate(t *testing.T) {
	result := `{"files":[{"file_name":"main.go","mutations":[{"type":"INVERT_LOGICAL","status":"KILLED","line":1,"column":1}]}]}`
	report := filepath.Join(t.TempDir(), "mutation.md")
	old := "# Mutation testing of the runtime\n\n| package | killed | lived | reviewed | not covered | timed out | not viable | score | coverage | target |\n|---|---|---|---|---|---|---|---|---|---|\n" +
		"| . | 0 | 1 | 0 | 0 | 0 | 0 | 0.0% | 100.0% | – |\n| hook/kept | 5 | 0 | 0 | 0 | 0 | 0 | 100.0% | 100.0% | – |\n\n## Live mutants (not reviewed as equivalent)\n\n- `./main.go:1:2` INVERT_LOGICAL (lived): `x`\n"
	if err := os.WriteFile(report, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	eq := filepath.Join(t.TempDir(), "eq.tsv")
	o := options{gremlins: fakeGremlins(t, result, false), out: report, equivalents: eq, update: true, check: true, stdout: &bytes.Buffer{}}
	if err := run(context.Background(), o, []string{"."}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"| . | 1 | 0 | 0 | 0 | 0 | 0 | 100.0% | 100.0% | – |", "| hook/kept | 5 | 0 |", "Updated: only . rerun on this date; hook/kept are from the run before."} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "./main.go:1:2") {
		t.Errorf("the rerun package's old live mutant is still listed:\n%s", got)
	}
	for _, tt := range []struct {
		name string
		o    options
		args []string
		want string
	}{
		{"to stdout", options{out: "-", update: true}, []string{"."}, "not with -out -"},
		{"files", options{out: report, update: true}, []string{".:main.go"}, "whole packages, not files"},
		{"no report", options{out: filepath.Join(t.TempDir(), "none.md"), update: true}, []string{"."}, "-update: open"},
		{"not a report", options{out: eq, update: true}, []string{"."}, "not a mutation report"},
	} {
		if tt.name == "not a report" {
			if err := os.WriteFile(eq, []byte("# x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := run(context.Background(), tt.o, tt.args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
