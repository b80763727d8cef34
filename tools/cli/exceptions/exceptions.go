// Package exceptions assembles the `rcfge exceptions` verbs: the governed exceptions of a
// templates folder (docs/exceptions.md).
package exceptions

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/exceptions/check"
	"github.com/rcfge/rcfge/tools/cli/exceptions/list"
)

// NewCmdExceptions returns the `exceptions` noun with its verbs.
func NewCmdExceptions(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exceptions <command>",
		Short: "List and check the governed exceptions beside the restricted templates",
	}
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		check.NewCmdCheck(f, nil),
	)
	return cmd
}
