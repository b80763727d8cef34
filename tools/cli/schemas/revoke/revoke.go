// Package approve implements `rcfge schemas revoke`.
package revoke

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

// RevokeOptions holds the flags and arguments of `rcfge schemas revoke`.
type RevokeOptions struct {
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

// NewCmdRevoke returns `rcfge schemas revoke`; runF replaces the run function in tests.
func NewCmdRevoke(f *cli.Factory, runF func(*RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "revoke --source DIR|ZIP --templates DIR --reason TEXT [--by WHO] TYPE [PATH | PATH=VALUE]...",
		Short: "Take an approval back: a property, an enum value or a whole type, with a record",
		Long: `The reverse of "rcfge schemas approve", with the same arguments: the property (with everything
below it) or the enum value goes out of the template again and is pending once more; with no
PATH the type's template is deleted, so the hook blocks the type (no template, fail closed). Each
decision is appended to <templates>/approvals.jsonl. Revoking what the template does not approve
is refused.

Exit status: 0 revoked, 2 usage or input error.`,
		Example: `  rcfge schemas revoke --source ../shared/data/cfn-schemas/us-east-1 --templates schemas/ \
    --reason CHG-2 AWS::S3::Bucket /BucketNamePrefix`,
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
			return revokeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `provider schemas of the new snapshot: a folder, a .zip, or "cloudformation" (DescribeType)`)
	fl.StringVar(&opts.Templates, "templates", "", "folder of restricted templates `DIR` (the approval record)")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of the templates' overlays `DIR` (default: <templates>/overlays)")
	fl.StringVar(&opts.Reason, "reason", "", "why, with the change ticket (recorded)")
	fl.StringVar(&opts.By, "by", "", "who revokes (default: git config user.name, else $USER)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	folder, closeSrc, err := shared.OpenFolder(ctx, opts.Source, opts.Templates, opts.Overlays, opts.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { _ = closeSrc() }()
	out, err := lifecycle.Revoke(ctx, folder, lifecycle.Decision{Type: opts.Type, Grants: opts.Grants, Reason: opts.Reason, By: opts.By})
	if err != nil {
		return shared.DecisionError("revoke", opts.Type, err)
	}
	if err := render.Write(opts.IO.Out, opts.Format, out); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
