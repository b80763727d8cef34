package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdGenerateFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    GenerateOptions
		wantErr string
	}{
		{
			name: "all flags",
			args: "--source dir --type AWS::S3::Bucket --type AWS::SNS::Topic --overlays ov --out out --snapshot 2026-08-03 --check --format json",
			want: GenerateOptions{Source: "dir", Types: []string{"AWS::S3::Bucket", "AWS::SNS::Topic"}, Overlays: "ov", Out: "out", Snapshot: "2026-08-03", Check: true, Format: render.JSON},
		},
		{name: "defaults", args: "--source s.zip --out out", want: GenerateOptions{Source: "s.zip", Out: "out", Format: render.Text}},
		{name: "no source", args: "--out out", wantErr: "--source is required"},
		{name: "no out", args: "--source dir", wantErr: "--out is required"},
		{name: "bad snapshot", args: "--source dir --out out --snapshot 2026-13-01", wantErr: "--snapshot"},
		{name: "bad type", args: "--source dir --out out --type S3Bucket", wantErr: "--type"},
		{name: "positional argument", args: "--source dir --out out extra", wantErr: "unknown command"},
		{name: "bad format", args: "--source dir --out out --format sarif", wantErr: "unknown format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cli.Test()
			var got *GenerateOptions
			cmd := NewCmdGenerate(&cli.Factory{IO: ios}, func(o *GenerateOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.AWSConfig = nil, nil
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func setup(t *testing.T) (src, overlays, out string) {
	t.Helper()
	dir := t.TempDir()
	overlays = filepath.Join(dir, "overlays")
	if err := os.Mkdir(overlays, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/Test-Widget-Thing.overlay.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(overlays, "Test-Widget-Thing.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return "testdata/provider", overlays, filepath.Join(dir, "out")
}

func TestGenerateRun(t *testing.T) {
	ctx := context.Background()
	src, overlays, out := setup(t)
	ios, _, stdout, _ := cli.Test()
	// The type has no template yet: naming it is its first approval.
	opts := &GenerateOptions{IO: ios, Source: src, Types: []string{"Test::Widget::Thing"}, Overlays: overlays, Out: out, Snapshot: "2026-08-03", Format: render.Text}
	if err := generateRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "written") || !strings.Contains(stdout.String(), "1 written") {
		t.Errorf("report:\n%s", stdout)
	}
	path := filepath.Join(out, "Test-Widget-Thing.json")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties struct {
			Config struct {
				Properties struct {
					Mode struct {
						Enum []string `json:"enum"`
					}
				}
			}
		} `json:"properties"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(body, []byte("}\n")) || !bytes.HasPrefix(body, []byte("{\n  \"$schema\"")) {
		t.Errorf("template not canonical:\n%s", body)
	}
	if diff := cmp.Diff([]string{"A"}, doc.Properties.Config.Properties.Mode.Enum); diff != "" {
		t.Errorf("overlay not applied (-want +got):\n%s", diff)
	}

	// Unchanged source, no --snapshot, no --type (the templated types): the recorded snapshot is
	// kept and nothing is rewritten.
	stdout.Reset()
	opts.Snapshot, opts.Types = "", nil
	if err := generateRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "1 unchanged") {
		t.Errorf("second run should change nothing:\n%s", stdout)
	}

	// --check finds a stale template (here, hand-edited spacing) and asks for exit code 1.
	stale := append(bytes.ReplaceAll(body, []byte("  "), []byte("\t")), '\n')
	if err := os.WriteFile(path, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	opts.Check, opts.Format = true, render.JSON
	err = generateRun(ctx, opts)
	if !errors.Is(err, cli.ErrFindings) {
		t.Fatalf("--check on a stale template: error %v, want ErrFindings", err)
	}
	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, stdout)
	}
	if rep.Stale != 1 || rep.Templates[0].Status != StatusStale || !rep.Templates[0].Overlay || rep.Templates[0].Dropped != 1 {
		t.Errorf("report %+v", rep)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, stale) {
		t.Errorf("--check wrote the file")
	}
}

func TestGenerateRunErrors(t *testing.T) {
	ctx := context.Background()
	src, _, out := setup(t)
	badOverlays := t.TempDir()
	if err := os.WriteFile(filepath.Join(badOverlays, "Test-Widget-Thing.json"), []byte(`[{"op":"remove","path":"/properties/Nope"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     GenerateOptions
		wantFlag bool
		wantMsg  string
	}{
		{name: "missing source", opts: GenerateOptions{Source: "testdata/nope", Out: out}, wantFlag: true, wantMsg: "--source"},
		{name: "overlays not a folder", opts: GenerateOptions{Source: src, Overlays: "testdata/nope", Out: out}, wantFlag: true, wantMsg: "--overlays"},
		{name: "check without out", opts: GenerateOptions{Source: src, Out: filepath.Join(out, "nope"), Check: true}, wantFlag: true, wantMsg: "--out"},
		{name: "unknown type", opts: GenerateOptions{Source: src, Types: []string{"Test::Nope::Thing"}, Out: out}, wantMsg: "no provider schema"},
		{name: "broken overlay", opts: GenerateOptions{Source: src, Types: []string{"Test::Widget::Thing"}, Overlays: badOverlays, Out: out}, wantMsg: "operation 0 (remove /properties/Nope)"},
		{name: "live source without AWS config", opts: GenerateOptions{Source: LiveSource, Out: out}, wantMsg: "no AWS configuration"},
		{name: "live source config error", opts: GenerateOptions{Source: LiveSource, Out: out, AWSConfig: func(context.Context) (aws.Config, error) {
			return aws.Config{}, errors.New("no credentials")
		}}, wantMsg: "aws config: no credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cli.Test()
			tt.opts.IO, tt.opts.Snapshot, tt.opts.Format = ios, "2026-08-03", render.Text
			err := generateRun(ctx, &tt.opts)
			if err == nil {
				t.Fatal("want an error")
			}
			var fe *cli.FlagError
			if errors.As(err, &fe) != tt.wantFlag {
				t.Errorf("FlagError = %v, want %v (%v)", !tt.wantFlag, tt.wantFlag, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
			if cli.ExitCode(err) != cli.ExitError {
				t.Errorf("exit code %d, want %d", cli.ExitCode(err), cli.ExitError)
			}
		})
	}
}

// TestGenerateKeepsApprovals regenerates a template from a newer provider schema: the template in
// --out is the approval record, so what AWS added stays out and is reported, what it approves is
// refreshed, and the run succeeds. --approve-all takes everything.
func TestGenerateKeepsApprovals(t *testing.T) {
	ctx := context.Background()
	src, overlays, out := setup(t)
	ios, _, stdout, _ := cli.Test()
	first := &GenerateOptions{IO: ios, Source: src, Types: []string{"Test::Widget::Thing"}, Overlays: overlays, Out: out, Snapshot: "2026-02-02", Format: render.Text}
	if err := generateRun(ctx, first); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	next := &GenerateOptions{IO: ios, Source: "testdata/provider-new", Overlays: overlays, Out: out, Snapshot: "2026-08-03", Format: render.JSON}
	if err := generateRun(ctx, next); err != nil {
		t.Fatalf("regeneration with pending additions: error %v, want success", err)
	}
	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, stdout)
	}
	if len(rep.Templates) != 1 {
		t.Fatalf("report %+v: want the one templated type", rep)
	}
	e := rep.Templates[0]
	// Mode's C is held back by the overlay's narrowing already; Level is new as a whole.
	if diff := cmp.Diff([]string{"/Config/Level", "/NamePrefix"}, e.Pending); diff != "" || e.Approval != approval.Narrowed {
		t.Errorf("pending (-want +got):\n%s (approval %q)", diff, e.Approval)
	}
	if diff := cmp.Diff([]string{"Test::Widget::Other"}, rep.NewTypes); diff != "" {
		t.Errorf("new types (-want +got):\n%s", diff)
	}
	body, err := os.ReadFile(filepath.Join(out, "Test-Widget-Thing.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The name, now described.", `"2026-08-03"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("template not refreshed: no %s", want)
		}
	}
	for _, held := range []string{"NamePrefix", "Level", `"C"`} {
		if strings.Contains(string(body), held) {
			t.Errorf("template approves %s, which nobody approved", held)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "Test-Widget-Other.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a type without a template was created: %v", err)
	}

	stdout.Reset()
	next.ApproveAll, next.Format = true, render.Text
	if err := generateRun(ctx, next); err != nil {
		t.Fatal(err)
	}
	body, _ = os.ReadFile(filepath.Join(out, "Test-Widget-Thing.json"))
	if !strings.Contains(string(body), "NamePrefix") || !strings.Contains(string(body), "Level") {
		t.Errorf("--approve-all held something back:\n%s", body)
	}
	if _, err := os.Stat(filepath.Join(out, "Test-Widget-Other.json")); err != nil {
		t.Errorf("--approve-all did not create every type: %v", err)
	}
}
