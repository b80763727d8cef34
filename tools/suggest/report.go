package suggest

import (
	"fmt"
	"io"
	"strings"
)

// Report is what `rcfge schemas suggest` prints: the suggestion, its proof and the inputs that
// could not be read.
type Report struct {
	*Result
	// Templates is how many input templates were read.
	Templates int `json:"templates"`
	// Regressions are resources whose verdict the suggestion changes; the command fails on any.
	Regressions []Regression `json:"regressions"`
	// InputErrors are inputs that could not be read or parsed, one line each.
	InputErrors []string `json:"inputErrors,omitempty"`
	// Written lists the overlay files written (empty without --out).
	Written []string `json:"written,omitempty"`
}

// WriteText renders the report for a terminal.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d template(s) read, %d type(s) observed, min count %d\n", r.Templates, len(r.Types)+len(r.NotApproved), r.MinCount)
	for _, t := range r.Types {
		fmt.Fprintf(&b, "\n%s: %d resource(s); approved paths %d → %d\n", t.Type, t.Resources, t.PathsBefore, t.PathsAfter)
		for _, x := range t.Removed {
			fmt.Fprintf(&b, "  remove   %s (set by %d)\n", x.Path, x.Seen)
		}
		for _, e := range t.Enums {
			fmt.Fprintf(&b, "  enum     %s: %d → %d values %v\n", e.Path, len(e.Before), len(e.After), e.After)
		}
		for _, a := range t.ARNs {
			fmt.Fprintf(&b, "  arn      %s: %s\n", a.Path, a.Pattern)
		}
		for _, k := range t.Kept {
			fmt.Fprintf(&b, "  keep     %s (unused, kept by --keep)\n", k)
		}
	}
	if len(r.NotApproved) > 0 {
		fmt.Fprintf(&b, "\ndeployed but not approved (no template): %s\n", strings.Join(r.NotApproved, ", "))
	}
	if len(r.NeverDeployed) > 0 {
		fmt.Fprintf(&b, "approved but never deployed: %s\n", strings.Join(r.NeverDeployed, ", "))
	}
	fmt.Fprintf(&b, "\nproof: %d regression(s) when every input is validated with the suggested overlays\n", len(r.Regressions))
	for _, g := range r.Regressions {
		fmt.Fprintf(&b, "  %s: %s → %s\n", g.Source, g.Before, g.After)
	}
	for _, e := range r.InputErrors {
		fmt.Fprintf(&b, "input error: %s\n", e)
	}
	for _, f := range r.Written {
		fmt.Fprintf(&b, "wrote %s\n", f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown renders the report for a pull request.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| type | resources | approved paths | removed | enums narrowed | ARN rules |\n|---|---|---|---|---|---|\n")
	for _, t := range r.Types {
		fmt.Fprintf(&b, "| %s | %d | %d → %d | %d | %d | %d |\n", t.Type, t.Resources, t.PathsBefore, t.PathsAfter, len(t.Removed), len(t.Enums), len(t.ARNs))
	}
	for _, t := range r.Types {
		if len(t.Removed)+len(t.Enums)+len(t.ARNs)+len(t.Kept) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n", t.Type)
		for _, x := range t.Removed {
			fmt.Fprintf(&b, "- remove `%s` (set by %d)\n", x.Path, x.Seen)
		}
		for _, e := range t.Enums {
			fmt.Fprintf(&b, "- narrow `%s` to %v (was %d values)\n", e.Path, e.After, len(e.Before))
		}
		for _, a := range t.ARNs {
			fmt.Fprintf(&b, "- pin `%s` to `%s`\n", a.Path, a.Pattern)
		}
		for _, k := range t.Kept {
			fmt.Fprintf(&b, "- keep `%s` (unused, --keep)\n", k)
		}
	}
	if len(r.NotApproved) > 0 {
		fmt.Fprintf(&b, "\nDeployed but not approved: %s\n", strings.Join(r.NotApproved, ", "))
	}
	if len(r.NeverDeployed) > 0 {
		fmt.Fprintf(&b, "\nApproved but never deployed: %s\n", strings.Join(r.NeverDeployed, ", "))
	}
	fmt.Fprintf(&b, "\nProof: %d template(s) validated before and after, %d regression(s).\n", r.Templates, len(r.Regressions))
	for _, g := range r.Regressions {
		fmt.Fprintf(&b, "- `%s`: %s → %s\n", g.Source, g.Before, g.After)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
