// Package list implements `rcfge exceptions list`: the governed exceptions of a templates
// folder, with their scope and expiry.
package list

import (
	"context"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/exception"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// ListOptions holds the flags of `rcfge exceptions list`.
type ListOptions struct {
	IO *cli.IOStreams
	// Templates is the folder holding exceptions.json (and accounts/<id>/exceptions.json).
	Templates string
	// Expiring, when set, lists only the exceptions expiring within it (or already expired).
	Expiring time.Duration
	Format   render.Format
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewCmdList returns `rcfge exceptions list`; runF replaces the run function in tests.
func NewCmdList(f *cli.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO}
	var expiring string
	cmd := &cobra.Command{
		Use:   "list [--templates DIR] [--expiring 14d] [--format text|json]",
		Short: "List the governed exceptions with their scope, expiry and ticket",
		Long: `List every exception in DIR/exceptions.json and DIR/accounts/<id>/exceptions.json: its type,
scope (accounts, stack-name patterns, logical IDs), what it allows, its expiry and status
(active, expiring, expired), ticket and owner. With --expiring, only the exceptions that expire
within that window (or already have) are listed, e.g. for a weekly reminder.

Exit status: 0 listed, 2 usage error or a folder that cannot be read. A malformed file is listed
as a finding; use 'rcfge exceptions check' to fail on it.`,
		Example: `  rcfge exceptions list --templates ./templates
  rcfge exceptions list --templates ./templates --expiring 14d --format json`,
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
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", ".", "templates folder `DIR` holding exceptions.json")
	fl.StringVar(&expiring, "expiring", "", "only exceptions expiring within `WINDOW` (14d, 36h)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
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
	if opts.Expiring > 0 {
		rep = rep.Filter("expiring", "expired")
	}
	return render.Write(opts.IO.Out, opts.Format, rep)
}
