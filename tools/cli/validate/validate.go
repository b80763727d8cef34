// Package validate implements `rcfge validate`.
package validate

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
)

// Options holds the flags of `rcfge validate`.
type Options struct {
	IO    *cli.IOStreams
	Files []string
}

// NewCmdValidate returns `rcfge validate`; runF replaces the run function in tests.
func NewCmdValidate(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE...",
		Short: "Validate CloudFormation templates against the restricted resource schema templates",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return nil
		},
	}
	return cmd
}
