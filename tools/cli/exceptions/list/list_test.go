package list

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdListFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    ListOptions
		wantErr string
	}{
		{name: "defaults", want: ListOptions{Templates: ".", Format: render.Text}},
		{name: "all flags", args: []string{"--templates", "t", "--expiring", "14d", "--format", "json"}, want: ListOptions{Templates: "t", Expiring: 14 * 24 * time.Hour, Format: render.JSON}},
		{name: "bad window", args: []string{"--expiring", "2w"}, wantErr: `--expiring "2w"`},
		{name: "arguments", args: []string{"x"}, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *ListOptions
			cmd := NewCmdList(&cli.Factory{IO: ios}, func(_ context.Context, o *ListOptions) error { got = o; return nil })
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
			if got.Templates != tt.want.Templates || got.Expiring != tt.want.Expiring || got.Format != tt.want.Format || got.Now != nil {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2099, 12, 20, 0, 0, 0, 0, time.UTC) }
	dir := "../../../../hook/exception/testdata/replay/templates"
	tests := []struct {
		name     string
		expiring time.Duration
		want     []string
		wantNot  []string
	}{
		{name: "all", want: []string{"EX-100", "EX-101", "EX-090", "expired"}},
		{name: "expiring only", expiring: 11 * 24 * time.Hour, want: []string{"EX-101", "expiring (11 days left)", "EX-090"}, wantNot: []string{"EX-100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			if err := listRun(context.Background(), &ListOptions{IO: ios, Templates: dir, Expiring: tt.expiring, Now: now}); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.want {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(out.String(), s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
		})
	}
	ios, _, _, _ := cli.Test()
	if err := listRun(context.Background(), &ListOptions{IO: ios, Templates: "nope"}); cli.ExitCode(err) != cli.ExitError || !errors.As(err, new(*cli.FlagError)) {
		t.Errorf("missing folder: %v", err)
	}
}
