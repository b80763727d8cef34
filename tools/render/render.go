// Package render is the one place that turns a command's report into text, JSON, SARIF, JUnit or
// Markdown. A report opts in to a format by implementing its interface; JSON is the report itself.
// SARIF is written by github.com/owenrumney/go-sarif and JUnit by go-junit-report's junit package,
// so the shapes code-scanning and CI servers read are kept by libraries that track them.
package render

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/spf13/pflag"
)

// Format is an output format name as given to --format.
type Format string

// The formats rcfge can write.
const (
	Text     Format = "text"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	JUnit    Format = "junit"
	Markdown Format = "md"
)

// Texter writes the human-readable form.
type Texter interface{ WriteText(w io.Writer) error }

// Markdowner writes Markdown, e.g. for a review request.
type Markdowner interface{ WriteMarkdown(w io.Writer) error }

// SARIFReporter returns the report as a SARIF 2.1.0 log built with the SARIF library.
type SARIFReporter interface{ SARIFReport() *sarif.Report }

// JUniter returns the report as JUnit test suites.
type JUniter interface{ JUnit() junit.Testsuites }

// Write renders report in format f to w. A format the report does not support is an error.
func Write(w io.Writer, f Format, report any) error {
	switch f {
	case Text, "":
		if r, ok := report.(Texter); ok {
			return r.WriteText(w)
		}
	case JSON:
		return writeJSON(w, report)
	case Markdown:
		if r, ok := report.(Markdowner); ok {
			return r.WriteMarkdown(w)
		}
	case SARIF:
		switch r := report.(type) {
		case SARIFReporter:
			return writeSARIF(w, r.SARIFReport())
		}
	case JUnit:
		if r, ok := report.(JUniter); ok {
			if _, err := io.WriteString(w, xml.Header); err != nil {
				return err
			}
			suites := r.JUnit()
			if err := suites.WriteXML(w); err != nil {
				return err
			}
			_, err := io.WriteString(w, "\n")
			return err
		}
	}
	return fmt.Errorf("output format %q is not supported here", f)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeSARIF(w io.Writer, rep *sarif.Report) error {
	if err := rep.PrettyWrite(w); err != nil {
		return fmt.Errorf("write SARIF: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Enum is a flag value with a closed set of values: the root command completes them in the
// shell and the error for a wrong value lists them.
type Enum interface {
	pflag.Value
	Allowed() []string
}

// FormatValue is a pflag.Value restricted to a set of formats.
type FormatValue struct {
	Target  *Format
	Formats []Format
}

var _ Enum = (*FormatValue)(nil)

// AddFormatFlag adds --format to a flag set, defaulting to the first allowed format.
func AddFormatFlag(fs *pflag.FlagSet, target *Format, allowed ...Format) {
	*target = allowed[0]
	fs.Var(&FormatValue{Target: target, Formats: allowed}, "format", "output `FORMAT`: "+strings.Join(names(allowed), ", "))
}

func names(fs []Format) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

func (v *FormatValue) String() string {
	if v.Target == nil {
		return ""
	}
	return string(*v.Target)
}

// Set accepts only the allowed formats.
func (v *FormatValue) Set(s string) error {
	f, err := parseFormat(s, v.Formats)
	if err != nil {
		return err
	}
	*v.Target = f
	return nil
}

// Allowed lists the format names, for completion and errors.
func (v *FormatValue) Allowed() []string { return names(v.Formats) }

// Type names the flag's value type in help.
func (v *FormatValue) Type() string { return "format" }

func parseFormat(s string, allowed []Format) (Format, error) {
	for _, a := range allowed {
		if Format(s) == a {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (allowed: %s)", s, strings.Join(names(allowed), ", "))
}
