package replay

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/hook/wire"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
)

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Run(m, &srv)) }

const (
	examples  = "../../../../examples/hook-requests"
	templates = "../../../../schemas"
)

func TestNewCmdReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    ReplayOptions
		wantErr string
	}{
		{name: "defaults", args: []string{"a.json", "b.json"}, want: ReplayOptions{Format: render.Text, Payloads: []string{"a.json", "b.json"}}},
		{name: "all flags", args: []string{"--templates", "s3://b/p", "--endpoint-url", "http://x", "--format", "json", "a.json"},
			want: ReplayOptions{Templates: "s3://b/p", EndpointURL: "http://x", Format: render.JSON, Payloads: []string{"a.json"}}},
		{name: "no payload", args: nil, wantErr: "at least one request file"},
		{name: "empty bucket", args: []string{"--templates", "s3://", "a.json"}, wantErr: "want s3://bucket"},
		{name: "bad format", args: []string{"--format", "sarif", "a.json"}, wantErr: `unknown format "sarif"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *ReplayOptions
			cmd := NewCmdReplay(&cli.Factory{IO: ios}, func(_ context.Context, o *ReplayOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.ErrOut)
			cmd.SetErr(ios.ErrOut)
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
			if diff := cmp.Diff(tt.want, *got, cmp.FilterPath(func(p cmp.Path) bool {
				switch p.Last().String() {
				case ".IO", ".AWSConfig", ".Logger", ".Getenv":
					return true
				}
				return false
			}, cmp.Ignore())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func exampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examples, "*.json"))
	if err != nil || len(files) != 6 {
		t.Fatalf("examples: %v %v", files, err)
	}
	return files
}

func noEnv(string) string { return "" }

// TestReplayExamples: the design's three S3 examples, wrapped as requests of each protocol, answer
// SUCCESS, FAILED/NonCompliant, FAILED/NonCompliant.
func TestReplayExamples(t *testing.T) {
	t.Parallel()
	for _, format := range []render.Format{render.Text, render.JSON} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			err := replayRun(t.Context(), &ReplayOptions{IO: ios, Getenv: noEnv, Templates: templates, Format: format, Payloads: exampleFiles(t)})
			if !errors.Is(err, cli.ErrFindings) {
				t.Fatalf("err = %v, want ErrFindings", err)
			}
			got := strings.ReplaceAll(out.String(), examples+"/", "")
			golden.AssertString(t, filepath.Join("testdata", "TestReplayExamples", string(format)+".golden"), got)
		})
	}
}

func TestReplayOutcomes(t *testing.T) {
	t.Parallel()
	want := map[string]wire.Status{"own-topic": wire.StatusSuccess, "foreign-topic": wire.StatusFailed, "new-feature": wire.StatusFailed}
	for _, f := range exampleFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			err := replayRun(t.Context(), &ReplayOptions{IO: ios, Getenv: noEnv, Templates: templates, Format: render.JSON, Payloads: []string{f}})
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			name = name[strings.Index(name, "s3-bucket-")+len("s3-bucket-"):]
			wantErr := error(nil)
			if want[name] == wire.StatusFailed {
				wantErr = cli.ErrFindings
				if !strings.Contains(out.String(), `"errorCode": "NonCompliant"`) {
					t.Errorf("output lacks NonCompliant:\n%s", out)
				}
			}
			if !errors.Is(err, wantErr) && err != wantErr {
				t.Errorf("err = %v, want %v", err, wantErr)
			}
			if !strings.Contains(out.String(), `"hookStatus": "`+string(want[name])+`"`) {
				t.Errorf("output lacks %s:\n%s", want[name], out)
			}
		})
	}
}

func TestReplayErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     ReplayOptions
		wantErr  string
		wantFlag bool
	}{
		{name: "missing request", opts: ReplayOptions{Templates: templates, Payloads: []string{"testdata/nope.json"}}, wantErr: "nope.json"},
		{name: "request a folder", opts: ReplayOptions{Templates: templates, Payloads: []string{"testdata"}}, wantErr: "request read testdata: is a directory"},
		{name: "request not JSON", opts: ReplayOptions{Templates: templates, Payloads: []string{"replay.go"}}, wantErr: "request replay.go: not JSON"},
		{name: "templates missing", opts: ReplayOptions{Templates: "testdata/none", Payloads: []string{"x"}}, wantErr: "--templates"},
		{name: "templates a file", opts: ReplayOptions{Templates: "replay.go", Payloads: []string{"x"}}, wantErr: "not a folder", wantFlag: true},
		{name: "bad environment", opts: ReplayOptions{Getenv: func(k string) string {
			if k == "RCFGE_ON_ENGINE_ERROR" {
				return "MAYBE"
			}
			return ""
		}, Payloads: []string{"x"}}, wantErr: "RCFGE_ON_ENGINE_ERROR"},
		{name: "aws config fails", opts: ReplayOptions{Templates: "s3://b/p", AWSConfig: func(context.Context) (aws.Config, error) {
			return aws.Config{}, errors.New("no profile")
		}, Payloads: []string{"x"}}, wantErr: "no profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			tt.opts.IO, tt.opts.Format = ios, render.Text
			if tt.opts.Getenv == nil {
				tt.opts.Getenv = noEnv
			}
			err := replayRun(t.Context(), &tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if code := cli.ExitCode(err); code != cli.ExitError {
				t.Errorf("exit code %d, want %d (input error)", code, cli.ExitError)
			}
			var fe *cli.FlagError
			if errors.As(err, &fe) != tt.wantFlag {
				t.Errorf("FlagError = %v, want %v", errors.As(err, &fe), tt.wantFlag)
			}
		})
	}
}

// TestReplayFromS3 replays against templates in an S3-compatible server, both through
// --templates s3://... and through the bucket each request's configuration names.
func TestReplayFromS3(t *testing.T) {
	if srv == nil {
		t.Skip(s3test.SkipReason)
	}
	ctx := t.Context()
	body, err := os.ReadFile(filepath.Join(templates, "AWS-S3-Bucket.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bucket := range []string{"replay-staging", "rcfge-templates"} {
		if err := srv.CreateBucket(ctx, bucket); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Put(ctx, bucket, "templates/AWS-S3-Bucket.json", body); err != nil {
			t.Fatal(err)
		}
	}
	awsCfg := func(context.Context) (aws.Config, error) {
		return aws.Config{Region: s3test.Region, Credentials: credentials.NewStaticCredentialsProvider(s3test.RootAccess, s3test.RootSecret, "")}, nil
	}
	tests := []struct {
		name      string
		templates string
		files     []string
	}{
		{"s3 flag", "s3://replay-staging/templates", exampleFiles(t)},
		{"request configuration", "", []string{
			filepath.Join(examples, "registered-s3-bucket-own-topic.json"),
			filepath.Join(examples, "registered-s3-bucket-foreign-topic.json"),
			filepath.Join(examples, "registered-s3-bucket-new-feature.json"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := cli.Test()
			err := replayRun(ctx, &ReplayOptions{IO: ios, Getenv: noEnv, AWSConfig: awsCfg, Templates: tt.templates, EndpointURL: srv.Endpoint,
				Format: render.Text, Payloads: tt.files})
			if !errors.Is(err, cli.ErrFindings) {
				t.Fatalf("err = %v\n%s", err, out)
			}
			o := out.String()
			if n := strings.Count(o, `"hookStatus": "SUCCESS"`); n != len(tt.files)/3 {
				t.Errorf("%d SUCCESS, want %d:\n%s", n, len(tt.files)/3, o)
			}
			if n := strings.Count(o, `"errorCode": "NonCompliant"`); n != 2*len(tt.files)/3 {
				t.Errorf("%d NonCompliant, want %d:\n%s", n, 2*len(tt.files)/3, o)
			}
			if !strings.Contains(o, "s3://") {
				t.Errorf("answers do not name the S3 template:\n%s", o)
			}
		})
	}
}
