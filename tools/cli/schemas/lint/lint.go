// Package lint implements `rcfge schemas lint`.
package lint

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/lint"
	"github.com/rcfge/rcfge/tools/render"
)

// LintOptions holds the flags and argument of `rcfge schemas lint`.
type LintOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)

	Dir    string
	Source string
	Vars   []string
	Format render.Format
}

// NewCmdLint returns `rcfge schemas lint`; runF replaces the run function in tests.
func NewCmdLint(f *cli.Factory, runF func(context.Context, *LintOptions) error) *cobra.Command {
	opts := &LintOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "lint DIR [--source DIR|ZIP|cloudformation] [--var NAME]... [--format text|json|sarif]",
		Short: "Check restricted templates and overlays before they are published",
		Long: `Lint the *.json templates at the top level of DIR, and the RFC 6902 overlays in DIR/overlays:

  - valid JSON, named after its type (AWS::S3::Bucket → AWS-S3-Bucket.json);
  - placeholders well formed and known: built-ins (accountID region partition stackName stackId
    logicalResourceId resourceType), variables the template declares in x-rcfge.variables, or
    names given with --var;
  - compiles in the engine once sample values fill every placeholder;
  - every object that declares properties is closed (additionalProperties: false); an open one is
    reported with its path, a feature-gating hole. Free-form objects (no properties: policy
    documents, tag maps) are listed for review but do not fail;
  - every pattern and patternProperties key is RE2, the engine's regex syntax, in templates and
    in the values overlays bring in;
  - with --source, the type and every property name exist in the provider schema (typos).

Findings carry the line of the JSON Pointer they concern; --format sarif feeds code scanning.

Exit status: 0 clean, 1 problems found, 2 usage or input error.`,
		Example: `  rcfge schemas lint schemas/
  rcfge schemas lint schemas/ --source CloudformationSchema.zip --var approvedKmsKeys`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cli.FlagErrorf("lint takes one folder of templates, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			for _, v := range opts.Vars {
				if !placeholder.ValidName(v) {
					return cli.FlagErrorf("--var %q: not a placeholder name", v)
				}
				if placeholder.IsBuiltin(v) {
					return cli.FlagErrorf("--var %q: a built-in placeholder, always known", v)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return lintRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `provider schemas to check names against: a folder, a .zip, or "cloudformation"`)
	fl.StringArrayVar(&opts.Vars, "var", nil, "user variable `NAME` declared outside the templates (repeatable)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON, render.SARIF)
	return cmd
}

func lintRun(ctx context.Context, opts *LintOptions) error {
	st, err := os.Stat(opts.Dir)
	if err != nil {
		return cli.FlagErrorf("lint: %v", err)
	}
	if !st.IsDir() {
		return cli.FlagErrorf("lint %s: not a folder", opts.Dir)
	}
	req := lint.Options{Vars: opts.Vars}
	if opts.Source != "" {
		src, closeSrc, err := shared.OpenSource(ctx, "--source", opts.Source, opts.AWSConfig)
		if err != nil {
			return err
		}
		defer func() { _ = closeSrc() }()
		req.Source = src
	}
	rep, err := lint.Lint(ctx, os.DirFS(opts.Dir), req)
	if err != nil {
		return fmt.Errorf("lint %s: %w", opts.Dir, err)
	}
	rep.Dir = opts.Dir
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.HasFindings() {
		return cli.ErrFindings
	}
	return nil
}
