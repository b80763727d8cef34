package root_test

import (
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/buildinfo"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/root"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErr    string
		notWantErr string
	}{
		{name: "version", args: []string{"--version"}, wantOut: "rcfge " + buildinfo.Version() + "\n"},
		{name: "unknown flag of a subcommand", args: []string{"validate", "--nope", "x.yaml"}, wantCode: cli.ExitError,
			wantErr: "rcfge: unknown flag: --nope\nRun 'rcfge validate --help' for usage.\n"},
		{name: "usage error of a nested verb", args: []string{"schemas", "test"}, wantCode: cli.ExitError,
			wantErr: "Run 'rcfge schemas test --help' for usage.\n"},
		{name: "format lists allowed values", args: []string{"validate", "--format", "xml", "x.yaml"}, wantCode: cli.ExitError,
			wantErr: `unknown format "xml" (allowed: text, json, sarif, junit)`},
		{name: "knob lists allowed values", args: []string{"validate", "--on-missing-template", "ignore", "x.yaml"}, wantCode: cli.ExitError,
			wantErr: "(allowed: fail, warn)"},
		{name: "missing value names its flag only", args: []string{"validate", "--region", "eu-west-1", "../../../examples/s3-bucket-own-topic.yaml"}, wantCode: cli.ExitError,
			wantErr: "set it with --account\n", notWantErr: "--stack-name"},
		{name: "findings print no error line", args: []string{"validate", "--account", "111122223333", "--region", "eu-west-1", "../../../examples/s3-bucket-new-feature.yaml"},
			wantCode: cli.ExitFindings, wantOut: "[additionalProperties]", notWantErr: "rcfge:"},
		{name: "file errors print no error line", args: []string{"validate", "--account", "111122223333", "--region", "eu-west-1", "nope.yaml"},
			wantCode: cli.ExitError, wantOut: "nope.yaml: error: not checked", notWantErr: "rcfge:"},
		{name: "completion of --format", args: []string{"__complete", "validate", "--format", ""}, wantOut: "text\njson\nsarif\njunit\n:4\n"},
		{name: "completion of a knob", args: []string{"__complete", "validate", "--on-violation", ""}, wantOut: "fail\nwarn\n:4\n"},
		{name: "completion of another command's --format", args: []string{"__complete", "schemas", "test", "--format", ""}, wantOut: "text\njson\njunit\n:4\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, errOut := cli.Test()
			code := root.Run(t.Context(), &cli.Factory{IO: ios}, tt.args)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.wantCode, errOut)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			if tt.notWantErr != "" && strings.Contains(errOut.String(), tt.notWantErr) {
				t.Errorf("stderr %q has %q", errOut, tt.notWantErr)
			}
		})
	}
}
