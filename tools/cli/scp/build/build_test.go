package build

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/scpgen"
)

// The compiler's fixtures: a small service reference, provider schemas, templates and configs.
var fixtures = filepath.Join("..", "..", "..", "scpgen", "testdata")

func TestNewCmdBuildFlags(t *testing.T) {
	t.Parallel()
	req := []string{"--service-reference", "ref", "--schemas-source", "cfn"}
	tests := []struct {
		name    string
		args    []string
		want    BuildOptions
		wantErr string
	}{
		{name: "defaults", args: req, want: BuildOptions{Config: "scp/rcfge.yaml", ServiceReference: "ref", SchemasSource: "cfn",
			Templates: "schemas", Out: "scp", Format: render.Text}},
		{name: "everything", args: append([]string{"--config", "c.yaml", "--templates", "t", "--out", "o", "--strict",
			"--max-chars", "10240", "--max-policies", "2", "--format", "json"}, req...),
			want: BuildOptions{Config: "c.yaml", ServiceReference: "ref", SchemasSource: "cfn", Templates: "t", Out: "o",
				Strict: true, MaxChars: 10240, MaxPolicies: 2, Format: render.JSON}},
		{name: "no service reference", args: []string{"--schemas-source", "cfn"}, wantErr: "are required"},
		{name: "no schemas", args: []string{"--service-reference", "ref"}, wantErr: "are required"},
		{name: "argument", args: append([]string{"extra"}, req...), wantErr: "unknown command"},
		{name: "negative", args: append([]string{"--max-policies", "-2"}, req...), wantErr: "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *BuildOptions
			cmd := NewCmdBuild(&cli.Factory{IO: ios}, func(o *BuildOptions) error { got = o; return nil })
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

func options(t *testing.T, ios *cli.IOStreams, templates string) *BuildOptions {
	t.Helper()
	return &BuildOptions{
		IO:               ios,
		Config:           filepath.Join(fixtures, "config", "basic.yaml"),
		ServiceReference: filepath.Join(fixtures, "svcref"),
		SchemasSource:    filepath.Join(fixtures, "schemas"),
		Templates:        filepath.Join(fixtures, "templates", templates),
		Out:              t.TempDir(),
		Format:           render.Text,
	}
}

func TestBuildRun(t *testing.T) {
	t.Parallel()
	ios, _, out, errOut := cli.Test()
	opts := options(t, ios, "basic")
	if err := buildRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if want := "1 policies (quota 5), 2 approved types, 2 warnings"; !strings.Contains(out.String(), want) {
		t.Errorf("stdout lacks %q:\n%s", want, out)
	}
	for _, w := range []string{"warning: AWS::S3::Bucket (create,update handlers): s3:DeleteBucketCors", "warning: AWS::S3::Bucket (create handlers): s3:REST.PUT.OBJECT"} {
		if !strings.Contains(errOut.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	for _, f := range []string{"rcfge-scp-1.json", scpgen.ManifestFile} {
		if _, err := os.Stat(filepath.Join(opts.Out, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestBuildRunJSON(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := cli.Test()
	opts := options(t, ios, "basic")
	opts.Format = render.JSON
	if err := buildRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "{\n  \"manifest\": {") {
		t.Errorf("JSON report:\n%s", out)
	}
}

func TestBuildRunErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*BuildOptions)
		wantErr error
		wantMsg string
	}{
		{name: "strict", edit: func(o *BuildOptions) { o.Strict = true }, wantErr: scpgen.ErrUnknownAction, wantMsg: "s3:DeleteBucketCors"},
		{name: "quota over the AWS limit", edit: func(o *BuildOptions) { o.MaxChars = 20000 }, wantErr: scpgen.ErrConfig, wantMsg: "maxChars 20000"},
		{name: "count quota", edit: func(o *BuildOptions) {
			o.Templates = filepath.Join(fixtures, "templates", "wide")
			o.MaxChars, o.MaxPolicies = 1000, 2
		}, wantErr: scpgen.ErrQuotas, wantMsg: "characters missing (8 policies of at most 1000 characters needed, 2 allowed per target)"},
		{name: "no config", edit: func(o *BuildOptions) { o.Config = "absent.yaml" }, wantErr: fs.ErrNotExist},
		{name: "no schemas folder", edit: func(o *BuildOptions) { o.SchemasSource = "absent" }, wantMsg: "--schemas-source absent: not a folder"},
		{name: "no templates folder", edit: func(o *BuildOptions) { o.Templates = "absent" }, wantMsg: "--templates absent: not a folder"},
		{name: "no service reference", edit: func(o *BuildOptions) { o.ServiceReference = "absent" }, wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			opts := options(t, ios, "basic")
			tt.edit(opts)
			err := buildRun(t.Context(), opts)
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
			if entries, _ := os.ReadDir(opts.Out); len(entries) != 0 {
				t.Errorf("a failed build wrote %d files", len(entries))
			}
		})
	}
}
