// Package validate implements `rcfge validate`: CloudFormation templates checked, resource by
// resource, against the restricted resource schema templates of a local folder.
package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/schemas"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// ValidateOptions holds the flags and arguments of `rcfge validate`.
type ValidateOptions struct {
	IO *cli.IOStreams
	// Templates is the folder of restricted templates; empty means the ones built into rcfge.
	Templates string
	// TemplatesFS overrides Templates; for tests.
	TemplatesFS fs.FS
	Account     string
	Region      string
	Partition   string
	StackName   string
	// Vars are --var k=v (string values) and --var-list k=a,b (list values).
	Vars placeholder.Vars
	// Parameters are --parameter k=v, overriding the templates' parameter defaults.
	Parameters map[string]string
	Format     render.Format
	// Files are the templates; "-" reads standard input.
	Files []string
	// Context is the command's context; deadlines and cancellation come from it.
	Context context.Context
}

var (
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE    = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// NewCmdValidate returns `rcfge validate`; runF replaces the run function in tests.
func NewCmdValidate(f *cli.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO}
	var vars, varLists, params []string
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE...",
		Short: "Validate CloudFormation templates against the restricted resource schema templates",
		Long: `Validate each resource of CloudFormation templates (JSON or YAML, short-form tags included)
against its restricted resource schema template, as the hook would on CREATE.

Intrinsic functions are resolved from --account, --region, --partition, --stack-name and
--parameter (else the parameter's Default). Values that cannot be known before deployment
(Fn::GetAtt, Fn::ImportValue, a Ref to a resource, dynamic references, a parameter with no value)
are reported as unverified: only the constraints that depend on them are skipped. Every resource
is checked whatever its Condition. A template with a Transform other than AWS::LanguageExtensions
is refused: check the processed template instead. FILE "-" reads standard input.

--var k=v always sets a string, commas included; --var-list k=a,b sets a list (for placeholders
such as "enum": "$<approvedKmsKeys>"); --var-list k= sets an empty list.

Exit status: 0 all resources approved, 1 violations found, 2 usage, input or engine error.`,
		Example: `  rcfge validate --account 111122223333 --region eu-west-1 template.yaml
  rcfge validate --templates ./schemas --format sarif --parameter Env=prod stack/*.json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.FlagErrorf("validate needs at least one template file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			opts.Context = cmd.Context()
			if err := opts.parseFlags(vars, varLists, params); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", "", "restricted templates from `DIR` (default: the templates built into rcfge)")
	fl.StringVar(&opts.Account, "account", "", "deploying account `ID` (AWS::AccountId, $<accountID>)")
	fl.StringVar(&opts.Region, "region", "", "deployment `REGION` (AWS::Region, $<region>)")
	fl.StringVar(&opts.Partition, "partition", "", "`NAME` of the partition (AWS::Partition, $<partition>; default: from --region)")
	fl.StringVar(&opts.StackName, "stack-name", "", "stack `NAME` (AWS::StackName, $<stackName>)")
	fl.StringArrayVar(&vars, "var", nil, "template variable `k=v`, a string (repeatable)")
	fl.StringArrayVar(&varLists, "var-list", nil, "template variable `k=a,b`, a comma-separated list (repeatable)")
	fl.StringArrayVar(&params, "parameter", nil, "template parameter `k=v` (repeatable)")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON, render.SARIF, render.JUnit)
	return cmd
}

// parseFlags checks the flag values and fills Vars and Parameters; every problem is a FlagError.
func (o *ValidateOptions) parseFlags(vars, varLists, params []string) error {
	if o.Account != "" && !accountRE.MatchString(o.Account) {
		return cli.FlagErrorf("--account %q: want 12 digits", o.Account)
	}
	if o.Region != "" && !regionRE.MatchString(o.Region) {
		return cli.FlagErrorf("--region %q: not a region name such as eu-west-1", o.Region)
	}
	if o.Partition != "" && !partitionRE.MatchString(o.Partition) {
		return cli.FlagErrorf("--partition %q: not a partition such as aws or aws-cn", o.Partition)
	}
	o.Vars = placeholder.Vars{}
	for _, kv := range vars {
		k, v, err := splitKV("--var", kv)
		if err != nil {
			return err
		}
		if _, dup := o.Vars[k]; dup {
			return cli.FlagErrorf("--var %s given twice", k)
		}
		o.Vars[k] = placeholder.String(v)
	}
	for _, kv := range varLists {
		k, v, err := splitKV("--var-list", kv)
		if err != nil {
			return err
		}
		if _, dup := o.Vars[k]; dup {
			return cli.FlagErrorf("--var-list %s: variable given twice", k)
		}
		var items []string
		if v != "" {
			items = strings.Split(v, ",")
		}
		o.Vars[k] = placeholder.List(items...)
	}
	o.Parameters = map[string]string{}
	for _, kv := range params {
		k, v, err := splitKV("--parameter", kv)
		if err != nil {
			return err
		}
		if _, dup := o.Parameters[k]; dup {
			return cli.FlagErrorf("--parameter %s given twice", k)
		}
		o.Parameters[k] = v
	}
	return nil
}

func splitKV(flag, kv string) (string, string, error) {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || k == "" {
		return "", "", cli.FlagErrorf("%s %q: want NAME=VALUE", flag, kv)
	}
	return k, v, nil
}

func validateRun(opts *ValidateOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	fsys := opts.TemplatesFS
	if fsys == nil {
		fsys = schemas.FS()
		if opts.Templates != "" {
			st, err := os.Stat(opts.Templates)
			if err != nil {
				return fmt.Errorf("--templates: %w", err)
			}
			if !st.IsDir() {
				return fmt.Errorf("--templates %s: not a directory", opts.Templates)
			}
			fsys = os.DirFS(opts.Templates)
		}
	}
	eng := engine.New(dirstore.New(fsys))
	popts := cfntemplate.Options{
		AccountID:  opts.Account,
		Region:     opts.Region,
		Partition:  opts.Partition,
		StackName:  opts.StackName,
		Parameters: opts.Parameters,
	}
	ectx := engine.Context{
		AccountID: opts.Account,
		Region:    opts.Region,
		Partition: opts.Partition,
		StackName: opts.StackName,
	}

	var report cfntemplate.Report
	for _, file := range opts.Files {
		data, err := readFile(opts.IO.In, file)
		if err != nil {
			return err
		}
		t, err := cfntemplate.Parse(file, data, popts)
		if err != nil {
			return err
		}
		fr, err := cfntemplate.Validate(ctx, eng, t, ectx, opts.Vars)
		if err != nil {
			return withFlagHint(err)
		}
		report.Files = append(report.Files, fr)
	}
	if err := render.Write(opts.IO.Out, opts.Format, report); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if report.HasFindings() {
		return cli.ErrFindings
	}
	return nil
}

// withFlagHint points at the flags when a template needs a built-in placeholder the command line
// did not give: the engine's message names the placeholder, not the flag that fills it.
func withFlagHint(err error) error {
	var nv *engine.NoValueError
	if errors.As(err, &nv) {
		return fmt.Errorf("%w (set it with --account, --region, --partition or --stack-name)", err)
	}
	return err
}

// maxTemplateSize is CloudFormation's own limit for a template uploaded to S3.
const maxTemplateSize = 1 << 20

func readFile(stdin io.Reader, name string) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("read template: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxTemplateSize+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("read template: %w", err)
		}
		return nil, fmt.Errorf("read template %s: %w", name, err)
	}
	if len(data) > maxTemplateSize {
		return nil, fmt.Errorf("read template %s: larger than CloudFormation's 1 MB limit", name)
	}
	return data, nil
}
