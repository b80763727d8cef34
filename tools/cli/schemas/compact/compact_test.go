package compact

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/cli"
)

func TestNewCmdCompact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    CompactOptions
		wantErr string
	}{
		{name: "folder and out", args: []string{"schemas", "--out", "dist/t"}, want: CompactOptions{Dir: "schemas", Out: "dist/t"}},
		{name: "no out", args: []string{"schemas"}, wantErr: "--out is required"},
		{name: "no folder", args: []string{"--out", "x"}, wantErr: "one folder of templates, got 0"},
		{name: "two folders", args: []string{"a", "b", "--out", "x"}, wantErr: "got 2 arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *CompactOptions
			cmd := NewCmdCompact(&cli.Factory{IO: ios}, func(_ context.Context, o *CompactOptions) error { got = o; return nil })
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cli.FlagError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Dir != tt.want.Dir || got.Out != tt.want.Out {
				t.Fatalf("options %+v, err %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestCompactRun(t *testing.T) {
	t.Parallel()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "AWS-S3-Bucket.json"), []byte(`{"description":"prose","type":"object"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := cli.Test()
	dst := filepath.Join(t.TempDir(), "out")
	if err := compactRun(context.Background(), &CompactOptions{IO: ios, Dir: src, Out: dst}); err != nil {
		t.Fatal(err)
	}
	if want := "compacted 1 templates from " + src + " into " + dst + ": 39 bytes to 18 (46%)\n"; out.String() != want {
		t.Errorf("output %q, want %q", out, want)
	}
	// Run again: the output is no longer empty, a usage error (exit 2) that writes nothing.
	err := compactRun(context.Background(), &CompactOptions{IO: ios, Dir: src, Out: dst})
	if err == nil || !strings.Contains(err.Error(), "is not empty") || cli.ExitCode(err) != cli.ExitError {
		t.Errorf("second run: %v, want an input error", err)
	}
}
