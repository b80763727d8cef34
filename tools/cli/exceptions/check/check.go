// Package check implements `rcfge exceptions check`: syntax, scope and expiry of the governed
// exceptions of a templates folder, for CI.
package check

import (
	"context"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/exception"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// CheckOptions holds the flags of `rcfge exceptions check`.
type CheckOptions struct {
	IO *cli.IOStreams
	// Templates is the folder holding exceptions.json (and accounts/<id>/exceptions.json).
	Templates string
	// Expiring, when set, makes an exception expiring within it a finding too.
	Expiring time.Duration
	Format   render.Format
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewCmdCheck returns `rcfge exceptions check`; runF replaces the run function in tests.
func NewCmdCheck(f *cli.Factory, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO}
	var expiring string
	cmd := &cobra.Command{
		Use:   "check [--templates DIR] [--expiring 14d] [--format text|json]",
		Short: "Check the governed exceptions: syntax, scope and expiry",
		Long: `Check DIR/exceptions.json and every DIR/accounts/<id>/exceptions.json as the hook reads them:
a file the hook would refuse (unknown or misspelt fields, missing id, type, scope.accounts,
allow, expires, ticket, owner or reason, bad account IDs, stack patterns, logical IDs or paths,
duplicate ids), an expired exception, an exception for a type with no template, and a
per-account file naming other accounts are findings. With --expiring, an exception expiring
within that window is a finding too.

Exit status: 0 no findings, 1 findings, 2 usage error or a folder that cannot be read.`,
		Example: `  rcfge exceptions check --templates ./templates
  rcfge exceptions check --templates ./templates --expiring 7d --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if expiring != "" {
				w, err := exception.ParseWindow(expiring)
				if err != nil {
					return cli.FlagErrorf("--expiring %w", err)
				}
				opts.Expiring = w
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", ".", "templates folder `DIR` holding exceptions.json")
	fl.StringVar(&expiring, "expiring", "", "also report exceptions expiring within `WINDOW` (14d, 36h)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if st, err := os.Stat(opts.Templates); err != nil || !st.IsDir() {
		return cli.FlagErrorf("--templates %s: not a folder", opts.Templates)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rep, err := exception.Scan(os.DirFS(opts.Templates), now(), opts.Expiring)
	if err != nil {
		return err
	}
	for _, e := range rep.Exceptions {
		if e.Status == "expiring" {
			rep.Findings = append(rep.Findings, exception.Finding{File: e.File, Exception: e.ID, Message: "expires on " + e.Expires + ", within the --expiring window"})
		}
	}
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return err
	}
	if !rep.OK() {
		return cli.ErrFindings
	}
	return nil
}
