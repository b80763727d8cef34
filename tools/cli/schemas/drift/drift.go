// Package drift implements `rcfge schemas drift`.
package drift

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/drift"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// LiveSource is the --source value that reads provider schemas through CloudFormation DescribeType.
const LiveSource = schemagen.LiveSource

// DriftOptions holds the flags of `rcfge schemas drift`.
type DriftOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)

	Source    string
	Baseline  string
	Templates string
	Overlays  string
	Format    render.Format
}

// NewCmdDrift returns `rcfge schemas drift`; runF replaces the run function in tests.
func NewCmdDrift(f *cli.Factory, runF func(*DriftOptions) error) *cobra.Command {
	opts := &DriftOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "drift --source DIR|ZIP|cloudformation (--templates DIR | --baseline DIR|ZIP) [--format text|md|json]",
		Short: "Report what the provider schemas gained since each template's snapshot",
		Long: `Compare each restricted template with the current provider schema of its type and report
what AWS changed since the template's snapshot: new properties at any depth (through $ref into
definitions, with their paths), new enum values, and properties the template has but the provider
schema no longer does. Provider types without a template are listed too (they are blocked).

A new property stays blocked by the template until the DevSecOps decide: approve it with
"rcfge schemas approve" (one property or enum value at a time, recorded), or remove it in the
type's overlay (<templates>/overlays/<Type>.json) to refuse it. Drift and "rcfge schemas pending"
are two views of one comparison: pending compares the templates with what regeneration would
write, and lists exactly what regeneration holds back; drift compares with the raw provider
schemas, against the templates or a baseline snapshot, with descriptions for review.
Removals and enum narrowings in the overlay are decisions and are not reported again. Read-only
properties are outputs, not features, and are never reported.

Without --baseline the template itself stands for its snapshot (a template generated from the
same provider schema bytes, per x-rcfge.source.digest, has not drifted). With --baseline, the
provider schemas the templates were generated from are compared instead; --baseline alone
compares every type of the baseline.

--format md writes a review request body.

Exit status: 0 nothing to review, 1 drift found, 2 usage or input error.`,
		Example: `  rcfge schemas drift --source CloudformationSchema.zip --templates schemas/ --format md
  rcfge schemas drift --source cloudformation --templates schemas/
  rcfge schemas drift --baseline ../shared/data/cfn-schemas-old/us-east-1 --source ../shared/data/cfn-schemas/us-east-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Source == "" {
				return cli.FlagErrorf("--source is required")
			}
			if opts.Templates == "" && opts.Baseline == "" {
				return cli.FlagErrorf("--templates or --baseline is required")
			}
			if opts.Overlays != "" && opts.Templates == "" {
				return cli.FlagErrorf("--overlays needs --templates")
			}
			if runF != nil {
				return runF(opts)
			}
			return driftRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `current provider schemas: a folder, a .zip, or "cloudformation" (DescribeType)`)
	fl.StringVar(&opts.Templates, "templates", "", "folder of restricted templates `DIR`")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of the templates' overlays `DIR` (default: <templates>/overlays)")
	fl.StringVar(&opts.Baseline, "baseline", "", "provider schemas of the snapshot: a folder or a .zip")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.Markdown, render.JSON)
	return cmd
}

func driftRun(ctx context.Context, opts *DriftOptions) error {
	src, closeSrc, err := shared.OpenSource(ctx, "--source", opts.Source, opts.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { _ = closeSrc() }()
	req := drift.Options{Source: src}
	if opts.Baseline != "" {
		if opts.Baseline == LiveSource {
			return cli.FlagErrorf("--baseline is a snapshot: a folder or a .zip, not %q", LiveSource)
		}
		base, closeBase, err := shared.OpenSource(ctx, "--baseline", opts.Baseline, nil)
		if err != nil {
			return err
		}
		defer func() { _ = closeBase() }()
		req.Baseline = base
	}
	if opts.Templates != "" {
		if req.Templates, err = dir("--templates", opts.Templates); err != nil {
			return err
		}
	}
	if opts.Overlays != "" {
		if req.Overlays, err = dir("--overlays", opts.Overlays); err != nil {
			return err
		}
	}
	rep, err := drift.Run(ctx, req)
	if err != nil {
		return err
	}
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.HasFindings() {
		return cli.ErrFindings
	}
	return nil
}

func dir(flag, p string) (fs.FS, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, cli.FlagErrorf("%s: %v", flag, err)
	}
	if !st.IsDir() {
		return nil, cli.FlagErrorf("%s %s: not a folder", flag, p)
	}
	return os.DirFS(p), nil
}
