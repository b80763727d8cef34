package cli_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rcfge/rcfge/tools/cli"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, cli.ExitOK},
		{"findings", cli.ErrFindings, cli.ExitFindings},
		{"findings wrapped", fmt.Errorf("lint: %w", cli.ErrFindings), cli.ExitFindings},
		{"errors reported", cli.ErrReported, cli.ExitError},
		{"errors and findings reported", errors.Join(cli.ErrFindings, cli.ErrReported), cli.ExitError},
		{"usage", cli.FlagErrorf("--format %q", "xml"), cli.ExitError},
		{"input", errors.New("read template: no such file"), cli.ExitError},
		{"cancelled", context.Canceled, cli.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := cli.ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestFlagError(t *testing.T) {
	t.Parallel()
	inner := errors.New("bad value")
	err := fmt.Errorf("parse: %w", &cli.FlagError{Err: inner, Command: "rcfge validate"})
	var fe *cli.FlagError
	if !errors.As(err, &fe) || fe.Command != "rcfge validate" || !errors.Is(err, inner) || fe.Error() != "bad value" {
		t.Errorf("FlagError does not wrap: %v", err)
	}
}
