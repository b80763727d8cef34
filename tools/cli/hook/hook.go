// Package hook assembles the `rcfge hook` verbs.
package hook

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/hook/replay"
)

// NewCmdHook returns the `hook` noun with its verbs.
func NewCmdHook(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook <command>",
		Short: "Run the hook locally",
	}
	cmd.AddCommand(replay.NewCmdReplay(f, nil))
	return cmd
}
