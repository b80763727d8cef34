package validate_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdValidateFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    validate.ValidateOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: []string{"a.yaml"},
			want: validate.ValidateOptions{Inputs: []string{"a.yaml"}, Outputs: []render.Output{{Format: render.Text}}, Vars: placeholder.Vars{}, Parameters: map[string]string{}},
		},
		{
			name: "everything",
			args: []string{
				"--templates", "dir", "--account", "111122223333", "--region", "eu-west-1", "--partition", "aws",
				"--stack-name", "app", "--var", "owner=a,b", "--var", "empty=", "--var-list", "keys=k1,k2", "--var-list", "none=",
				"--parameter", "Env=prod", "--parameter", "Url=https://x?a=b", "--format", "sarif", "--format", "text=out.txt",
				"--on-violation", "warn", "--on-missing-template", "WARN", "--on-engine-error", "fail", "--on-unverifiable", "warn",
				"--output", "out.sarif", "a.yaml", "dir/", "*.json", "-",
			},
			want: validate.ValidateOptions{
				Templates: "dir", Account: "111122223333", Region: "eu-west-1", Partition: "aws", StackName: "app",
				Vars: placeholder.Vars{
					"owner": placeholder.String("a,b"), "empty": placeholder.String(""),
					"keys": placeholder.List("k1", "k2"), "none": placeholder.List(),
				},
				Parameters: map[string]string{"Env": "prod", "Url": "https://x?a=b"},
				Policy:     verdict.Policy{OnViolation: verdict.Warn, OnMissingTemplate: verdict.Warn, OnEngineError: verdict.Fail, OnUnverifiable: verdict.Warn},
				Outputs:    []render.Output{{Format: render.SARIF, Path: "out.sarif"}, {Format: render.Text, Path: "out.txt"}},
				Inputs:     []string{"a.yaml", "dir/", "*.json", "-"},
			},
		},
		{name: "no file", args: nil, wantErr: "validate needs at least one template file, folder or glob"},
		{name: "bad knob", args: []string{"--on-violation", "maybe", "a.yaml"}, wantErr: `"maybe": want fail or warn`},
		{name: "two formats on stdout", args: []string{"--format", "text", "--format", "json", "a.yaml"}, wantErr: "--format text and json both write to stdout"},
		{name: "output with every file named", args: []string{"--format", "sarif=a.sarif", "--output", "b", "a.yaml"}, wantErr: "--output: every --format already names its file"},
		{name: "format with empty file", args: []string{"--format", "sarif=", "a.yaml"}, wantErr: `"sarif=": want FORMAT=FILE`},
		{name: "templates s3 without bucket", args: []string{"--templates", "s3://", "a.yaml"}, wantErr: `--templates "s3://": want s3://bucket[/prefix]`},
		{name: "bad account", args: []string{"--account", "12345", "a.yaml"}, wantErr: `--account "12345": want 12 digits`},
		{name: "bad region", args: []string{"--region", "Europe", "a.yaml"}, wantErr: `--region "Europe"`},
		{name: "bad partition", args: []string{"--partition", "aws:evil", "a.yaml"}, wantErr: `--partition "aws:evil": not a partition`},
		{name: "var without =", args: []string{"--var", "owner", "a.yaml"}, wantErr: `--var "owner": want NAME=VALUE`},
		{name: "var without name", args: []string{"--var", "=x", "a.yaml"}, wantErr: `--var "=x": want NAME=VALUE`},
		{name: "var twice", args: []string{"--var", "a=1", "--var", "a=2", "x.yaml"}, wantErr: "--var a given twice"},
		{name: "var and var-list", args: []string{"--var", "a=1", "--var-list", "a=2", "x.yaml"}, wantErr: "--var-list a: variable given twice"},
		{name: "var-list without =", args: []string{"--var-list", "a", "x.yaml"}, wantErr: "--var-list"},
		{name: "parameter without =", args: []string{"--parameter", "Env", "a.yaml"}, wantErr: `--parameter "Env": want NAME=VALUE`},
		{name: "parameter twice", args: []string{"--parameter", "E=1", "--parameter", "E=2", "a.yaml"}, wantErr: "--parameter E given twice"},
		{name: "bad format", args: []string{"--format", "md", "a.yaml"}, wantErr: `unknown format "md" (allowed: text, json, sarif, junit)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *validate.ValidateOptions
			cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, func(_ context.Context, o *validate.ValidateOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(append([]string{}, tt.args...))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if cli.ExitCode(err) != cli.ExitError {
					t.Errorf("exit code %d, want %d", cli.ExitCode(err), cli.ExitError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got,
				cmpopts.IgnoreFields(validate.ValidateOptions{}, "IO", "AWSConfig", "Logger", "TemplatesFS"),
				cmp.AllowUnexported(placeholder.Value{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}
