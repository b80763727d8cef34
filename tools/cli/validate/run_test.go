package validate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
	"github.com/rcfge/rcfge/tools/golden"
)

// result is one run of the command as rcfge would run it.
type result struct {
	stdout, stderr string
	err            error
	code           int
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ios, in, stdout, stderr := cli.Test()
	in.WriteString(stdin)
	cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return result{stdout.String(), stderr.String(), err, cli.ExitCode(err)}
}

var common = []string{
	"--templates", "testdata/templates", "--account", "111122223333", "--region", "eu-west-1",
	"--var", "owner=platform,ops", "--var-list", "tagKeys=team,cost-centre",
}

func with(args ...string) []string { return append(slices.Clone(common), args...) }

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
		{"unapproved type", []string{"testdata/input/unknown-type.yaml", "testdata/input/approved.yaml"}, cli.ExitFindings},
		{"unapproved type warned", []string{"--on-missing-template", "warn", "testdata/input/unknown-type.yaml"}, cli.ExitOK},
		{"violations warned", []string{"--on-violation", "warn", "testdata/input/violations.json"}, cli.ExitOK},
		{"engine error", []string{"testdata/input/invalid-type.yaml", "testdata/input/approved.yaml"}, cli.ExitError},
		{"engine error warned", []string{"--on-engine-error", "warn", "testdata/input/invalid-type.yaml"}, cli.ExitOK},
		{"broken file beside a good one", []string{"testdata/input/violations.json", "testdata/input/syntax.yaml", "testdata/input/nope.yaml"}, cli.ExitError},
		{"input errors junit", []string{"--format", "junit", "testdata/input/syntax.yaml", "testdata/input/unknown-type.yaml"}, cli.ExitError},
		{"condition false skips a resource", []string{"--on-violation", "warn", "testdata/input/conditional.yaml"}, cli.ExitOK},
		{"condition true checks it", []string{"--on-violation", "warn", "--parameter", "Env=prod", "testdata/input/conditional.yaml"}, cli.ExitFindings},
		{"input errors sarif", []string{"--format", "sarif", "testdata/input/not-template.yaml", "testdata/input/unknown-type.yaml"}, cli.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, "", with(tt.args...)...)
			if r.code != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d", r.code, r.err, tt.wantExit)
			}
			if tt.wantExit == cli.ExitFindings && !errors.Is(r.err, cli.ErrFindings) {
				t.Errorf("error %v, want cli.ErrFindings", r.err)
			}
			if tt.wantExit == cli.ExitError && !errors.Is(r.err, cli.ErrReported) {
				t.Errorf("error %v, want cli.ErrReported: the report says what failed", r.err)
			}
			golden.AssertString(t, golden.Path(t), r.stdout)
		})
	}
}

// TestValidateDoneWhen is issue 16's acceptance: with the shipped templates, a template mixing
// an unapproved type and a bucket with an unapproved property gives one SARIF result each.
func TestValidateDoneWhen(t *testing.T) {
	t.Parallel()
	r := run(t, "", "--account", "111122223333", "--region", "eu-west-1", "--format", "sarif", "testdata/input/mixed.yaml")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d (%v), want 1", r.code, r.err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string
					Rules   []struct {
						ID   string
						Help struct{ Text string }
					}
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn int }
					}
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("SARIF does not decode: %v\n%s", err, r.stdout)
	}
	type hit struct {
		rule       string
		line, col  int
		fingerprnt bool
	}
	var got []hit
	for _, res := range log.Runs[0].Results {
		reg := res.Locations[0].PhysicalLocation.Region
		got = append(got, hit{res.RuleID, reg.StartLine, reg.StartColumn, res.PartialFingerprints["rcfgeFinding/v1"] != ""})
	}
	for _, want := range []hit{{"approved-type", 2, 0, true}, {"additionalProperties", 9, 7, true}} {
		if !slices.Contains(got, want) {
			t.Errorf("SARIF results %v lack %v", got, want)
		}
	}
	if log.Runs[0].Tool.Driver.Version == "" {
		t.Error("SARIF driver has no version")
	}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		if rule.Help.Text == "" {
			t.Errorf("rule %s has no help text", rule.ID)
		}
	}
}

func TestValidateRunStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/input/approved.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, string(data), with("-")...)
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d (%v)", r.code, r.err)
	}
	if !strings.HasPrefix(r.stdout, "-:6: ok: Bucket (AWS::S3::Bucket): approved") {
		t.Errorf("output %q", r.stdout)
	}
}

// TestValidateRunEmbedded runs against the templates built into rcfge, as the examples do.
func TestValidateRunEmbedded(t *testing.T) {
	t.Parallel()
	r := run(t, "", "--account", "111122223333", "--region", "eu-west-1", "--format", "json", "testdata/input/violations.json")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d (%v)", r.code, r.err)
	}
	for _, want := range []string{`"path": "/NewFeature"`, `"path": "/Topic"`, `"outcome": "noncompliant"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %s:\n%s", want, r.stdout)
		}
	}
}

// TestValidateRunInputs covers folders, globs and what a folder holds besides templates.
func TestValidateRunInputs(t *testing.T) {
	t.Parallel()
	examples := filepath.Join("..", "..", "..", "examples")
	tests := []struct {
		name       string
		args       []string
		wantExit   int
		wantOut    []string
		wantStderr string
	}{
		{"examples folder", []string{examples}, cli.ExitFindings, []string{
			"s3-bucket-new-feature.yaml:", ": error: UploadsBucket (AWS::S3::Bucket): /NewFeature: NewFeature is not an approved property",
			"s3-bucket-own-topic.yaml:5: ok: UploadsBucket", "3 resources in 3 files",
		}, "skipping " + filepath.Join(examples, "hook-requests")},
		{"glob", []string{filepath.Join(examples, "s3-bucket-*topic.yaml")}, cli.ExitFindings, []string{"2 resources in 2 files"}, ""},
		{"glob matching nothing", []string{"--templates", "testdata/templates", "testdata/input/*.nothing", "testdata/input/approved.yaml"}, cli.ExitError, []string{
			"testdata/input/*.nothing: error: not checked: no file matches the pattern [input-error]", "1 approved",
		}, ""},
		{"folder with broken files", []string{"--templates", "testdata/templates", "testdata/input"}, cli.ExitError, []string{
			"testdata/input/syntax.yaml: error: not checked: syntax error", "testdata/input/approved.yaml:6: ok",
			"testdata/input/not-template.yaml: error: not checked: not a CloudFormation template: no Resources map", "3 files not checked",
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--account", "111122223333", "--region", "eu-west-1", "--var", "owner=platform,ops", "--var-list", "tagKeys=team"}
			r := run(t, "", append(args, tt.args...)...)
			if r.code != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d\n%s", r.code, r.err, tt.wantExit, r.stdout)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, r.stderr)
			}
		})
	}
}

// TestValidateRunUsageErrors covers errors that stop the run before any report.
func TestValidateRunUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantFlag bool
		wantIs   error
		wantMsg  string
	}{
		{name: "templates folder missing", args: with("--templates", "testdata/nope", "testdata/input/approved.yaml"), wantIs: os.ErrNotExist, wantMsg: "--templates: stat testdata/nope"},
		{name: "templates folder is a file", args: with("--templates", "testdata/input/approved.yaml", "testdata/input/approved.yaml"), wantFlag: true, wantMsg: "--templates testdata/input/approved.yaml: not a folder"},
		{name: "account placeholder without its flag", args: with("--account", "", "testdata/input/approved.yaml"), wantFlag: true, wantMsg: "placeholder $<accountID> has no value in this invocation context: set it with --account"},
		{name: "region placeholder without its flag", args: with("--region", "", "testdata/input/approved.yaml"), wantFlag: true, wantMsg: "set it with --region"},
		{name: "variable not given", args: []string{"--templates", "testdata/templates", "--account", "111122223333", "--region", "eu-west-1", "testdata/input/approved.yaml"}, wantFlag: true, wantMsg: "set it with --var"},
		{name: "nothing to check", args: with(filepath.Join("testdata", "templates")), wantFlag: true, wantMsg: "no CloudFormation template found in testdata/templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, "", tt.args...)
			if r.code != cli.ExitError {
				t.Fatalf("exit %d (%v), want %d", r.code, r.err, cli.ExitError)
			}
			if r.stdout != "" {
				t.Errorf("a report was written alongside the error:\n%s", r.stdout)
			}
			var fe *cli.FlagError
			if tt.wantFlag != errors.As(r.err, &fe) {
				t.Errorf("error %v: FlagError %v, want %v", r.err, !tt.wantFlag, tt.wantFlag)
			}
			if tt.wantIs != nil && !errors.Is(r.err, tt.wantIs) {
				t.Errorf("error %v is not %v", r.err, tt.wantIs)
			}
			msg := r.err.Error()
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q lacks %q", msg, tt.wantMsg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, other := range []string{"--account", "--stack-name", "--var"} {
				if strings.Contains(msg, other) && !strings.Contains(tt.wantMsg, other) {
					t.Errorf("error %q names %s, which is not missing", msg, other)
				}
			}
		})
	}
}

// TestValidateRunOutputs writes text to stdout and SARIF and JUnit to files in one run.
func TestValidateRunOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sarifPath, junitPath := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out.xml")
	r := run(t, "", with("--format", "text", "--format", "sarif="+sarifPath, "--format", "junit="+junitPath, "testdata/input/violations.json")...)
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d (%v)", r.code, r.err)
	}
	if !strings.Contains(r.stdout, "[additionalProperties]") {
		t.Errorf("text output missing:\n%s", r.stdout)
	}
	for path, want := range map[string]string{sarifPath: `"ruleId": "additionalProperties"`, junitPath: "<testsuites"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %s:\n%s", path, want, data)
		}
	}
	jsonPath := filepath.Join(dir, "out.json")
	r = run(t, "", with("--format", "json", "--output", jsonPath, "testdata/input/violations.json")...)
	if data, err := os.ReadFile(jsonPath); err != nil || r.stdout != "" || !strings.Contains(string(data), `"outcome": "noncompliant"`) {
		t.Errorf("--output: stdout %q, file %q (%v)", r.stdout, data, err)
	}
	r = run(t, "", with("--format", "sarif="+filepath.Join(dir, "no", "such", "dir.sarif"), "testdata/input/violations.json")...)
	if r.code != cli.ExitError || !errors.Is(r.err, os.ErrNotExist) {
		t.Errorf("unwritable output: exit %d, error %v; want 2 and not exist", r.code, r.err)
	}
}

// TestValidateRunStreams covers failures of standard input and output.
func TestValidateRunStreams(t *testing.T) {
	t.Parallel()
	errRead := errors.New("stdin broke")
	errWrite := errors.New("stdout closed")
	tests := []struct {
		name     string
		in       io.Reader
		out      io.Writer
		wantIs   error
		wantMsg  string
		wantCode int
	}{
		{name: "stdin fails", in: iotest.ErrReader(errRead), out: &bytes.Buffer{}, wantMsg: "-: error: not checked: read template -: stdin broke"},
		{name: "stdin too large", in: strings.NewReader("#" + strings.Repeat("x", 1<<20)), out: &bytes.Buffer{}, wantMsg: "read template -: larger than CloudFormation's 1 MB limit"},
		{name: "stdout fails", in: strings.NewReader("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"), out: failingWriter{errWrite}, wantIs: errWrite, wantMsg: "write text report: stdout closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			ios.In = tt.in
			var out bytes.Buffer
			ios.Out = &out
			if tt.out != nil {
				if fw, ok := tt.out.(failingWriter); ok {
					ios.Out = fw
				}
			}
			cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, nil)
			cmd.SetArgs(with("-"))
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
			if got := err.Error() + "\n" + out.String(); !strings.Contains(got, tt.wantMsg) {
				t.Errorf("error and report %q lack %q", got, tt.wantMsg)
			}
		})
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
