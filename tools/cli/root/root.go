// Package root assembles the rcfge command tree and maps errors to exit codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions"
	"github.com/rcfge/rcfge/tools/cli/hook"
	"github.com/rcfge/rcfge/tools/cli/schemas"
	"github.com/rcfge/rcfge/tools/cli/scp"
	"github.com/rcfge/rcfge/tools/cli/validate"
)

// NewCmdRoot builds the root command with every noun.
func NewCmdRoot(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "rcfge",
		Short:         "Resource configuration enforcement for AWS CloudFormation",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cli.FlagError{Err: err} })
	cmd.AddCommand(
		validate.NewCmdValidate(f, nil),
		hook.NewCmdHook(f),
		schemas.NewCmdSchemas(f),
		actions.NewCmdActions(f),
		scp.NewCmdSCP(f),
	)
	return cmd
}

// Run executes the command line and returns the exit code; errors are printed once, here.
func Run(ctx context.Context, f *cli.Factory, args []string) int {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, cli.ErrFindings) {
		fmt.Fprintf(f.IO.ErrOut, "rcfge: %s\n", err)
		var fe *cli.FlagError
		if errors.As(err, &fe) {
			fmt.Fprintln(f.IO.ErrOut, "Run 'rcfge --help' for usage.")
		}
	}
	return cli.ExitCode(err)
}

// Main is the process entry point.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, cli.New(), os.Args[1:])
}
