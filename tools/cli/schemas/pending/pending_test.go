package pending_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/pending"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// templates generates the old snapshot's templates into a new folder.
func templates(t *testing.T) string {
	t.Helper()
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: schemagen.NewFSSource(os.DirFS("testdata/old")), Snapshot: "2026-02-02"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tpl := range tpls {
		if err := os.WriteFile(filepath.Join(dir, "Test-Widget-Thing.json"), tpl.Body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPendingRun(t *testing.T) {
	t.Parallel()
	dir := templates(t)
	tests := []struct {
		name     string
		args     []string
		wantErr  error
		wantText string // error fragment
		wantOut  []string
	}{
		{name: "pending, text", args: []string{"--source", "testdata/new", "--templates", dir}, wantErr: cli.ErrFindings,
			wantOut: []string{"Test::Widget::Thing:\n  pending /Config/Level", "pending /NamePrefix", "Test::Widget::Other: new type"}},
		{name: "markdown", args: []string{"--source", "testdata/new", "--templates", dir, "--format", "md"}, wantErr: cli.ErrFindings,
			wantOut: []string{"### Test::Widget::Thing", "| pending | `/NamePrefix` |"}},
		{name: "json", args: []string{"--source", "testdata/new", "--templates", dir, "--format", "json"}, wantErr: cli.ErrFindings,
			wantOut: []string{`"status": "pending"`, `"path": "/NamePrefix"`}},
		{name: "nothing pending", args: []string{"--source", "testdata/old", "--templates", dir},
			wantOut: []string{"0 pending in 0 types, 0 new types"}},
		{name: "new types left out", args: []string{"--source", "testdata/new", "--templates", dir, "--new-types=false"}, wantErr: cli.ErrFindings},
		{name: "no source flag", args: []string{"--templates", dir}, wantText: "--source is required"},
		{name: "no templates flag", args: []string{"--source", "testdata/new"}, wantText: "--templates is required"},
		{name: "templates not a folder", args: []string{"--source", "testdata/new", "--templates", "pending.go"}, wantText: "not a folder"},
		{name: "overlays not a folder", args: []string{"--source", "testdata/new", "--templates", dir, "--overlays", "nope"}, wantText: "--overlays nope: not a folder"},
		{name: "source missing", args: []string{"--source", "testdata/nope", "--templates", dir}, wantText: "--source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			cmd := pending.NewCmdPending(&cli.Factory{IO: ios}, nil)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantText) || cli.ExitCode(err) != cli.ExitError {
					t.Fatalf("Execute() error = %v, want exit 2 with %q", err, tt.wantText)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Execute() error = %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(strings.Join(tt.args, " "), "json") && !json.Valid(out.Bytes()) {
				t.Errorf("not JSON:\n%s", out)
			}
			if strings.Contains(strings.Join(tt.args, " "), "new-types=false") && strings.Contains(out.String(), "Other") {
				t.Errorf("--new-types=false listed a new type:\n%s", out)
			}
		})
	}
}
