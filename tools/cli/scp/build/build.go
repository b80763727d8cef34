// Package build implements `rcfge scp build`: compile the rcfge service control policies.
package build

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/svcref"
)

// BuildOptions holds the flags of `rcfge scp build`.
type BuildOptions struct {
	IO               *cli.IOStreams
	Config           string
	ServiceReference string
	SchemasSource    string
	Templates        string
	Out              string
	Strict           bool
	// MaxChars and MaxPolicies override the config's quotas when non-zero.
	MaxChars    int
	MaxPolicies int
	Format      render.Format
}

// NewCmdBuild returns `rcfge scp build`; runF replaces the run function in tests.
func NewCmdBuild(f *cli.Factory, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "build --service-reference DIR --schemas-source DIR [flags]",
		Short: "Compile the rcfge SCPs from the approved types and the service reference",
		Long: `Compile the rcfge service control policies.

The approved types are the <Type>.json templates at the top level of --templates. Their provider
schemas' create, update and delete handler permissions become AllowedListActions and, for write,
permissions and tagging actions, ProvisionResourcesViaCloudFormationOnly (denied unless called via
CloudFormation). ProtectRCFGEResources, ProtectStackSetExecutionRole, ProtectRCFGEHookConfiguration
and ProtectRCFGETemplates are built from the names in --config.

Allow statements name exact actions, so that an action AWS adds later is never allowed by a
policy built before it existed; if they do not fit the quotas the build fails and says how many
characters are missing. allowWildcards: true in --config opts into minimised Allow lists (recorded
in the manifest; 'rcfge scp check --service-reference NEW' reports what they widen to). Deny
statements, which a wider pattern only makes deny more, are replaced by the shortest wildcard
patterns matching exactly the same actions in the service reference, proven by expanding both.
The statements are packed into as few policies as the quotas allow (quotas in --config, up to
10240 characters and 10 policies per target; FullAWSAccess and AWS Control Tower's SCPs attached
to the same target count against the same number).

Handler permissions the service reference lacks are warnings on stderr and in the manifest, and
stay out of the SCPs; --strict makes them errors. Unknown actions in --config are always errors.

Writes <out>/rcfge-scp-<n>.json (minified) and <out>/manifest.json; the same input always gives
the same bytes. Exit status: 0 built, 2 usage or input error.`,
		Example: `  rcfge scp build --service-reference data/service-reference/2026-08-22 \
      --schemas-source data/cfn-schemas/us-east-1
  rcfge scp build --config scp/rcfge.yaml --templates schemas/ --out scp/ --max-chars 10240 \
      --service-reference DIR --schemas-source DIR --strict`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ServiceReference == "" || opts.SchemasSource == "" {
				return cli.FlagErrorf("--service-reference and --schemas-source are required")
			}
			if opts.MaxChars < 0 || opts.MaxPolicies < 0 {
				return cli.FlagErrorf("--max-chars and --max-policies must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return buildRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Config, "config", "scp/rcfge.yaml", "compiler configuration `FILE` (names, allow, deny, quotas)")
	fl.StringVar(&opts.ServiceReference, "service-reference", "", "AWS service reference snapshot `DIR` (service-list.json and <service>.json)")
	fl.StringVar(&opts.SchemasSource, "schemas-source", "", "CloudFormation provider schemas `DIR` (aws-s3-bucket.json, ...)")
	fl.StringVar(&opts.Templates, "templates", "schemas", "restricted templates `DIR`: its <Type>.json files are the approved types")
	fl.StringVar(&opts.Out, "out", "scp", "output `DIR` for the policies and manifest.json")
	fl.BoolVar(&opts.Strict, "strict", false, "fail on handler permissions the service reference lacks")
	fl.IntVar(&opts.MaxChars, "max-chars", 0, "characters per policy `N` (default: config, else 5120; AWS allows up to 10240)")
	fl.IntVar(&opts.MaxPolicies, "max-policies", 0, "policies per target `N` (default: config, else 5)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func buildRun(ctx context.Context, opts *BuildOptions) error {
	cfg, err := scpgen.LoadConfigFile(opts.Config)
	if err != nil {
		return err
	}
	if opts.MaxChars > 0 {
		cfg.Quotas.MaxChars = opts.MaxChars
	}
	if opts.MaxPolicies > 0 {
		cfg.Quotas.MaxPolicies = opts.MaxPolicies
	}
	if err := scpgen.ValidateQuotas(cfg.Quotas); err != nil {
		return &cli.FlagError{Err: err}
	}
	for _, d := range []struct{ flag, dir string }{{"--schemas-source", opts.SchemasSource}, {"--templates", opts.Templates}} {
		if st, err := os.Stat(d.dir); err != nil || !st.IsDir() {
			return cli.FlagErrorf("%s %s: not a folder", d.flag, d.dir)
		}
	}
	cat, err := svcref.LoadDir(ctx, opts.ServiceReference)
	if err != nil {
		return err
	}
	res, err := scpgen.Build(ctx, scpgen.Input{
		Config:    cfg,
		Catalog:   cat,
		Schemas:   os.DirFS(opts.SchemasSource),
		Templates: os.DirFS(opts.Templates),
		Strict:    opts.Strict,
	})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	if err := scpgen.Write(opts.Out, res); err != nil {
		return err
	}
	return render.Write(opts.IO.Out, opts.Format, res)
}
