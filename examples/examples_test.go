package examples_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
)

type expectation struct {
	file     string
	exit     int
	path     string // JSON Pointer of the one expected violation; "" when approved
	wantText string
}

func readExpected(t *testing.T) []expectation {
	t.Helper()
	f, err := os.Open("expected.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectation
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("expected.tsv:%d: %d columns, want 4", n, len(cols))
		}
		code, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("expected.tsv:%d: exit code: %v", n, err)
		}
		e := expectation{file: cols[0], exit: code, path: cols[2], wantText: cols[3]}
		if e.path == "-" {
			e.path = ""
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// run executes `rcfge validate` in-process as make demo does, and returns stdout, stderr and the
// exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ios, _, stdout, stderr := cli.Test()
	cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, nil)
	cmd.SetArgs(append([]string{"--account", "111122223333", "--region", "eu-west-1"}, args...))
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	if err != nil && cli.ExitCode(err) == cli.ExitError {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), cli.ExitCode(err)
}

func TestExamples(t *testing.T) {
	t.Parallel()
	for _, e := range readExpected(t) {
		t.Run(e.file, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := run(t, "--format", "json", e.file)
			if code != e.exit {
				t.Fatalf("exit %d, want %d; stderr: %s", code, e.exit, stderr)
			}
			var report cfntemplate.Report
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("JSON report: %v\n%s", err, stdout)
			}
			var paths []string
			for _, f := range report.Files {
				for _, r := range f.Resources {
					for _, v := range r.Violations {
						paths = append(paths, v.Path)
					}
				}
			}
			var want []string
			if e.path != "" {
				want = []string{e.path}
			}
			if !slices.Equal(paths, want) {
				t.Errorf("violations at %q, want %q", paths, want)
			}

			text, _, code := run(t, e.file)
			if code != e.exit {
				t.Errorf("text format: exit %d, want %d", code, e.exit)
			}
			if !strings.Contains(text, e.wantText) {
				t.Errorf("text output lacks %q:\n%s", e.wantText, text)
			}
		})
	}
}

// TestEveryExampleHasAnExpectation keeps a new example from going unchecked.
func TestEveryExampleHasAnExpectation(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	json, _ := filepath.Glob("*.json")
	files = append(files, json...)
	var listed []string
	for _, e := range readExpected(t) {
		listed = append(listed, e.file)
	}
	slices.Sort(files)
	slices.Sort(listed)
	if !slices.Equal(files, listed) {
		t.Errorf("example templates %q, expected.tsv lists %q", files, listed)
	}
	if len(files) == 0 {
		t.Error("no example templates")
	}
}
