package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdCheckFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    CheckOptions
		wantErr string
	}{
		{name: "defaults", args: nil, want: CheckOptions{Templates: ".", Format: render.Text}},
		{name: "all flags", args: []string{"--templates", "t", "--expiring", "7d", "--format", "json"}, want: CheckOptions{Templates: "t", Expiring: 7 * 24 * time.Hour, Format: render.JSON}},
		{name: "a duration window", args: []string{"--expiring", "36h"}, want: CheckOptions{Templates: ".", Expiring: 36 * time.Hour, Format: render.Text}},
		{name: "bad window", args: []string{"--expiring", "soon"}, wantErr: `--expiring "soon": want whole days`},
		{name: "negative window", args: []string{"--expiring", "-1d"}, wantErr: "want whole days"},
		{name: "arguments", args: []string{"x"}, wantErr: "unknown command"},
		{name: "bad format", args: []string{"--format", "sarif"}, wantErr: `unknown format "sarif"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *CheckOptions
			cmd := NewCmdCheck(&cli.Factory{IO: ios}, func(_ context.Context, o *CheckOptions) error { got = o; return nil })
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

func TestCheckRun(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2030, 6, 20, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		dir      string
		expiring time.Duration
		format   render.Format
		wantErr  error
		wantMsg  string
		wantOut  []string
	}{
		{name: "clean", dir: "testdata/clean", wantOut: []string{"EX-1", "active (11 days left)"}},
		{name: "expiring within the window", dir: "testdata/clean", expiring: 14 * 24 * time.Hour, wantErr: cli.ErrFindings,
			wantOut: []string{"exceptions.json: exception EX-1: expires on 2030-06-30, within the --expiring window"}},
		{name: "expired, malformed, out of scope", dir: "../../../../hook/exception/testdata/replay/templates", wantErr: cli.ErrFindings, wantOut: []string{
			"exceptions.json: exception EX-090: expired on 2020-01-31",
			`accounts/444455556666/exceptions.json: not a valid exceptions file: json: unknown field "expiry"`,
		}},
		{name: "json", dir: "testdata/clean", format: render.JSON, wantOut: []string{`"id": "EX-1"`, `"status": "active"`}},
		{name: "not a folder", dir: "testdata/none", wantMsg: "not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			err := checkRun(context.Background(), &CheckOptions{IO: ios, Templates: tt.dir, Expiring: tt.expiring, Format: tt.format, Now: now})
			switch {
			case tt.wantMsg != "":
				var fe *cli.FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantMsg) || cli.ExitCode(err) != cli.ExitError {
					t.Fatalf("err %v, want a usage error saying %q", err, tt.wantMsg)
				}
				return
			case !errors.Is(err, tt.wantErr):
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			if tt.format == render.JSON && !json.Valid(out.Bytes()) {
				t.Errorf("not JSON: %s", out)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ios, _, _, _ := cli.Test()
	if err := checkRun(ctx, &CheckOptions{IO: ios, Templates: "testdata/clean"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
