// Package generate implements `rcfge schemas generate`.
package generate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/approval/lifecycle"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// LiveSource is the --source value that reads provider schemas through CloudFormation DescribeType.
const LiveSource = schemagen.LiveSource

// GenerateOptions holds the flags of `rcfge schemas generate`.
type GenerateOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(ctx context.Context) (aws.Config, error)

	Source   string
	Types    []string
	Overlays string
	Out      string
	Snapshot string
	Check    bool
	// ApproveAll approves everything the provider schemas have (a first import): the templates
	// already in --out are overwritten, not treated as the approval record.
	ApproveAll bool
	Format     render.Format
}

// NewCmdGenerate returns `rcfge schemas generate`; runF replaces the run function in tests.
func NewCmdGenerate(f *cli.Factory, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{IO: f.IO, AWSConfig: f.AWSConfig}
	cmd := &cobra.Command{
		Use:   "generate --source DIR|ZIP|cloudformation --out DIR [--type T]... [--overlays DIR]",
		Short: "Generate restricted templates from AWS resource provider schemas, with overlays",
		Long: `Turn AWS CloudFormation resource provider schemas into restricted templates: every object
that declares properties is closed, read-only properties and CloudFormation-only keywords are
removed, patterns are translated to RE2 or dropped (and recorded under x-rcfge), and the
DevSecOps overlay <overlays>/<Type>.json (an RFC 6902 JSON Patch) is applied on top.

--source is a folder of provider schemas, the zip AWS publishes
(https://schema.cloudformation.<region>.amazonaws.com/CloudformationSchema.zip), or
"cloudformation" to call DescribeType in the configured account and Region.

The templates in --out are the approval record. Regenerating a type whose template is there
refreshes what it approves (descriptions, patterns, their RE2 translation, overlays) but adds no
property, no enum value and no definition it does not approve: those stay pending and are listed
(approve them one by one with "rcfge schemas approve"). What AWS removed drops out and is listed
too. A type with no template is generated only when --type names it (its first approval);
without --type, only the types already in --out are regenerated. --approve-all ignores the record
and approves everything the provider schemas have (a first import).

Regenerating from an unchanged provider schema keeps the snapshot date already recorded in --out,
so the output is reproducible byte for byte; --check reports templates that would change instead
of writing them (exit 1). Pending additions alone never fail the command (see "schemas pending").`,
		Example: `  rcfge schemas generate --source ../shared/data/cfn-schemas/us-east-1 \
    --type AWS::S3::Bucket --type AWS::SNS::Topic --overlays schemas/overlays --out schemas/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Source == "" {
				return cli.FlagErrorf("--source is required")
			}
			if opts.Out == "" {
				return cli.FlagErrorf("--out is required")
			}
			if opts.Snapshot != "" {
				if _, err := time.Parse(time.DateOnly, opts.Snapshot); err != nil {
					return cli.FlagErrorf("--snapshot %q: want a date YYYY-MM-DD", opts.Snapshot)
				}
			}
			for _, t := range opts.Types {
				if _, err := store.FileName(t); err != nil {
					return cli.FlagErrorf("--type: %v", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return generateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Source, "source", "", `provider schemas: a folder, a .zip, or "cloudformation" (DescribeType)`)
	fl.StringArrayVar(&opts.Types, "type", nil, "resource type to generate (repeatable; default: every type in the source)")
	fl.StringVar(&opts.Overlays, "overlays", "", "folder of <Type>.json RFC 6902 overlays")
	fl.StringVar(&opts.Out, "out", "", "folder the templates are written to")
	fl.StringVar(&opts.Snapshot, "snapshot", "", "snapshot date YYYY-MM-DD to record (default: kept for unchanged schemas, else the source's date, else today)")
	fl.BoolVar(&opts.Check, "check", false, "write nothing; report templates that differ from --out and exit 1 if any")
	fl.BoolVar(&opts.ApproveAll, "approve-all", false, "approve everything the provider schemas have (first import); --out is not the approval record")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

func generateRun(ctx context.Context, opts *GenerateOptions) error {
	src, closeSrc, err := shared.OpenSource(ctx, "--source", opts.Source, opts.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { _ = closeSrc() }()

	req := schemagen.Request{Source: src, Types: opts.Types, Snapshot: opts.Snapshot}
	if opts.Overlays != "" {
		if st, err := os.Stat(opts.Overlays); err != nil || !st.IsDir() {
			return cli.FlagErrorf("--overlays %s: not a folder", opts.Overlays)
		}
		req.Overlays = os.DirFS(opts.Overlays)
	}
	if st, err := os.Stat(opts.Out); err == nil && st.IsDir() {
		req.Previous = os.DirFS(opts.Out)
	} else if opts.Check {
		return cli.FlagErrorf("--out %s: not a folder", opts.Out)
	}
	if !opts.ApproveAll {
		// A folder that does not exist yet approves nothing: only the named types are created.
		req.Approved = os.DirFS(opts.Out)
	}
	tpls, reviews, genErr := schemagen.RunReview(ctx, req)
	if genErr != nil && len(tpls) == 0 {
		return genErr
	}
	rep, err := write(opts, tpls)
	if err != nil {
		return err
	}
	rep.review(reviews)
	if err := render.Write(opts.IO.Out, opts.Format, rep); err != nil {
		return err
	}
	switch {
	case genErr != nil:
		return genErr
	case opts.Check && rep.Stale > 0:
		return cli.ErrFindings
	}
	return nil
}

// write compares each template with the file in --out and writes it unless --check.
func write(opts *GenerateOptions, tpls []*schemagen.Template) (*Report, error) {
	rep := &Report{Check: opts.Check, Templates: []Entry{}}
	if !opts.Check {
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
	}
	for _, tpl := range tpls {
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(opts.Out, name)
		e := Entry{
			TypeName:    tpl.TypeName,
			File:        path,
			Translated:  len(tpl.Annotation.TranslatedPatterns),
			Dropped:     len(tpl.Annotation.DroppedPatterns),
			OpenObjects: len(tpl.Annotation.OpenObjects),
			Overlay:     tpl.Annotation.Overlay != nil,
		}
		old, err := os.ReadFile(path)
		switch {
		case err == nil && bytes.Equal(old, tpl.Body):
			e.Status = StatusUnchanged
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("read %s: %w", path, err)
		case opts.Check:
			e.Status = StatusStale
			rep.Stale++
		default:
			if err := writeFile(path, tpl.Body); err != nil {
				return nil, err
			}
			e.Status = StatusWritten
		}
		rep.Templates = append(rep.Templates, e)
	}
	return rep, nil
}

// writeFile replaces path atomically, so a reader (or the embed build) never sees half a template.
func writeFile(path string, body []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rcfge-*.json")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(body); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Status says what generate did with one template.
type Status string

// The statuses of a generated template.
const (
	StatusWritten   Status = "written"
	StatusUnchanged Status = "unchanged"
	StatusStale     Status = "stale"
)

// Report is the result of one generate run.
type Report struct {
	Check     bool    `json:"check"`
	Stale     int     `json:"stale"`
	Templates []Entry `json:"templates"`
	// NewTypes are the source's types with no template in --out, not generated.
	NewTypes []string `json:"newTypes,omitempty"`
}

// review adds each template's pending and removed items.
func (r *Report) review(reviews []approval.Review) {
	byType := map[string]approval.Review{}
	for _, rv := range reviews {
		if rv.Status == approval.NewType {
			r.NewTypes = append(r.NewTypes, rv.TypeName)
			continue
		}
		byType[rv.TypeName] = rv
	}
	for i := range r.Templates {
		rv := byType[r.Templates[i].TypeName]
		r.Templates[i].Approval = rv.Status
		r.Templates[i].Pending = lifecycle.Items(rv)
		for _, c := range rv.Removed {
			r.Templates[i].Removed = append(r.Templates[i].Removed, c.Path+strings.TrimRight(c.Detail(), " "))
		}
	}
}

// Entry is one template in the report.
type Entry struct {
	TypeName    string `json:"typeName"`
	File        string `json:"file"`
	Status      Status `json:"status"`
	Overlay     bool   `json:"overlay"`
	Translated  int    `json:"translatedPatterns"`
	Dropped     int    `json:"droppedPatterns"`
	OpenObjects int    `json:"openObjects"`
	// Approval says whether the template was narrowed to its approvals ("pending"), is
	// current, a first approval, or generated with --approve-all.
	Approval approval.Status `json:"approval,omitempty"`
	// Pending are the additions held back, as "schemas approve" takes them.
	Pending []string `json:"pending,omitempty"`
	// Removed are what AWS withdrew, dropped from the template.
	Removed []string `json:"removed,omitempty"`
}

// WriteText writes one line per template and a summary.
func (r *Report) WriteText(w io.Writer) error {
	counts := map[Status]int{}
	pending := 0
	for _, e := range r.Templates {
		counts[e.Status]++
		overlay := "no overlay"
		if e.Overlay {
			overlay = "overlay"
		}
		if _, err := fmt.Fprintf(w, "%-9s %s (%s; patterns: %d translated, %d dropped; %d free-form objects)\n",
			e.Status, e.File, overlay, e.Translated, e.Dropped, e.OpenObjects); err != nil {
			return err
		}
		for _, p := range e.Pending {
			pending++
			if _, err := fmt.Fprintf(w, "  pending %s\n", p); err != nil {
				return err
			}
		}
		for _, p := range e.Removed {
			if _, err := fmt.Fprintf(w, "  removed %s\n", p); err != nil {
				return err
			}
		}
	}
	if _, err := fmt.Fprintf(w, "%d templates: %d written, %d unchanged, %d stale\n",
		len(r.Templates), counts[StatusWritten], counts[StatusUnchanged], counts[StatusStale]); err != nil {
		return err
	}
	if pending == 0 && len(r.NewTypes) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "%d additions pending approval, %d types without a template (rcfge schemas pending; rcfge schemas approve)\n", pending, len(r.NewTypes))
	return err
}
