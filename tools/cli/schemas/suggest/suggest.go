// Package suggest implements `rcfge schemas suggest`.
package suggest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/partition"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/suggest"
)

// SuggestOptions holds the flags of `rcfge schemas suggest`.
type SuggestOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// NewStacksAPI builds the CloudFormation client for a region (replaced in tests).
	NewStacksAPI func(cfg aws.Config, region string) suggest.StacksAPI

	Templates  string
	From       []string
	FromStacks bool
	Regions    []string
	Out        string
	Overlays   string
	Format     render.Format
	MinCount   int
	Keep       []string
	Account    string
	Region     string
	Partition  string
	Parameters []string
	Now        func() time.Time
}

// NewCmdSuggest returns `rcfge schemas suggest`; runF replaces the run function in tests.
func NewCmdSuggest(f *cli.Factory, runF func(context.Context, *SuggestOptions) error) *cobra.Command {
	opts := &SuggestOptions{IO: f.IO, AWSConfig: f.AWSConfig, Now: time.Now, NewStacksAPI: func(cfg aws.Config, region string) suggest.StacksAPI {
		return cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.Region = region })
	}}
	cmd := &cobra.Command{
		Use:   "suggest --templates DIR (--from PATH... | PATH... | --from-stacks --stack-region R...) [--out DIR] [--overlays DIR] [--min-count N] [--keep TYPE=PATH]...",
		Short: "Propose the tightest templates the organization's deployments need, as overlays",
		Long: `Read CloudFormation templates that stand for what the organization deploys (files and folders,
or the deployed stacks with --from-stacks), evaluate them as validate does (parameters,
conditions, intrinsics), and record, per approved type, every property path used and the literal
values seen. Then propose one RFC 6902 overlay per type that:

  - removes approved properties no resource sets (whole sub-trees; --min-count N needs N resources);
  - narrows an existing enum to the values seen;
  - pins a property to the deploying account's ARNs ($<partition>, $<region>, $<accountID>) when
    every literal ARN seen in it is the account's own.

A value that is not known before deployment (an intrinsic, a dynamic reference, a parameter
without a value) never narrows anything. The proof: every input is validated with the templates
as they are and with the overlays applied; any change of verdict fails the command (exit 1).

With --out, each type's overlay (the existing one from --overlays, then the suggested operations)
and a <Type>.suggest.json sidecar recording the choices are written there, ready for review and
for ` + "`rcfge schemas generate --overlays`" + `.

Exit status: 0 suggestion proven, 1 a regression, 2 usage or input error (unreadable inputs are
reported one line each; the rest still count).`,
		Example: `  rcfge schemas suggest --templates schemas/ --from deployed/ --account 111122223333 --region eu-west-1 --out suggested/
  rcfge schemas suggest --templates schemas/ --account 111122223333 --region eu-west-1 examples/*.yaml
  rcfge schemas suggest --templates schemas/ --from-stacks --stack-region eu-west-1 --stack-region us-east-1 --format md`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From = append(opts.From, args...)
			if opts.Templates == "" {
				return cli.FlagErrorf("--templates is required")
			}
			if len(opts.From) == 0 && !opts.FromStacks {
				return cli.FlagErrorf("give the deployed templates with --from PATH or --from-stacks")
			}
			if opts.FromStacks && len(opts.Regions) == 0 {
				return cli.FlagErrorf("--from-stacks needs at least one --stack-region")
			}
			if opts.MinCount < 1 {
				return cli.FlagErrorf("--min-count %d: want 1 or more", opts.MinCount)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return suggestRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", "", "folder of restricted templates (the approved types)")
	fl.StringArrayVar(&opts.From, "from", nil, "CloudFormation template file or folder standing for what is deployed (repeatable)")
	fl.BoolVar(&opts.FromStacks, "from-stacks", false, "read the deployed stacks' templates with the CloudFormation API (default credential chain)")
	fl.StringArrayVar(&opts.Regions, "stack-region", nil, "region whose stacks --from-stacks reads (repeatable)")
	fl.StringVar(&opts.Out, "out", "", "folder to write the suggested overlays and their sidecars to")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of the existing overlays the suggestion adds to")
	fl.IntVar(&opts.MinCount, "min-count", 1, "resources that must set a property for it to count as used")
	fl.StringArrayVar(&opts.Keep, "keep", nil, "TYPE=/Path kept even when unused (repeatable)")
	fl.StringVar(&opts.Account, "account", "111122223333", "deploying account (AWS::AccountId, own ARNs)")
	fl.StringVar(&opts.Region, "region", "us-east-1", "deploying region (AWS::Region, own ARNs)")
	fl.StringVar(&opts.Partition, "partition", "", "partition (default: the region's)")
	fl.StringArrayVar(&opts.Parameters, "parameter", nil, "template parameter NAME=VALUE (repeatable)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.Markdown, render.JSON)
	return cmd
}

func suggestRun(ctx context.Context, opts *SuggestOptions) error {
	keep, err := suggest.ParseKeep(opts.Keep)
	if err != nil {
		return cli.FlagErrorf("%v", err)
	}
	params := map[string]string{}
	for _, p := range opts.Parameters {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return cli.FlagErrorf("--parameter %q: want NAME=VALUE", p)
		}
		params[k] = v
	}
	part := opts.Partition
	if part == "" {
		part = partition.Of(opts.Region)
	}
	templates, err := readTemplates(opts.Templates)
	if err != nil {
		return err
	}
	popts := cfntemplate.Options{AccountID: opts.Account, Region: opts.Region, Partition: part, Parameters: params}
	inputs, inputErrs := suggest.Load(opts.From, popts)
	if opts.FromStacks {
		cfg, err := opts.AWSConfig(ctx)
		if err != nil {
			return fmt.Errorf("AWS configuration: %w", err)
		}
		for _, region := range opts.Regions {
			tpls, errs, err := suggest.FromStacks(ctx, opts.NewStacksAPI(cfg, region), region, popts, progress(opts.IO, region))
			if err != nil {
				return err
			}
			inputs = append(inputs, tpls...)
			inputErrs = append(inputErrs, errs...)
		}
	}
	for _, e := range inputErrs {
		fmt.Fprintln(opts.IO.ErrOut, "rcfge schemas suggest:", e)
	}
	sopts := suggest.Options{MinCount: opts.MinCount, Keep: keep, Context: suggest.Context{AccountID: opts.Account, Region: opts.Region, Partition: part}}
	res, err := suggest.Suggest(templates, suggest.Observations(inputs), sopts)
	if err != nil {
		return err
	}
	before := os.DirFS(opts.Templates)
	after, err := suggest.Narrowed(before, res)
	if err != nil {
		return err
	}
	regs, err := suggest.Prove(ctx, before, after, inputs, engine.Context{AccountID: opts.Account, Region: opts.Region, Partition: part}, nil)
	if err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	rep := suggest.Report{Result: res, Templates: len(inputs), Regressions: regs, InputErrors: inputErrs}
	if opts.Out != "" && len(regs) == 0 {
		var existing fs.FS
		if opts.Overlays != "" {
			existing = os.DirFS(opts.Overlays)
		}
		if rep.Written, err = suggest.Write(opts.Out, existing, res, sopts, opts.Now()); err != nil {
			return err
		}
	}
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	switch {
	case len(regs) > 0:
		return cli.ErrFindings
	case len(inputErrs) > 0:
		return fmt.Errorf("%d input(s) could not be read (listed above); the suggestion stands on the rest", len(inputErrs))
	}
	return nil
}

// readTemplates reads every template at the top of dir, keyed by type name.
func readTemplates(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, cli.FlagErrorf("--templates: %v", err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		t, ok := store.TypeName(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read template: %w", err)
		}
		out[t] = b
	}
	if len(out) == 0 {
		return nil, cli.FlagErrorf("--templates %s: no templates (<Type>.json) found", dir)
	}
	return out, nil
}

// progress shows a bar on a terminal, nothing otherwise.
func progress(io *cli.IOStreams, region string) func(done, total int) {
	if !io.IsStderrTTY() {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(io.ErrOut), progressbar.OptionSetDescription("stacks in "+region), progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(done)
	}
}
