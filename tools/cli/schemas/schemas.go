// Package schemas assembles the `rcfge schemas` verbs.
package schemas

import (
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/approve"
	"github.com/rcfge/rcfge/tools/cli/schemas/compact"
	"github.com/rcfge/rcfge/tools/cli/schemas/drift"
	"github.com/rcfge/rcfge/tools/cli/schemas/generate"
	"github.com/rcfge/rcfge/tools/cli/schemas/lint"
	"github.com/rcfge/rcfge/tools/cli/schemas/pending"
	"github.com/rcfge/rcfge/tools/cli/schemas/revoke"
	"github.com/rcfge/rcfge/tools/cli/schemas/suggest"
	"github.com/rcfge/rcfge/tools/cli/schemas/test"
)

// NewCmdSchemas returns the `schemas` noun with its verbs.
func NewCmdSchemas(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schemas <command>",
		Short: "Generate, lint, test restricted templates; review and approve what AWS adds",
	}
	_ = f
	cmd.AddCommand(generate.NewCmdGenerate(f, nil))
	cmd.AddCommand(drift.NewCmdDrift(f, nil), lint.NewCmdLint(f, nil), test.NewCmdTest(f, nil))
	cmd.AddCommand(pending.NewCmdPending(f, nil), approve.NewCmdApprove(f, nil), revoke.NewCmdRevoke(f, nil))
	cmd.AddCommand(suggest.NewCmdSuggest(f, nil), compact.NewCmdCompact(f, nil))
	return cmd
}
