// Package check implements `rcfge scp check`: grammar, sizes, counts and actions of compiled SCPs.
package check

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
)

// CheckOptions holds the flags and argument of `rcfge scp check`.
type CheckOptions struct {
	IO               *cli.IOStreams
	Dir              string
	ServiceReference string
	// MaxChars and MaxPolicies, when non-zero, replace the quotas of the folder's manifest.
	MaxChars    int
	MaxPolicies int
	Format      render.Format
}

// NewCmdCheck returns `rcfge scp check`; runF replaces the run function in tests.
func NewCmdCheck(f *cli.Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "check DIR [--service-reference DIR] [flags]",
		Short: "Check compiled SCPs: grammar, sizes, count, manifest; actions and widening against a snapshot",
		Long: `Check every *.json policy at the top level of DIR (manifest.json excepted): the policy grammar
(Version, Effect, Action/NotAction, Resource/NotResource, Condition operators, keys and values),
each policy's size (characters without whitespace) and the number of policies. When DIR holds
the manifest.json of a build, a policy changed, added or removed since that build is a problem
too.

With --service-reference, every action pattern and condition key is also checked against that
snapshot, and the build is re-proved against it: every wildcard pattern the manifest recorded
that now matches actions it did not match at build time is reported. Where that grants more (an
Allow's Action, a Deny's NotAction: only builds with allowWildcards: true have such wildcards)
it is a problem; where it only denies more (a Deny's Action) it is a note.

Quotas come from --max-chars/--max-policies, else DIR/manifest.json, else the AWS defaults
(5120 characters, 5 policies). Exit status: 0 no problems, 1 problems found, 2 usage or input error.`,
		Example: `  rcfge scp check scp/
  rcfge scp check scp/ --service-reference data/service-reference/2026-08-22`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cli.FlagErrorf("check needs exactly one folder")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.MaxChars < 0 || opts.MaxPolicies < 0 {
				return cli.FlagErrorf("--max-chars and --max-policies must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ServiceReference, "service-reference", "", "AWS service reference snapshot `DIR`: check actions and condition keys, re-prove wildcards")
	fl.IntVar(&opts.MaxChars, "max-chars", 0, "characters per policy `N` (default: manifest, else 5120)")
	fl.IntVar(&opts.MaxPolicies, "max-policies", 0, "policies per target `N` (default: manifest, else 5)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if st, err := os.Stat(opts.Dir); err != nil || !st.IsDir() {
		return cli.FlagErrorf("%s: not a folder", opts.Dir)
	}
	var q *pack.Quotas
	if opts.MaxChars > 0 || opts.MaxPolicies > 0 {
		q = &pack.Quotas{MaxChars: pack.DefaultMaxChars, MaxPolicies: pack.DefaultMaxPolicies}
		if opts.MaxChars > 0 {
			q.MaxChars = opts.MaxChars
		}
		if opts.MaxPolicies > 0 {
			q.MaxPolicies = opts.MaxPolicies
		}
		if err := scpgen.ValidateQuotas(*q); err != nil {
			return &cli.FlagError{Err: err}
		}
	}
	// An untyped nil: grammar, sizes and manifest only.
	var cat policy.Catalog
	if opts.ServiceReference != "" {
		c, err := svcref.LoadDir(ctx, opts.ServiceReference)
		if err != nil {
			return err
		}
		cat = c
	}
	rep, err := scpgen.Check(ctx, os.DirFS(opts.Dir), cat, q)
	if err != nil {
		return err
	}
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return err
	}
	if !rep.OK() {
		return cli.ErrFindings
	}
	return nil
}
