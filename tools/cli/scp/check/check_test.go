package check

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// The service reference fixture of the compiler's tests.
var svcRef = filepath.Join("..", "..", "..", "scpgen", "testdata", "svcref")

func TestNewCmdCheckFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    CheckOptions
		wantErr string
	}{
		{name: "defaults", args: []string{"scp", "--service-reference", "ref"},
			want: CheckOptions{Dir: "scp", ServiceReference: "ref", Format: render.Text}},
		{name: "quotas and json", args: []string{"out", "--service-reference", "ref", "--max-chars", "10240", "--max-policies", "3", "--format", "json"},
			want: CheckOptions{Dir: "out", ServiceReference: "ref", MaxChars: 10240, MaxPolicies: 3, Format: render.JSON}},
		{name: "no folder", args: []string{"--service-reference", "ref"}, wantErr: "exactly one folder"},
		{name: "no service reference", args: []string{"scp"}, want: CheckOptions{Dir: "scp", Format: render.Text}},
		{name: "negative quota", args: []string{"scp", "--service-reference", "r", "--max-chars", "-1"}, wantErr: "must be positive"},
		{name: "bad format", args: []string{"scp", "--service-reference", "r", "--format", "sarif"}, wantErr: `unknown format "sarif"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *CheckOptions
			cmd := NewCmdCheck(&cli.Factory{IO: ios}, func(o *CheckOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		dir        string
		maxChars   int
		format     string
		wantErr    error
		wantErrMsg string
		wantOut    []string
	}{
		{name: "problems", dir: "bad", wantErr: cli.ErrFindings, wantOut: []string{
			"rcfge-scp-1.json: 212/5120 characters: 3 problem(s)",
			// The reasons are svcref's words; only the location and the action are this command's.
			`/Statement/0/Action/0: action "s3:PutBucketCors": `,
			`/Statement/0/Action/1: action "sqs:SendMessage": `,
			`/Statement/0/Condition/StringEqualz: unknown condition operator "StringEqualz"`,
		}},
		{name: "too large", dir: "toomany", maxChars: 50, wantErr: cli.ErrFindings, wantOut: []string{
			"p1.json: 96/50 characters: 1 problem(s)", "96 characters without whitespace, over the quota of 50",
			"6 policies, over the quota of 5 per target"}},
		{name: "json", dir: "toomany", format: "json", wantErr: cli.ErrFindings, wantOut: []string{`"problems": [`, `"6 policies, over the quota of 5 per target"`}},
		{name: "no policies", dir: "empty", wantErr: cli.ErrFindings, wantOut: []string{"no policy files (*.json)"}},
		{name: "manifest quota out of range", dir: "badmanifest", wantErrMsg: "maxChars 99999"},
		{name: "not a folder", dir: "absent", wantErrMsg: "not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			opts := &CheckOptions{IO: ios, Dir: filepath.Join("testdata", tt.dir), ServiceReference: svcRef,
				MaxChars: tt.maxChars, Format: render.Format(tt.format)}
			err := checkRun(t.Context(), opts)
			if tt.wantErrMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrMsg) {
					t.Fatalf("err = %v, want %q", err, tt.wantErrMsg)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestCheckExitCodes runs the command as the CLI does and maps its error to the exit code.
func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want int
	}{
		{name: "problems", args: []string{filepath.Join("testdata", "bad"), "--service-reference", svcRef}, want: cli.ExitFindings},
		{name: "too many", args: []string{filepath.Join("testdata", "toomany"), "--service-reference", svcRef}, want: cli.ExitFindings},
		{name: "clean", args: []string{filepath.Join("testdata", "good"), "--service-reference", svcRef}, want: cli.ExitOK},
		// Without a snapshot the unknown actions of "bad" go unseen; its condition operator does not.
		{name: "grammar only", args: []string{filepath.Join("testdata", "bad")}, want: cli.ExitFindings},
		{name: "clean without a snapshot", args: []string{filepath.Join("testdata", "good")}, want: cli.ExitOK},
		{name: "usage", args: []string{"--service-reference", svcRef}, want: cli.ExitError},
		{name: "bad service reference", args: []string{filepath.Join("testdata", "bad"), "--service-reference", "absent"}, want: cli.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			cmd := NewCmdCheck(&cli.Factory{IO: ios}, nil)
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			if got := cli.ExitCode(cmd.Execute()); got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
}
