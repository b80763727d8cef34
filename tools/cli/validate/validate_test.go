package validate_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
	"github.com/rcfge/rcfge/tools/golden"
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
			want: validate.ValidateOptions{Files: []string{"a.yaml"}, Format: render.Text, Vars: placeholder.Vars{}, Parameters: map[string]string{}},
		},
		{
			name: "everything",
			args: []string{
				"--templates", "dir", "--account", "111122223333", "--region", "eu-west-1", "--partition", "aws",
				"--stack-name", "app", "--var", "owner=a,b", "--var", "empty=", "--var-list", "keys=k1,k2", "--var-list", "none=",
				"--parameter", "Env=prod", "--parameter", "Url=https://x?a=b", "--format", "sarif", "a.yaml", "b.json",
			},
			want: validate.ValidateOptions{
				Templates: "dir", Account: "111122223333", Region: "eu-west-1", Partition: "aws", StackName: "app",
				Vars: placeholder.Vars{
					"owner": placeholder.String("a,b"), "empty": placeholder.String(""),
					"keys": placeholder.List("k1", "k2"), "none": placeholder.List(),
				},
				Parameters: map[string]string{"Env": "prod", "Url": "https://x?a=b"},
				Format:     render.SARIF,
				Files:      []string{"a.yaml", "b.json"},
			},
		},
		{name: "no file", args: nil, wantErr: "validate needs at least one template file"},
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
		{name: "bad format", args: []string{"--format", "md", "a.yaml"}, wantErr: `unknown format "md"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *validate.ValidateOptions
			cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, func(o *validate.ValidateOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
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
				cmpopts.IgnoreFields(validate.ValidateOptions{}, "IO", "Context", "TemplatesFS"),
				cmp.AllowUnexported(placeholder.Value{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// run executes the command as rcfge would and returns stdout, the error and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, error, int) {
	t.Helper()
	ios, in, stdout, _ := cli.Test()
	in.WriteString(stdin)
	cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return stdout.String(), err, cli.ExitCode(err)
}

var common = []string{
	"--templates", "testdata/templates", "--account", "111122223333", "--region", "eu-west-1",
	"--var", "owner=platform,ops", "--var-list", "tagKeys=team,cost-centre",
}

func TestValidateRunFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantExit int
	}{
		{"approved", []string{"testdata/input/approved.yaml"}, cli.ExitOK},
		{"text", []string{"testdata/input/approved.yaml", "testdata/input/violations.json"}, cli.ExitFindings},
		{"json", []string{"--format", "json", "testdata/input/violations.json"}, cli.ExitFindings},
		{"sarif", []string{"--format", "sarif", "testdata/input/approved.yaml", "testdata/input/violations.json"}, cli.ExitFindings},
		{"junit", []string{"--format", "junit", "testdata/input/approved.yaml", "testdata/input/violations.json"}, cli.ExitFindings},
		{"parameter overrides default", []string{"--parameter", "Name=Not_Valid", "testdata/input/approved.yaml"}, cli.ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err, code := run(t, "", append(append([]string{}, common...), tt.args...)...)
			if code != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantExit == cli.ExitFindings && !errors.Is(err, cli.ErrFindings) {
				t.Errorf("error %v, want cli.ErrFindings", err)
			}
			golden.AssertString(t, golden.Path(t), out)
		})
	}
}

func TestValidateRunStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/input/approved.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err, code := run(t, string(data), append(append([]string{}, common...), "-")...)
	if code != cli.ExitOK {
		t.Fatalf("exit %d (%v)", code, err)
	}
	if !strings.HasPrefix(out, "-:6: Bucket (AWS::S3::Bucket): approved") {
		t.Errorf("output %q", out)
	}
}

// TestValidateRunEmbedded runs against the templates built into rcfge, as the examples do.
func TestValidateRunEmbedded(t *testing.T) {
	t.Parallel()
	out, err, code := run(t, "", "--account", "111122223333", "--region", "eu-west-1", "--format", "json", "testdata/input/violations.json")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d (%v)", code, err)
	}
	for _, want := range []string{`"path": "/NewFeature"`, `"path": "/Topic"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

func TestValidateRunErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantKind engine.Kind
		wantIs   error
		wantMsg  string
	}{
		{name: "unreadable file", args: []string{"testdata/input/nope.yaml"}, wantIs: os.ErrNotExist, wantMsg: "read template: open testdata/input/nope.yaml: no such file or directory"},
		{name: "directory as file", args: []string{"testdata/input"}, wantMsg: "read template: read testdata/input: is a directory"},
		{name: "yaml syntax error", args: []string{"testdata/input/syntax.yaml"}, wantIs: cfntemplate.ErrSyntax, wantMsg: "testdata/input/syntax.yaml: syntax error"},
		{name: "not a template", args: []string{"testdata/input/not-template.yaml"}, wantIs: cfntemplate.ErrNotTemplate, wantMsg: "not a CloudFormation template: no Resources map"},
		{name: "non-object properties", args: []string{"testdata/input/properties-string.yaml"}, wantIs: cfntemplate.ErrResource, wantMsg: "testdata/input/properties-string.yaml:2: invalid resource: Bucket: Properties is a string, not an object"},
		{name: "unknown resource type", args: []string{"testdata/input/unknown-type.yaml"}, wantKind: engine.KindMissingTemplate, wantMsg: "testdata/input/unknown-type.yaml:2: resource Queue: AWS::SQS::Queue is not an approved resource type"},
		{name: "invalid type name", args: []string{"testdata/input/invalid-type.yaml"}, wantKind: engine.KindRequest, wantMsg: `testdata/input/invalid-type.yaml:2: resource Thing: invalid request: not-a-type`},
		{name: "templates folder missing", args: []string{"--templates", "testdata/nope", "testdata/input/approved.yaml"}, wantIs: os.ErrNotExist, wantMsg: "--templates: stat testdata/nope"},
		{name: "templates folder is a file", args: []string{"--templates", "testdata/input/approved.yaml", "testdata/input/approved.yaml"}, wantMsg: "--templates testdata/input/approved.yaml: not a directory"},
		{name: "built-in placeholder without its flag", args: []string{"--account", "", "testdata/input/approved.yaml"}, wantKind: engine.KindInvalidTemplate, wantMsg: "(set it with --account, --region, --partition or --stack-name)"},
		{name: "error in a later file", args: []string{"testdata/input/approved.yaml", "testdata/input/syntax.yaml"}, wantIs: cfntemplate.ErrSyntax, wantMsg: "syntax.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{}, common...), tt.args...)
			out, err, code := run(t, "", args...)
			if code != cli.ExitError {
				t.Fatalf("exit %d (%v), want %d", code, err, cli.ExitError)
			}
			if out != "" {
				t.Errorf("a report was written alongside the error:\n%s", out)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if tt.wantKind != 0 && engine.KindOf(err) != tt.wantKind {
				t.Errorf("error %v has kind %v, want %v", err, engine.KindOf(err), tt.wantKind)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q lacks %q", msg, tt.wantMsg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

// TestValidateRunStreams covers failures of standard input and output.
func TestValidateRunStreams(t *testing.T) {
	t.Parallel()
	errRead := errors.New("stdin broke")
	errWrite := errors.New("stdout closed")
	tests := []struct {
		name    string
		in      io.Reader
		out     io.Writer
		wantIs  error
		wantMsg string
	}{
		{name: "stdin fails", in: iotest.ErrReader(errRead), out: &bytes.Buffer{}, wantIs: errRead, wantMsg: "read template -: stdin broke"},
		{name: "stdin too large", in: strings.NewReader("#" + strings.Repeat("x", 1<<20)), out: &bytes.Buffer{}, wantMsg: "read template -: larger than CloudFormation's 1 MB limit"},
		{name: "stdout fails", in: strings.NewReader("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"), out: failingWriter{errWrite}, wantIs: errWrite, wantMsg: "write report: stdout closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			ios.In, ios.Out = tt.in, tt.out
			cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, nil)
			cmd.SetArgs(append(append([]string{}, common...), "-"))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			if cli.ExitCode(err) != cli.ExitError {
				t.Fatalf("error %v: exit %d, want %d", err, cli.ExitCode(err), cli.ExitError)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q lacks %q", err, tt.wantMsg)
			}
		})
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
