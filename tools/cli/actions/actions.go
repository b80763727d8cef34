// Package actions assembles the `rcfge actions` verbs.
package actions

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions/diff"
	"github.com/rcfge/rcfge/tools/cli/actions/expand"
	"github.com/rcfge/rcfge/tools/cli/actions/fetch"
)

// NewCmdActions returns the `actions` noun with its verbs.
func NewCmdActions(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "actions <command>",
		Short: "AWS service reference: fetch, diff, expand",
		Long: `Keep dated snapshots of the AWS service reference (every service's actions, resource types
and condition keys), report what AWS added or removed between two of them, and expand IAM action
patterns against one.`,
	}
	cmd.AddCommand(
		fetch.NewCmdFetch(f, nil),
		diff.NewCmdDiff(f, nil),
		expand.NewCmdExpand(f, nil),
	)
	return cmd
}
