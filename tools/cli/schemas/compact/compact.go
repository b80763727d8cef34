// Package compact implements `rcfge schemas compact`.
package compact

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/compact"
)

// CompactOptions holds the flags and argument of `rcfge schemas compact`.
type CompactOptions struct {
	IO  *cli.IOStreams
	Dir string
	Out string
}

// NewCmdCompact returns `rcfge schemas compact`; runF replaces the run function in tests.
func NewCmdCompact(f *cli.Factory, runF func(context.Context, *CompactOptions) error) *cobra.Command {
	opts := &CompactOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "compact DIR --out OUT",
		Short: "Write the templates as they are published: without the annotations the hook never reads",
		Long: `Write each template of DIR (<Type>.json, and accounts/<id>/<Type>.json overrides) to the same
path under OUT without what the hook never reads: descriptions, titles, examples, defaults and
CloudFormation's provider metadata (handlers, readOnlyProperties, ...). Only schema positions are
touched: properties, definitions, enum and const values and x-rcfge stay as they are, and the
compact template gives every resource the same answer at the same schema locations.

make publish uploads this form: about a fifth of the bytes, which the hook downloads, decodes
and holds in memory for every type. The repository keeps the annotated templates for review.

OUT must be new or empty, and outside DIR; nothing is written unless every template compacts.

Exit status: 0 written, 2 usage or input error.`,
		Example: `  rcfge schemas compact schemas --out dist/templates`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cli.FlagErrorf("compact takes one folder of templates, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.Out == "" {
				return cli.FlagErrorf("--out is required: the folder for the compact copies")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return compactRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "", "new or empty `folder` for the compact copies")
	return cmd
}

func compactRun(_ context.Context, opts *CompactOptions) error {
	st, err := compact.Dir(opts.Dir, opts.Out)
	if err != nil {
		return cli.FlagErrorf("compact: %v", err)
	}
	fmt.Fprintf(opts.IO.Out, "compacted %d templates from %s into %s: %d bytes to %d (%.0f%%)\n",
		st.Files, opts.Dir, opts.Out, st.Before, st.After, 100*float64(st.After)/float64(st.Before))
	return nil
}
