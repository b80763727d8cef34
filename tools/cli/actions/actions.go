// Package actions assembles the `rcfge actions` verbs.
package actions

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
)

// NewCmdActions returns the `actions` noun with its verbs.
func NewCmdActions(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "actions <command>",
		Short: "AWS service reference: fetch, diff, expand",
	}
	_ = f
	return cmd
}
