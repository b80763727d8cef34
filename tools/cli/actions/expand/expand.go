// Package expand implements `rcfge actions expand`: the actions an IAM action pattern matches.
package expand

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

// SnapshotEnv names the environment variable that sets the default --snapshot.
const SnapshotEnv = "RCFGE_SERVICE_REFERENCE"

// ExpandOptions holds the flags and arguments of `rcfge actions expand`.
type ExpandOptions struct {
	IO *cli.IOStreams
	// Snapshot is a snapshot folder or a folder of dated snapshots (the newest is used).
	Snapshot string
	Patterns []string
	Format   render.Format
}

// NewCmdExpand returns `rcfge actions expand`; runF replaces the run function in tests.
func NewCmdExpand(f *cli.Factory, runF func(*ExpandOptions) error) *cobra.Command {
	opts := &ExpandOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "expand [flags] PATTERN...",
		Short: "List the actions an IAM action pattern matches",
		Long: `List the actions that IAM action patterns match in a service reference snapshot, as IAM
matches them: case-insensitively, '*' for any run of characters and '?' for one.

A pattern whose service is unknown, or that matches nothing, is an error: it is a typo, or the
snapshot is older than the action.

--snapshot defaults to $` + SnapshotEnv + `; either may name a snapshot folder or a folder of
dated snapshots (as written by 'rcfge actions fetch'), in which case the newest is used.

Exit status: 0 every pattern matched, 2 usage or input error.`,
		Example: `  rcfge actions expand --snapshot snapshots/ 's3:Put*' 'ec2:*Tags'
  rcfge actions expand --format json 'iam:*Policy*'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.FlagErrorf("expand needs at least one action pattern, such as 's3:Put*'")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Patterns = args
			if opts.Snapshot == "" {
				opts.Snapshot = os.Getenv(SnapshotEnv)
			}
			if opts.Snapshot == "" {
				return cli.FlagErrorf("no snapshot: pass --snapshot DIR or set %s", SnapshotEnv)
			}
			if runF != nil {
				return runF(opts)
			}
			return expandRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Snapshot, "snapshot", "", "service reference snapshot `DIR` (default $"+SnapshotEnv+")")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

// Report is the expansion of each pattern, in the order given.
type Report struct {
	Snapshot   string      `json:"snapshot"`
	Expansions []Expansion `json:"expansions"`
}

// Expansion is one pattern and the actions it matches, sorted.
type Expansion struct {
	Pattern string          `json:"pattern"`
	Actions []MatchedAction `json:"actions"`
}

// MatchedAction is an action with its access level.
type MatchedAction struct {
	Name        string `json:"name"`
	AccessLevel string `json:"accessLevel"`
}

// WriteText writes one action per line, under a "# pattern (n)" heading when there are several
// patterns, so that a single expansion pipes cleanly into other tools.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for i, e := range r.Expansions {
		if len(r.Expansions) > 1 {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "# %s (%d)\n", e.Pattern, len(e.Actions))
		}
		for _, a := range e.Actions {
			b.WriteString(a.Name + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func expandRun(ctx context.Context, opts *ExpandOptions) error {
	dir, err := snapshot.Resolve(opts.Snapshot)
	if err != nil {
		return err
	}
	c, err := svcref.LoadDir(ctx, dir)
	if err != nil {
		return err
	}
	report := &Report{Snapshot: dir}
	var errs []error
	for _, p := range opts.Patterns {
		names, err := c.Expand(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e := Expansion{Pattern: p, Actions: make([]MatchedAction, len(names))}
		for i, n := range names {
			a, _ := c.Action(n)
			e.Actions[i] = MatchedAction{Name: n, AccessLevel: a.AccessLevel()}
		}
		report.Expansions = append(report.Expansions, e)
	}
	// Every bad pattern is named at once, and nothing is printed: a partial list would read as
	// complete in a pipeline.
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return render.Write(opts.IO.Out, opts.Format, report)
}
