// Package test implements `rcfge schemas test`.
package test

import (
	"context"
	"fmt"
	"os"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schematest"
)

// TestOptions holds the flags and argument of `rcfge schemas test`.
type TestOptions struct {
	IO *cli.IOStreams

	Dir     string
	Run     *regexp.Regexp
	Verbose bool
	Format  render.Format
}

// NewCmdTest returns `rcfge schemas test`; runF replaces the run function in tests.
func NewCmdTest(f *cli.Factory, runF func(context.Context, *TestOptions) error) *cobra.Command {
	opts := &TestOptions{IO: f.IO}
	var run string
	cmd := &cobra.Command{
		Use:   "test DIR [--run REGEX] [--verbose] [--format text|json|junit]",
		Short: "Run the unit tests of restricted templates",
		Long: `Run the test suites found under DIR (conventionally DIR/tests/<Type>.yaml) against the
templates at the top level of DIR, through the same engine the hook runs.

A suite is a YAML file with a top-level "cases" key:

  typeName: AWS::S3::Bucket
  context: {accountID: "111122223333", region: eu-west-1}   # defaults of every case
  vars: {logBucket: org-logs, approvedKmsKeys: [arn:..., arn:...]}
  cases:
    - name: encrypted bucket is approved
      properties: {BucketEncryption: ...}
      expect: approved
    - name: public ACL is refused
      properties: {AccessControl: PublicRead}
      expect:
        violations:
          - {path: /AccessControl, keyword: enum}
    - name: the stack's bucket
      template: templates/stack.yaml      # CloudFormation template, relative to the suite
      resource: LogsBucket                # optional when the template has one bucket
      expect: approved

Violations must match exactly: each expected one (path, and keyword or message text when given)
must occur, and no other may. "expect: {error: missing-template}" expects the engine to refuse.
A case failing counts apart from a case that could not run (error).

Exit status: 0 all cases passed, 1 a case failed or errored, 2 usage or input error.`,
		Example: `  rcfge schemas test schemas/
  rcfge schemas test schemas/ --run 'S3-Bucket.*public' --verbose
  rcfge schemas test schemas/ --format junit > report.xml`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cli.FlagErrorf("test takes one folder of templates, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if run != "" {
				re, err := regexp.Compile(run)
				if err != nil {
					return cli.FlagErrorf("--run: %v", err)
				}
				opts.Run = re
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return testRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&run, "run", "", "run only the cases whose `REGEX` matches \"suite file//case name\"")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "list passing and skipped cases too (text format)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON, render.JUnit)
	return cmd
}

func testRun(ctx context.Context, opts *TestOptions) error {
	st, err := os.Stat(opts.Dir)
	if err != nil {
		return cli.FlagErrorf("test: %v", err)
	}
	if !st.IsDir() {
		return cli.FlagErrorf("test %s: not a folder", opts.Dir)
	}
	rep, err := schematest.Run(ctx, os.DirFS(opts.Dir), schematest.Options{Run: opts.Run})
	if err != nil {
		return fmt.Errorf("test %s: %w", opts.Dir, err)
	}
	rep.Verbose = opts.Verbose
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if opts.Run != nil && rep.Ran() == 0 {
		// A filter that matches nothing tests nothing: say so rather than pass.
		return cli.FlagErrorf("--run %q matches no case: nothing ran", opts.Run)
	}
	if rep.HasFindings() {
		return cli.ErrFindings
	}
	return nil
}
