// Package scp assembles the `rcfge scp` verbs.
package scp

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/scp/build"
	"github.com/rcfge/rcfge/tools/cli/scp/check"
)

// NewCmdSCP returns the `scp` noun with its verbs.
func NewCmdSCP(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scp <command>",
		Short: "Compile and check the rcfge service control policies",
	}
	cmd.AddCommand(
		build.NewCmdBuild(f, nil),
		check.NewCmdCheck(f, nil),
	)
	return cmd
}
