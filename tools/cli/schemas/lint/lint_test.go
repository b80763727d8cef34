package lint_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/lint"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdLintFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    lint.LintOptions
		wantErr string
	}{
		{name: "folder", args: []string{"schemas"}, want: lint.LintOptions{Dir: "schemas", Format: render.Text}},
		{
			name: "everything",
			args: []string{"schemas", "--source", "x.zip", "--var", "costCenter", "--var", "approvedKeys", "--format", "json"},
			want: lint.LintOptions{Dir: "schemas", Source: "x.zip", Vars: []string{"costCenter", "approvedKeys"}, Format: render.JSON},
		},
		{name: "no folder", args: nil, wantErr: "lint takes one folder"},
		{name: "two folders", args: []string{"a", "b"}, wantErr: "got 2 arguments"},
		{name: "bad var name", args: []string{"a", "--var", "not ok"}, wantErr: `--var "not ok"`},
		{name: "built-in var", args: []string{"a", "--var", "region"}, wantErr: "built-in"},
		{name: "bad format", args: []string{"a", "--format", "md"}, wantErr: `unknown format "md"`},
		{name: "sarif", args: []string{"a", "--format", "sarif"}, want: lint.LintOptions{Dir: "a", Format: render.SARIF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *lint.LintOptions
			cmd := lint.NewCmdLint(&cli.Factory{IO: ios}, func(_ context.Context, o *lint.LintOptions) error { got = o; return nil })
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
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(lint.LintOptions{}, "IO", "AWSConfig")); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLintRun(t *testing.T) {
	t.Parallel()
	noAWS := func(context.Context) (aws.Config, error) { return aws.Config{}, errors.New("no credentials") }
	tests := []struct {
		name     string
		args     []string
		wantErr  error
		wantText string
		golden   bool
	}{
		{name: "clean", args: []string{"testdata/clean", "--var", "costCenter", "--source", "testdata/source"}, golden: true},
		{name: "undeclared variable", args: []string{"testdata/clean"}, wantErr: cli.ErrFindings},
		{name: "dirty", args: []string{"testdata/dirty", "--source", "testdata/source"}, wantErr: cli.ErrFindings, golden: true},
		{name: "dirty json", args: []string{"testdata/dirty", "--format", "json"}, wantErr: cli.ErrFindings, golden: true},
		{name: "dirty sarif", args: []string{"testdata/dirty", "--format", "sarif"}, wantErr: cli.ErrFindings, golden: true},
		{name: "missing folder", args: []string{"testdata/nope"}, wantText: "testdata/nope"},
		{name: "file, not folder", args: []string{"lint_test.go"}, wantText: "not a folder"},
		{name: "no templates", args: []string{"testdata"}, wantText: "no templates found"},
		{name: "missing source", args: []string{"testdata/clean", "--source", "testdata/nope"}, wantText: "--source"},
		{name: "live source without credentials", args: []string{"testdata/clean", "--source", "cloudformation"}, wantText: "no credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			cmd := lint.NewCmdLint(&cli.Factory{IO: ios, AWSConfig: noAWS}, nil)
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
		})
	}
}
