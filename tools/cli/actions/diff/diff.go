// Package diff implements `rcfge actions diff`: what changed in the AWS service reference between
// two snapshots, and which policy wildcards now match new actions.
package diff

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/notify"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/svcref"
	svcdiff "github.com/rcfge/rcfge/tools/svcref/diff"
	"github.com/rcfge/rcfge/tools/svcref/policy"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

// DiffOptions holds the flags and arguments of `rcfge actions diff`.
type DiffOptions struct {
	IO *cli.IOStreams
	// AWSConfig builds the SNS client, only when --notify is given.
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// Old and New are snapshot folders, or folders of dated snapshots (the newest is used).
	Old, New string
	Format   render.Format
	// Policies is a folder of IAM/SCP policy JSON files whose wildcards are checked.
	Policies string
	// Notify is the parsed --notify target, nil when not given.
	Notify *notify.Target
}

// NewCmdDiff returns `rcfge actions diff`; runF replaces the run function in tests.
func NewCmdDiff(f *cli.Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	var notifyFlag string
	cmd := &cobra.Command{
		Use:   "diff [flags] OLD NEW",
		Short: "Report new and removed services, actions, resource types and condition keys",
		Long: `Compare two service reference snapshots (as written by 'rcfge actions fetch'): new and
removed services, actions, resource types and condition keys, and actions whose access level
changed, with totals and per-service lists. Names compare case-insensitively, as in IAM.

OLD and NEW are snapshot folders, or folders of dated snapshots, in which case the newest is used.

--policies DIR reads every *.json IAM or SCP policy under DIR (JSON files with neither Version
nor Statement, such as an SCP build's manifest.json, are skipped with a note on stderr) and
reports each wildcard that now matches new actions where that grants more: in an Allow's Action
or a Deny's NotAction. A policy that widened without anyone editing it. A Deny's Action (such as
"Deny *") or an Allow's NotAction matching more only denies more, and is not reported.

--notify sns:TOPIC_ARN publishes a summary (totals, counts per service, widened wildcards) to an
SNS topic when something changed, with the default AWS credential chain.

Exit status: 0 no change, 1 changes found, 2 usage, input or AWS error.`,
		Example: `  rcfge actions diff snapshots/2026-05-22 snapshots/2026-08-22
  rcfge actions diff --policies scp/ --format md old/ new/
  rcfge actions diff --notify sns:arn:aws:sns:eu-west-1:111122223333:aws-changes old/ new/`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return cli.FlagErrorf("diff needs two snapshot folders, OLD and NEW; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if notifyFlag != "" {
				t, err := notify.ParseTarget(notifyFlag)
				if err != nil {
					return &cli.FlagError{Err: fmt.Errorf("--notify: %w", err)}
				}
				opts.Notify = &t
			}
			if runF != nil {
				return runF(opts)
			}
			return diffRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Policies, "policies", "", "folder `DIR` of IAM/SCP policy JSON files to check for widened wildcards")
	fl.StringVar(&notifyFlag, "notify", "", "publish the report to `sns:TOPIC_ARN` when something changed")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.Markdown, render.JSON)
	return cmd
}

func diffRun(ctx context.Context, opts *DiffOptions) error {
	// Policies first: a typo in --policies should fail before two snapshots are read.
	var patterns []policy.Pattern
	if opts.Policies != "" {
		// os.DirFS reports a missing root as ".", so name it here.
		if st, err := os.Stat(opts.Policies); err != nil {
			return fmt.Errorf("--policies: %w", err)
		} else if !st.IsDir() {
			return fmt.Errorf("--policies %s: not a directory", opts.Policies)
		}
		var skipped []string
		var err error
		patterns, skipped, err = policy.Load(ctx, os.DirFS(opts.Policies), ".")
		if err != nil {
			return fmt.Errorf("--policies %s: %w", opts.Policies, err)
		}
		for _, f := range skipped {
			// A build's manifest.json sits beside the SCPs; say so rather than skip silently.
			fmt.Fprintf(opts.IO.ErrOut, "%s: not a policy (no Version or Statement), skipped\n", filepath.Join(opts.Policies, f))
		}
		for i := range patterns {
			patterns[i].File = filepath.Join(opts.Policies, patterns[i].File)
		}
	}
	oldDir, err := snapshot.Resolve(opts.Old)
	if err != nil {
		return err
	}
	newDir, err := snapshot.Resolve(opts.New)
	if err != nil {
		return err
	}
	var oldCat, newCat *svcref.Catalog
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { oldCat, err = svcref.LoadDir(gctx, oldDir); return err })
	g.Go(func() (err error) { newCat, err = svcref.LoadDir(gctx, newDir); return err })
	if err := g.Wait(); err != nil {
		return err
	}

	report := svcdiff.Compare(label(oldDir), oldCat, label(newDir), newCat)
	if patterns != nil {
		report.Widen(patterns)
	}
	if err := render.Write(opts.IO.Out, opts.Format, report); err != nil {
		return err
	}
	if !report.Changed() {
		return nil
	}
	if opts.Notify != nil {
		if err := publish(ctx, opts, report); err != nil {
			return err
		}
	}
	return cli.ErrFindings
}

// publish sends the summary; its subject carries the totals.
func publish(ctx context.Context, opts *DiffOptions, report *svcdiff.Report) error {
	var body bytes.Buffer
	if err := report.WriteSummary(&body); err != nil {
		return err
	}
	cfg, err := opts.AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("--notify: AWS configuration: %w", err)
	}
	p := notify.NewPublisher(sns.NewFromConfig(cfg), *opts.Notify)
	id, err := p.Publish(ctx, "rcfge: "+report.Subject(), body.String())
	if err != nil {
		return fmt.Errorf("--notify: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Published the summary to %s (message %s).\n", opts.Notify.TopicARN, id)
	return nil
}

// label names a snapshot in reports by its folder, usually its date.
func label(dir string) string { return filepath.Base(filepath.Clean(dir)) }
