package expand_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions/expand"
	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ios, _, out, _ := cli.Test()
	cmd := expand.NewCmdExpand(&cli.Factory{IO: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		want      string
		wantErr   error
		wantFlag  bool
		wantInErr []string
	}{
		{name: "one pattern", args: []string{"--snapshot", "testdata/store/2026-08-22", "s3:Put*"},
			want: "s3:PutObject\ns3:PutObjectAnnotation\n"},
		{name: "store picks the newest", args: []string{"--snapshot", "testdata/store", "S3:get*"},
			want: "s3:GetObject\n"},
		{name: "several patterns", args: []string{"--snapshot", "testdata/store", "s3:*Object", "s3:?etObject"},
			want: "# s3:*Object (2)\ns3:GetObject\ns3:PutObject\n\n# s3:?etObject (1)\ns3:GetObject\n"},
		{name: "json", args: []string{"--snapshot", "testdata/store", "--format", "json", "s3:Get*"},
			want: "{\n  \"snapshot\": \"testdata/store/2026-08-22\",\n  \"expansions\": [\n    {\n      \"pattern\": \"s3:Get*\",\n      \"actions\": [\n        {\n          \"name\": \"s3:GetObject\",\n          \"accessLevel\": \"Read\"\n        }\n      ]\n    }\n  ]\n}\n"},
		{name: "unknown service", args: []string{"--snapshot", "testdata/store", "s4:Get*"}, wantErr: svcref.ErrUnknownService},
		{name: "matches nothing", args: []string{"--snapshot", "testdata/store", "s3:Delete*"}, wantErr: svcref.ErrNoMatch},
		{name: "every bad pattern is named", args: []string{"--snapshot", "testdata/store", "s3:Delete*", "s3:Get*", "s4:*", "nocolon"},
			wantErr: svcref.ErrNoMatch, wantInErr: []string{`"s3:Delete*"`, `"s4:*"`, `"nocolon"`}},
		{name: "not a snapshot", args: []string{"--snapshot", "testdata", "s3:*"}, wantErr: snapshot.ErrNoSnapshot},
		{name: "missing snapshot", args: []string{"--snapshot", "testdata/nope", "s3:*"}, wantErr: fs.ErrNotExist},
		{name: "no pattern", args: []string{"--snapshot", "testdata/store"}, wantFlag: true},
		{name: "bad format", args: []string{"--snapshot", "testdata/store", "--format", "md", "s3:*"}, wantInErr: []string{"md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, tt.args...)
			var fe *cli.FlagError
			if tt.wantFlag != errors.As(err, &fe) {
				t.Fatalf("error = %v, want FlagError %v", err, tt.wantFlag)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.wantInErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v, want it to mention %s", err, w)
				}
			}
			if tt.wantErr == nil && !tt.wantFlag && tt.wantInErr == nil && err != nil {
				t.Fatalf("error = %v", err)
			}
			if err != nil && out != "" {
				t.Errorf("printed %q alongside an error", out)
			}
			if d := cmp.Diff(tt.want, out); d != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestExpandSnapshotFromEnv(t *testing.T) {
	t.Setenv(expand.SnapshotEnv, "testdata/store")
	out, err := run(t, "s3:GetObject")
	if err != nil || out != "s3:GetObject\n" {
		t.Fatalf("expand with $%s: %q, %v", expand.SnapshotEnv, out, err)
	}
	t.Setenv(expand.SnapshotEnv, "")
	_, err = run(t, "s3:GetObject")
	var fe *cli.FlagError
	if !errors.As(err, &fe) {
		t.Fatalf("expand without a snapshot: error = %v, want a FlagError", err)
	}
}

func TestExpandRealSnapshot(t *testing.T) {
	t.Parallel()
	dir := svcreftest.Snapshot(t, svcreftest.NewDate)
	// Counts pinned by an independent fnmatch over the raw JSON of the snapshot.
	tests := []struct {
		pattern string
		want    int
		first   string
	}{
		{"s3:Put*", 40, "s3:PutAccelerateConfiguration"},
		{"ec2:*Tags", 3, "ec2:CreateTags"},
		{"iam:*Policy*", 35, "iam:AttachGroupPolicy"},
		{"bedrock-agentcore:Invoke*", 11, "bedrock-agentcore:InvokeAgentRuntime"},
	}
	args := []string{"--snapshot", dir}
	for _, tt := range tests {
		args = append(args, tt.pattern)
	}
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	sections := strings.Split(strings.TrimSuffix(out, "\n"), "\n\n")
	if len(sections) != len(tests) {
		t.Fatalf("got %d sections, want %d:\n%s", len(sections), len(tests), out)
	}
	for i, tt := range tests {
		lines := strings.Split(sections[i], "\n")
		if want := fmt.Sprintf("# %s (%d)", tt.pattern, tt.want); lines[0] != want {
			t.Errorf("heading %q, want %q", lines[0], want)
		}
		if len(lines)-1 != tt.want || lines[1] != tt.first {
			t.Errorf("expand %s: %d actions starting %q, want %d starting %q", tt.pattern, len(lines)-1, lines[1], tt.want, tt.first)
		}
	}
	if _, err := run(t, "--snapshot", dir, "sagemaker-unified-studio-mcp:InvokeMcp"); !errors.Is(err, svcref.ErrNoMatch) {
		t.Errorf("an action removed before %s: error = %v, want ErrNoMatch", svcreftest.NewDate, err)
	}
}
