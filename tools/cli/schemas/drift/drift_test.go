package drift_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/drift"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdDriftFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    drift.DriftOptions
		wantErr string
	}{
		{
			name: "templates",
			args: []string{"--source", "src", "--templates", "schemas"},
			want: drift.DriftOptions{Source: "src", Templates: "schemas", Format: render.Text},
		},
		{
			name: "everything",
			args: []string{"--source", "cloudformation", "--templates", "t", "--overlays", "o", "--baseline", "old.zip", "--format", "md"},
			want: drift.DriftOptions{Source: "cloudformation", Templates: "t", Overlays: "o", Baseline: "old.zip", Format: render.Markdown},
		},
		{
			name: "baseline alone",
			args: []string{"--source", "new", "--baseline", "old"},
			want: drift.DriftOptions{Source: "new", Baseline: "old", Format: render.Text},
		},
		{name: "no source", args: []string{"--templates", "t"}, wantErr: "--source is required"},
		{name: "nothing to compare", args: []string{"--source", "s"}, wantErr: "--templates or --baseline is required"},
		{name: "overlays alone", args: []string{"--source", "s", "--baseline", "b", "--overlays", "o"}, wantErr: "--overlays needs --templates"},
		{name: "bad format", args: []string{"--source", "s", "--templates", "t", "--format", "sarif"}, wantErr: `unknown format "sarif"`},
		{name: "positional argument", args: []string{"--source", "s", "--templates", "t", "extra"}, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *drift.DriftOptions
			cmd := drift.NewCmdDrift(&cli.Factory{IO: ios}, func(o *drift.DriftOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
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
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(drift.DriftOptions{}, "IO", "AWSConfig")); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDriftRun(t *testing.T) {
	t.Parallel()
	noAWS := func(context.Context) (aws.Config, error) { return aws.Config{}, errors.New("no credentials") }
	tests := []struct {
		name     string
		args     []string
		wantErr  error  // checked with errors.Is
		wantText string // error message fragment
		golden   bool
	}{
		{name: "drift found, text", args: []string{"--source", "testdata/current", "--templates", "testdata/drifted"}, wantErr: cli.ErrFindings, golden: true},
		{name: "drift found, markdown", args: []string{"--source", "testdata/current", "--templates", "testdata/drifted", "--format", "md"}, wantErr: cli.ErrFindings, golden: true},
		{name: "decided in the overlay", args: []string{"--source", "testdata/current", "--templates", "testdata/uptodate"}, golden: true},
		{name: "overlays elsewhere", args: []string{"--source", "testdata/current", "--templates", "testdata/drifted", "--overlays", "testdata/uptodate/overlays"}},
		{name: "baseline", args: []string{"--source", "testdata/current", "--baseline", "testdata/current", "--format", "json"}, golden: true},
		{name: "templates with baseline", args: []string{"--source", "testdata/current", "--baseline", "testdata/current", "--templates", "testdata/drifted"}},
		{name: "missing source", args: []string{"--source", "testdata/nope", "--templates", "testdata/drifted"}, wantText: "--source"},
		{name: "source not a zip", args: []string{"--source", "drift.go", "--templates", "testdata/drifted"}, wantText: "--source"},
		{name: "missing baseline", args: []string{"--source", "testdata/current", "--baseline", "testdata/nope"}, wantText: "--baseline"},
		{name: "live baseline", args: []string{"--source", "testdata/current", "--baseline", "cloudformation"}, wantText: "--baseline is a snapshot"},
		{name: "live source without credentials", args: []string{"--source", "cloudformation", "--templates", "testdata/drifted"}, wantText: "no credentials"},
		{name: "templates not a folder", args: []string{"--source", "testdata/current", "--templates", "drift.go"}, wantText: "not a folder"},
		{name: "templates missing", args: []string{"--source", "testdata/current", "--templates", "testdata/nope"}, wantText: "--templates"},
		{name: "overlays missing", args: []string{"--source", "testdata/current", "--templates", "testdata/drifted", "--overlays", "testdata/nope"}, wantText: "--overlays"},
		{name: "source folder above the schemas", args: []string{"--source", "testdata", "--templates", "testdata/drifted"}, wantText: "no provider schemas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			cmd := drift.NewCmdDrift(&cli.Factory{IO: ios, AWSConfig: noAWS}, nil)
			// As under the root command, which prints errors once itself.
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			switch {
			case tt.wantText != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("Execute() error = %v, want it to contain %q", err, tt.wantText)
				}
				if cli.ExitCode(err) != cli.ExitError {
					t.Errorf("exit code %d, want %d", cli.ExitCode(err), cli.ExitError)
				}
				return
			case !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil):
				t.Fatalf("Execute() error = %v, want %v", err, tt.wantErr)
			}
			if tt.golden {
				golden.AssertString(t, golden.Path(t), out.String())
			}
		})
	}
}
