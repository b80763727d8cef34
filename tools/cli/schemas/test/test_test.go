package test_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/test"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdTestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    test.TestOptions
		wantErr string
	}{
		{name: "folder", args: []string{"schemas"}, want: test.TestOptions{Dir: "schemas", Format: render.Text}},
		{
			name: "everything",
			args: []string{"schemas", "--run", "S3.*public", "-v", "--format", "junit"},
			want: test.TestOptions{Dir: "schemas", Run: regexp.MustCompile("S3.*public"), Verbose: true, Format: render.JUnit},
		},
		{name: "no folder", args: nil, wantErr: "test takes one folder"},
		{name: "bad regex", args: []string{"a", "--run", "("}, wantErr: "--run"},
		{name: "bad format", args: []string{"a", "--format", "sarif"}, wantErr: `unknown format "sarif"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *test.TestOptions
			cmd := test.NewCmdTest(&cli.Factory{IO: ios}, func(_ context.Context, o *test.TestOptions) error { got = o; return nil })
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Execute() error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Execute() error = %v", err)
			}
			cmpRegexp := cmp.Comparer(func(a, b *regexp.Regexp) bool {
				return (a == nil) == (b == nil) && (a == nil || a.String() == b.String())
			})
			if diff := cmp.Diff(&tt.want, got, cmpRegexp, cmpopts.IgnoreFields(test.TestOptions{}, "IO")); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantErr  error
		wantText string
		golden   bool
	}{
		{name: "pass", args: []string{"testdata/pass"}, golden: true},
		{name: "pass verbose", args: []string{"testdata/pass", "-v"}, golden: true},
		{name: "filtered", args: []string{"testdata/pass", "-v", "--run", "unencrypted"}, golden: true},
		{name: "fail", args: []string{"testdata/fail"}, wantErr: cli.ErrFindings, golden: true},
		{name: "fail junit", args: []string{"testdata/fail", "--format", "junit"}, wantErr: cli.ErrFindings},
		{name: "missing folder", args: []string{"testdata/nope"}, wantText: "testdata/nope"},
		{name: "file, not folder", args: []string{"test_test.go"}, wantText: "not a folder"},
		{name: "no suites", args: []string{"testdata/TestNoSuites"}, wantText: "no test suites found"},
		{name: "run matches nothing", args: []string{"testdata/pass", "--run", "nomatch"}, wantText: `--run "nomatch" matches no case: nothing ran`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			cmd := test.NewCmdTest(&cli.Factory{IO: ios}, nil)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if tt.wantText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("Execute() error = %v, want it to contain %q", err, tt.wantText)
				}
				if cli.ExitCode(err) != cli.ExitError {
					t.Errorf("exit code %d, want %d", cli.ExitCode(err), cli.ExitError)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Execute() error = %v, want %v", err, tt.wantErr)
			}
			if tt.golden {
				golden.AssertString(t, golden.Path(t), out.String())
			}
			if strings.Contains(tt.name, "junit") && !strings.Contains(out.String(), `<testsuites name="rcfge schemas test" tests="1" failures="1">`) {
				t.Errorf("JUnit output lacks the totals:\n%s", out.String())
			}
		})
	}
}
