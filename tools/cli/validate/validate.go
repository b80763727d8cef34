// Package validate implements `rcfge validate`: CloudFormation templates checked, resource by
// resource, against the restricted resource schema templates, answering what the hook would.
package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/store/s3store"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/schemas"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// ValidateOptions holds the flags and arguments of `rcfge validate`.
type ValidateOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(context.Context) (aws.Config, error)
	Logger    func() *slog.Logger
	// Templates is a folder of restricted templates or s3://bucket/prefix; empty means the ones
	// built into rcfge.
	Templates string
	// EndpointURL is an S3-compatible endpoint for --templates s3://...
	EndpointURL string
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
	// Policy holds the hook's failure knobs (--on-violation, ...).
	Policy verdict.Policy
	// Outputs are the renderings of the report (--format FORMAT[=FILE], --output FILE).
	Outputs []render.Output
	// Inputs are files, folders, globs and "-" (standard input).
	Inputs []string
	// Config is the .rcfge.yaml the defaults came from, if any.
	Config string
	// SkipNonTemplates skips named files that are not CloudFormation templates, as a folder
	// search does (for pre-commit, which passes every changed YAML and JSON file).
	SkipNonTemplates bool
}

var (
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE    = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// NewCmdValidate returns `rcfge validate`; runF replaces the run function in tests.
func NewCmdValidate(f *cli.Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO, AWSConfig: f.AWSConfig, Logger: f.Logger}
	var vars, varLists, params []string
	var output string
	knobs := []*knobFlag{
		{name: "on-violation", target: &opts.Policy.OnViolation, what: "a property breaks a rule"},
		{name: "on-missing-template", target: &opts.Policy.OnMissingTemplate, what: "a type has no template (not approved)"},
		{name: "on-engine-error", target: &opts.Policy.OnEngineError, what: "a template is invalid or cannot be read"},
		{name: "on-unverifiable", target: &opts.Policy.OnUnverifiable, what: "a dynamic reference hides a value an rcfge rule restricts"},
	}
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE|DIR|GLOB|-...",
		Short: "Validate CloudFormation templates against the restricted resource schema templates",
		Long: `Validate each resource of CloudFormation templates (JSON or YAML, short-form tags included)
against its restricted resource schema template, and answer as the hook would on CREATE.

Inputs are files, folders (searched recursively for .json, .yaml, .yml and .template files;
files there that are not CloudFormation templates are skipped), globs and "-" for standard
input. A file that cannot be read or parsed is reported as an error for that file; the others
are still checked.

A resource whose type has no restricted template is a finding (rule approved-type), as the hook
answers NonCompliant for it. --on-violation, --on-missing-template, --on-engine-error and
--on-unverifiable take fail or warn, as the hook's knobs do: with warn, the finding is printed
as a warning and does not fail the run.

Intrinsic functions are resolved from --account, --region, --partition, --stack-name and
--parameter (else the parameter's Default). Values that cannot be known before deployment
(Fn::GetAtt, Fn::ImportValue, a Ref to a resource, dynamic references, a parameter with no value)
are reported as unverified: only the constraints on them are skipped. A template with a
Transform other than AWS::LanguageExtensions is refused: check the processed template instead.

--var k=v always sets a string, commas included; --var-list k=a,b sets a list (for placeholders
such as "enum": "$<approvedKmsKeys>"); --var-list k= sets an empty list.

Defaults for every flag above come from .rcfge.yaml in the working directory or the nearest
parent (see docs/validate.md); flags given on the command line win.

Exit status: 0 every resource approved (warnings included), 1 the hook would block a resource,
2 usage error, a file not checked, or an engine error.`,
		Example: `  rcfge validate --account 111122223333 --region eu-west-1 template.yaml
  rcfge validate examples/
  rcfge validate --format text --format sarif=rcfge.sarif 'stacks/*.yaml'
  rcfge validate --templates s3://rcfge-templates/templates --on-missing-template warn stack.json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.FlagErrorf("validate needs at least one template file, folder or glob")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if err := applyConfig(cmd.Flags(), opts, &vars, &varLists, &params, knobs); err != nil {
				return err
			}
			if err := opts.parseFlags(vars, varLists, params); err != nil {
				return err
			}
			outs, err := render.ResolveOutputs(opts.Outputs, output)
			if err != nil {
				return &cli.FlagError{Err: err}
			}
			opts.Outputs = outs
			if t := opts.Templates; strings.HasPrefix(t, "s3://") && strings.TrimPrefix(t, "s3://") == "" {
				return cli.FlagErrorf("--templates %q: want s3://bucket[/prefix]", t)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", "", "restricted templates from `DIR` or s3://bucket/prefix (default: the templates built into rcfge)")
	fl.StringVar(&opts.EndpointURL, "endpoint-url", "", "S3-compatible endpoint `URL` for --templates s3://...")
	fl.StringVar(&opts.Account, "account", "", "deploying account `ID` (AWS::AccountId, $<accountID>)")
	fl.StringVar(&opts.Region, "region", "", "deployment `REGION` (AWS::Region, $<region>)")
	fl.StringVar(&opts.Partition, "partition", "", "`NAME` of the partition (AWS::Partition, $<partition>; default: from --region)")
	fl.StringVar(&opts.StackName, "stack-name", "", "stack `NAME` (AWS::StackName, $<stackName>)")
	fl.StringArrayVar(&vars, "var", nil, "template variable `k=v`, a string (repeatable)")
	fl.StringArrayVar(&varLists, "var-list", nil, "template variable `k=a,b`, a comma-separated list (repeatable)")
	fl.StringArrayVar(&params, "parameter", nil, "template parameter `k=v` (repeatable)")
	fl.BoolVar(&opts.SkipNonTemplates, "skip-non-templates", false, "skip named files that are not CloudFormation templates, as a folder search does")
	for _, k := range knobs {
		fl.Var(k, k.name, "`fail|warn` when "+k.what+" (the hook's knob; default fail)")
	}
	render.AddOutputFlags(fl, &opts.Outputs, &output, render.Text, render.JSON, render.SARIF, render.JUnit)
	return cmd
}

// knobFlag is a failure knob as a flag: fail or warn.
type knobFlag struct {
	name   string
	target *verdict.Mode
	what   string
}

var _ render.Enum = (*knobFlag)(nil)

func (k *knobFlag) String() string { return strings.ToLower(string(*k.target)) }

// Set accepts fail or warn, in any case.
func (k *knobFlag) Set(s string) error {
	if s == "" {
		return errors.New("want fail or warn")
	}
	m, err := verdict.ParseMode(s)
	if err != nil {
		return fmt.Errorf("%q: want fail or warn", s)
	}
	*k.target = m
	return nil
}

// Allowed lists the knob's values, for completion and errors.
func (k *knobFlag) Allowed() []string { return []string{"fail", "warn"} }

// Type names the flag's value type in help.
func (k *knobFlag) Type() string { return "mode" }

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

func validateRun(ctx context.Context, opts *ValidateOptions) error {
	st, err := templateStore(ctx, opts)
	if err != nil {
		return err
	}
	ev := &recorder{eng: engine.New(st)}
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

	inputs := expandInputs(opts.Inputs)
	report := cfntemplate.Report{Policy: opts.Policy}
	for _, in := range inputs {
		if in.err != nil {
			report.Files = append(report.Files, fileError(in.name, in.err))
			continue
		}
		data, err := readFile(opts.IO.In, in.name)
		if err != nil {
			report.Files = append(report.Files, fileError(in.name, err))
			continue
		}
		if (in.found || opts.SkipNonTemplates) && !looksLikeTemplate(data) {
			// A folder holds more than templates (hook requests, suites, configuration).
			fmt.Fprintf(opts.IO.ErrOut, "rcfge: skipping %s: not a CloudFormation template\n", in.name)
			continue
		}
		t, err := cfntemplate.Parse(in.name, data, popts)
		if err != nil {
			report.Files = append(report.Files, fileError(in.name, err))
			continue
		}
		ev.reset()
		ch, err := cfntemplate.Check(ctx, ev, t, ectx, opts.Vars, cfntemplate.WithPolicy(opts.Policy))
		if err != nil {
			// Engine failures are in the results, per resource; these stop the run.
			if herr := hint(err); herr != nil {
				return herr
			}
			if ctx.Err() != nil {
				return err
			}
		}
		fr := cfntemplate.NewFileResult(ch)
		ev.fill(&fr)
		fr.Locate(data)
		report.Files = append(report.Files, fr)
	}
	if len(report.Files) == 0 {
		return cli.FlagErrorf("no CloudFormation template found in %s", strings.Join(opts.Inputs, " "))
	}
	report.Decide()
	if err := render.WriteOutputs(opts.IO.Out, opts.Outputs, report); err != nil {
		return err
	}
	switch {
	case report.HasErrors():
		return cli.ErrReported
	case report.HasFindings():
		return cli.ErrFindings
	}
	return nil
}

func fileError(name string, err error) cfntemplate.FileResult {
	fr := cfntemplate.FileResult{File: name, Error: err.Error()}
	var ce *cfntemplate.Error
	if errors.As(err, &ce) {
		// The report puts the file and line first.
		fr.ErrorLine, fr.Error = ce.Line, ce.Err.Error()
	}
	return fr
}

// templateStore opens --templates: the built-in templates, a folder, or s3://bucket/prefix.
func templateStore(ctx context.Context, opts *ValidateOptions) (store.Store, error) {
	switch {
	case opts.TemplatesFS != nil:
		return dirstore.New(opts.TemplatesFS), nil
	case opts.Templates == "":
		return dirstore.New(schemas.FS()), nil
	}
	if loc, ok := strings.CutPrefix(opts.Templates, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(loc, "/")
		if opts.AWSConfig == nil {
			return nil, errors.New("--templates s3://: no AWS configuration")
		}
		cfg, err := opts.AWSConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("AWS configuration: %w", err)
		}
		if opts.Region != "" && cfg.Region == "" {
			cfg.Region = opts.Region
		}
		st, err := s3store.New(s3store.NewClient(cfg, opts.EndpointURL), bucket, s3store.WithPrefix(prefix))
		if err != nil {
			return nil, fmt.Errorf("--templates %s: %w", opts.Templates, err)
		}
		return st, nil
	}
	fi, err := os.Stat(opts.Templates)
	if err != nil {
		return nil, fmt.Errorf("--templates: %w", err)
	}
	if !fi.IsDir() {
		return nil, cli.FlagErrorf("--templates %s: not a folder", opts.Templates)
	}
	return dirstore.NewSnapshot(os.DirFS(opts.Templates)), nil
}

// builtinFlags names the flag that gives each built-in placeholder a value outside a stack.
var builtinFlags = map[string]string{
	"accountID": "--account",
	"region":    "--region",
	"partition": "--region (or --partition)",
	"stackName": "--stack-name",
}

// hint turns an engine error that a flag would fix into a usage error naming that flag only:
// the engine's message names the placeholder, not the flag that fills it. Other errors give nil.
func hint(err error) error {
	var nv *engine.NoValueError
	if errors.As(err, &nv) {
		if flag, ok := builtinFlags[nv.Name]; ok {
			return &cli.FlagError{Err: fmt.Errorf("%w: set it with %s", err, flag)}
		}
		return &cli.FlagError{Err: fmt.Errorf("%w: rcfge validate cannot know it outside a stack", err)}
	}
	var ue *placeholder.UnknownError
	if errors.As(err, &ue) {
		return &cli.FlagError{Err: fmt.Errorf("%w: set it with --var %s=VALUE or --var-list %s=A,B", err, ue.Name, ue.Name)}
	}
	return nil
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

var _ pflag.Value = (*knobFlag)(nil)
