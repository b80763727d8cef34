// Package pending implements `rcfge schemas pending`.
package pending

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/approval/lifecycle"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/render"
)

// PendingOptions holds the flags of `rcfge schemas pending`.
type PendingOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)

	Source    string
	Templates string
	Overlays  string
	NewTypes  bool
	Format    render.Format
}

// NewCmdPending returns `rcfge schemas pending`; runF replaces the run function in tests.
func NewCmdPending(f *cli.Factory, runF func(*PendingOptions) error) *cobra.Command {
	opts := &PendingOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "pending --source DIR|ZIP|cloudformation --templates DIR [--format text|json|md]",
		Short: "List what the provider schemas have that the templates do not approve",
		Long: `The restricted templates are the approval record. pending regenerates each template of
--templates from --source in memory, keeps what the template approves, and lists the rest: every
new property (as an instance path, /BucketNamePrefix or /Rules/*/NewThing; * is any array item or
map value), every new enum value (/StorageClass=GLACIER_IR), and every type of the source that has
no template (--new-types=false leaves those out: they are blocked anyway). What AWS removed is
listed too; regenerating drops it.

Each line is what "rcfge schemas approve" takes. Nothing is written.

Exit status: 0 nothing pending, 1 something pending, 2 usage or input error.`,
		Example: `  rcfge schemas pending --source ../shared/data/cfn-schemas/us-east-1 --templates schemas/
  rcfge schemas pending --source CloudformationSchema.zip --templates schemas/ --format md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Source == "" {
				return cli.FlagErrorf("--source is required")
			}
			if opts.Templates == "" {
				return cli.FlagErrorf("--templates is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return pendingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `provider schemas of the new snapshot: a folder, a .zip, or "cloudformation" (DescribeType)`)
	fl.StringVar(&opts.Templates, "templates", "", "folder of restricted templates `DIR` (the approval record)")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of the templates' overlays `DIR` (default: <templates>/overlays)")
	fl.BoolVar(&opts.NewTypes, "new-types", true, "list the source's types that have no template")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.Markdown, render.JSON)
	return cmd
}

func pendingRun(ctx context.Context, opts *PendingOptions) error {
	folder, closeSrc, err := shared.OpenFolder(ctx, opts.Source, opts.Templates, opts.Overlays, opts.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { _ = closeSrc() }()
	rep, err := lifecycle.Pending(ctx, folder)
	if err != nil {
		return shared.DecisionError("pending", opts.Templates, err)
	}
	if !opts.NewTypes {
		rep = rep.WithoutNewTypes()
	}
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.HasPending() {
		return cli.ErrFindings
	}
	return nil
}
