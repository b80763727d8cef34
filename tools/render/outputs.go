package render

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// Output is one rendering of a run's report: a format and where it goes ("" is stdout).
type Output struct {
	Format Format
	Path   string
}

// OutputsValue is a repeatable --format FORMAT[=FILE] flag: each use adds one rendering of the
// same report, so a CI job can print text and write SARIF in one run.
type OutputsValue struct {
	Target  *[]Output
	Formats []Format
	set     bool
}

var _ Enum = (*OutputsValue)(nil)

// AddOutputFlags adds the repeatable --format FORMAT[=FILE] and --output FILE to fs. The
// outputs default to the first allowed format on stdout; call ResolveOutputs after parsing.
func AddOutputFlags(fs *pflag.FlagSet, target *[]Output, output *string, allowed ...Format) {
	*target = []Output{{Format: allowed[0]}}
	fs.Var(&OutputsValue{Target: target, Formats: allowed}, "format",
		"output `FORMAT[=FILE]`, repeatable: "+strings.Join(names(allowed), ", ")+" (e.g. --format text --format sarif=out.sarif)")
	fs.StringVar(output, "output", "", "write the report to `FILE` instead of stdout (the --format given without =FILE)")
}

func (v *OutputsValue) String() string {
	if v.Target == nil {
		return ""
	}
	var s []string
	for _, o := range *v.Target {
		if o.Path != "" {
			s = append(s, string(o.Format)+"="+o.Path)
		} else {
			s = append(s, string(o.Format))
		}
	}
	return strings.Join(s, ",")
}

// Set adds one output; the first use replaces the default.
func (v *OutputsValue) Set(s string) error {
	name, path, hasPath := strings.Cut(s, "=")
	if hasPath && path == "" {
		return fmt.Errorf("%q: want FORMAT=FILE with a file name", s)
	}
	f, err := parseFormat(name, v.Formats)
	if err != nil {
		return err
	}
	if !v.set {
		*v.Target = nil
		v.set = true
	}
	*v.Target = append(*v.Target, Output{Format: f, Path: path})
	return nil
}

// Allowed lists the format names, for completion and errors.
func (v *OutputsValue) Allowed() []string { return names(v.Formats) }

// Type names the flag's value type in help.
func (v *OutputsValue) Type() string { return "format" }

// ResolveOutputs applies --output to the one output without a file and checks that no two
// outputs write to the same place.
func ResolveOutputs(outs []Output, output string) ([]Output, error) {
	outs = append([]Output(nil), outs...)
	if output != "" {
		n := 0
		for i := range outs {
			if outs[i].Path == "" {
				outs[i].Path = output
				n++
			}
		}
		switch {
		case n == 0:
			return nil, errors.New("--output: every --format already names its file")
		case n > 1:
			return nil, errors.New("--output: more than one --format without =FILE; name each file with --format FORMAT=FILE")
		}
	}
	seen := map[string]Format{}
	for _, o := range outs {
		if prev, dup := seen[o.Path]; dup {
			where := o.Path
			if where == "" {
				where = "stdout"
			}
			return nil, fmt.Errorf("--format %s and %s both write to %s: give one of them =FILE", prev, o.Format, where)
		}
		seen[o.Path] = o.Format
	}
	return outs, nil
}

// WriteOutputs renders report once per output, to stdout or to its file. Every output is
// attempted; the errors are joined.
func WriteOutputs(stdout io.Writer, outs []Output, report any) error {
	var errs []error
	for _, o := range outs {
		if o.Path == "" {
			if err := Write(stdout, o.Format, report); err != nil {
				errs = append(errs, fmt.Errorf("write %s report: %w", o.Format, err))
			}
			continue
		}
		if err := writeFile(o, report); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func writeFile(o Output, report any) (err error) {
	f, err := os.Create(o.Path)
	if err != nil {
		return fmt.Errorf("write %s report: %w", o.Format, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write %s report %s: %w", o.Format, o.Path, cerr)
		}
	}()
	if err := Write(f, o.Format, report); err != nil {
		return fmt.Errorf("write %s report %s: %w", o.Format, o.Path, err)
	}
	return nil
}
