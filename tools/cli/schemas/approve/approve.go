// Package approve implements `rcfge schemas approve`.
package approve

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/approval/lifecycle"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/render"
)

// ApproveOptions holds the flags and arguments of `rcfge schemas approve`.
type ApproveOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)

	Source    string
	Templates string
	Overlays  string
	Reason    string
	By        string
	Type      string
	Grants    []approval.Grant
	Format    render.Format
}

// NewCmdApprove returns `rcfge schemas approve`; runF replaces the run function in tests.
func NewCmdApprove(f *cli.Factory, runF func(*ApproveOptions) error) *cobra.Command {
	opts := &ApproveOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "approve --source DIR|ZIP --templates DIR --reason TEXT [--by WHO] TYPE [PATH | PATH=VALUE]...",
		Short: "Approve one new property, enum value or resource type, with a record",
		Long: `Let what "rcfge schemas pending" lists into a restricted template, one decision at a time:

  PATH         a property with everything below it: /BucketNamePrefix, /Rules/*/NewThing
  PATH=VALUE   one enum value: /LifecycleConfiguration/Rules/*/Transitions/*/StorageClass=GLACIER_IR
  (nothing)    the whole type: everything its provider schema has

A type with no template yet gets one holding only the paths given (or everything, with none).

The template is regenerated from --source with exactly what a full generation has for that
sub-tree (overlays still apply on top), and each decision is appended to
<templates>/approvals.jsonl with the reason, who (--by, default git's user.name or $USER), when
and the provider schema's digest. A path the source does not have is refused. Approving again
what is already approved changes nothing and records nothing.

Exit status: 0 approved, 2 usage or input error (a path the source lacks).`,
		Example: `  rcfge schemas approve --source ../shared/data/cfn-schemas/us-east-1 --templates schemas/ \
    --reason CHG-1 AWS::S3::Bucket /BucketNamePrefix`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckDecisionFlags(opts.Source, opts.Templates, opts.Reason); err != nil {
				return err
			}
			var err error
			if opts.Type, opts.Grants, err = shared.ParseDecision(args); err != nil {
				return err
			}
			if opts.By == "" {
				opts.By = shared.DefaultBy(cmd.Context())
			}
			if runF != nil {
				return runF(opts)
			}
			return approveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `provider schemas of the new snapshot: a folder, a .zip, or "cloudformation" (DescribeType)`)
	fl.StringVar(&opts.Templates, "templates", "", "folder of restricted templates `DIR` (the approval record)")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of the templates' overlays `DIR` (default: <templates>/overlays)")
	fl.StringVar(&opts.Reason, "reason", "", "why, with the change ticket (recorded)")
	fl.StringVar(&opts.By, "by", "", "who approves (default: git config user.name, else $USER)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func approveRun(ctx context.Context, opts *ApproveOptions) error {
	folder, closeSrc, err := shared.OpenFolder(ctx, opts.Source, opts.Templates, opts.Overlays, opts.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { _ = closeSrc() }()
	out, err := lifecycle.Approve(ctx, folder, lifecycle.Decision{Type: opts.Type, Grants: opts.Grants, Reason: opts.Reason, By: opts.By})
	if err != nil {
		return shared.DecisionError("approve", opts.Type, err)
	}
	if err := render.Write(opts.IO.Out, opts.Format, out); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
