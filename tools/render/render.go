// Package render is the one place that turns a command's report into text, JSON, SARIF, JUnit or
// Markdown. A report opts in to a format by implementing its interface; JSON is the report itself.
package render

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

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

// SARIFer returns the report as a SARIF log.
type SARIFer interface{ SARIF() SARIFLog }

// JUniter returns the report as JUnit test suites.
type JUniter interface{ JUnit() JUnitSuites }

// Write renders report in format f to w. A format the report does not support is an error.
func Write(w io.Writer, f Format, report any) error {
	switch f {
	case Text, "":
		if r, ok := report.(Texter); ok {
			return r.WriteText(w)
		}
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(report)
	case Markdown:
		if r, ok := report.(Markdowner); ok {
			return r.WriteMarkdown(w)
		}
	case SARIF:
		if r, ok := report.(SARIFer); ok {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(r.SARIF())
		}
	case JUnit:
		if r, ok := report.(JUniter); ok {
			if _, err := io.WriteString(w, xml.Header); err != nil {
				return err
			}
			enc := xml.NewEncoder(w)
			enc.Indent("", "  ")
			if err := enc.Encode(r.JUnit()); err != nil {
				return err
			}
			_, err := io.WriteString(w, "\n")
			return err
		}
	}
	return fmt.Errorf("output format %q is not supported here", f)
}

// FormatValue is a pflag.Value restricted to a set of formats.
type FormatValue struct {
	Target  *Format
	Allowed []Format
}

var _ pflag.Value = (*FormatValue)(nil)

// AddFormatFlag adds --format to a flag set, defaulting to the first allowed format.
func AddFormatFlag(fs *pflag.FlagSet, target *Format, allowed ...Format) {
	*target = allowed[0]
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	fs.Var(&FormatValue{Target: target, Allowed: allowed}, "format", "output format: "+strings.Join(names, "|"))
}

func (v *FormatValue) String() string {
	if v.Target == nil {
		return ""
	}
	return string(*v.Target)
}

// Set accepts only the allowed formats.
func (v *FormatValue) Set(s string) error {
	for _, a := range v.Allowed {
		if Format(s) == a {
			*v.Target = a
			return nil
		}
	}
	return fmt.Errorf("unknown format %q", s)
}

// Type names the flag's value type in help.
func (v *FormatValue) Type() string { return "format" }
