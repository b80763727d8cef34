// Package root assembles the rcfge command tree and maps errors to exit codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rcfge/rcfge/tools/buildinfo"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions"
	"github.com/rcfge/rcfge/tools/cli/exceptions"
	"github.com/rcfge/rcfge/tools/cli/hook"
	"github.com/rcfge/rcfge/tools/cli/schemas"
	"github.com/rcfge/rcfge/tools/cli/scp"
	"github.com/rcfge/rcfge/tools/cli/validate"
	"github.com/rcfge/rcfge/tools/render"
)

// NewCmdRoot builds the root command with every noun.
func NewCmdRoot(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "rcfge",
		Short:         "Resource configuration enforcement for AWS CloudFormation",
		Version:       buildinfo.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetVersionTemplate("rcfge {{.Version}}\n")
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cli.FlagError{Err: withAllowed(c, err), Command: c.CommandPath()}
	})
	cmd.AddCommand(
		validate.NewCmdValidate(f, nil),
		hook.NewCmdHook(f),
		schemas.NewCmdSchemas(f),
		actions.NewCmdActions(f),
		scp.NewCmdSCP(f),
		exceptions.NewCmdExceptions(f),
	)
	registerEnumCompletions(cmd)
	return cmd
}

// registerEnumCompletions completes every flag with a closed set of values (--format, the
// knobs) in every command, so that no command has to remember to.
func registerEnumCompletions(c *cobra.Command) {
	c.Flags().VisitAll(func(fl *pflag.Flag) {
		if e, ok := fl.Value.(render.Enum); ok {
			allowed := e.Allowed()
			_ = c.RegisterFlagCompletionFunc(fl.Name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return allowed, cobra.ShellCompDirectiveNoFileComp
			})
		}
	})
	for _, sub := range c.Commands() {
		registerEnumCompletions(sub)
	}
}

// withAllowed adds the allowed values to a flag error about an enum flag that does not say them.
func withAllowed(c *cobra.Command, err error) error {
	msg := err.Error()
	var found error
	c.Flags().VisitAll(func(fl *pflag.Flag) {
		e, ok := fl.Value.(render.Enum)
		if !ok || found != nil || !strings.Contains(msg, "--"+fl.Name) || strings.Contains(msg, "allowed:") {
			return
		}
		found = fmt.Errorf("%w (allowed: %s)", err, strings.Join(e.Allowed(), ", "))
	})
	if found != nil {
		return found
	}
	return err
}

// Run executes the command line and returns the exit code; errors are printed once, here.
func Run(ctx context.Context, f *cli.Factory, args []string) int {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	sub, err := cmd.ExecuteContextC(ctx)
	if err != nil && !errors.Is(err, cli.ErrFindings) && !errors.Is(err, cli.ErrReported) {
		fmt.Fprintf(f.IO.ErrOut, "rcfge: %s\n", err)
		var fe *cli.FlagError
		if errors.As(err, &fe) {
			path := fe.Command
			if path == "" && sub != nil {
				path = sub.CommandPath()
			}
			if path == "" {
				path = "rcfge"
			}
			fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", path)
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
