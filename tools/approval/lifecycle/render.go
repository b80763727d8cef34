package lifecycle

import (
	"fmt"
	"io"
	"strings"

	"github.com/rcfge/rcfge/tools/approval"
)

// Items lists a review's pending decisions as the approve command takes them: /Path for a
// property (and for a new alternative or a lifted enum, the object or value that has it; "/" is
// the whole type), /Path=VALUE for each enum value. Paths repeat when several changes share one.
func Items(r approval.Review) []string {
	var out []string
	for _, c := range r.Pending {
		switch c.Kind {
		case approval.NewProperty, approval.OpenedEnum, approval.NewBranch:
			out = append(out, displayPath(c.Path))
		case approval.NewEnumValues:
			for _, v := range c.Values {
				out = append(out, displayPath(c.Path)+"="+v)
			}
		}
	}
	return out
}

// WriteText writes one block per type: what is pending, ready to paste into `schemas approve`.
func (r PendingReport) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	var pending, types, newTypes int
	for _, t := range r.Types {
		switch {
		case t.Status == approval.NewType:
			newTypes++
			ew.printf("%s: new type, no template (approve: rcfge schemas approve ... %s)\n", t.TypeName, t.TypeName)
			continue
		case len(t.Pending) > 0:
			types++
		}
		ew.printf("%s:\n", t.TypeName)
		pending += len(Items(t))
		for _, c := range t.Pending {
			ew.printf("  pending %s%s\n", displayPath(c.Path), c.Detail())
		}
		for _, c := range t.Removed {
			ew.printf("  removed %s%s\n", displayPath(c.Path), c.Detail())
		}
	}
	// Counted as approve takes them: each enum value is one decision.
	ew.printf("%d pending in %d types, %d new types without a template\n", pending, types, newTypes)
	return ew.err
}

// WriteMarkdown writes the review request body: a table per type.
func (r PendingReport) WriteMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("## Pending approvals\n\n")
	var newTypes []string
	for _, t := range r.Types {
		if t.Status == approval.NewType {
			newTypes = append(newTypes, t.TypeName)
			continue
		}
		ew.printf("### %s\n\n| | path | detail |\n|---|---|---|\n", t.TypeName)
		for _, c := range t.Pending {
			ew.printf("| pending | `%s` | %s |\n", displayPath(c.Path), mdCell(strings.TrimSpace(c.Detail())))
		}
		for _, c := range t.Removed {
			ew.printf("| removed | `%s` | %s |\n", displayPath(c.Path), mdCell(strings.TrimSpace(c.Detail())))
		}
		ew.printf("\n")
	}
	if len(newTypes) > 0 {
		ew.printf("### New types without a template (%d)\n\n", len(newTypes))
		for _, t := range newTypes {
			ew.printf("- `%s`\n", t)
		}
		ew.printf("\n")
	}
	if len(r.Types) == 0 {
		ew.printf("Nothing pending.\n")
	}
	return ew.err
}

// WriteText writes what a decision did.
func (o Outcome) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	switch {
	case !o.Changed:
		ew.printf("unchanged %s (already so)\n", o.File)
	default:
		ew.printf("written   %s\n", o.File)
	}
	for _, e := range o.Recorded {
		g := e.Grant()
		what := displayPath(g.String())
		if e.Path == "" && e.Value == nil {
			what = "whole type"
		}
		ew.printf("recorded  %s %s %s (%s, by %s)\n", e.Action, e.Type, what, e.Reason, e.By)
	}
	if n := len(o.Review.Pending); n > 0 {
		ew.printf("%d still pending for %s (rcfge schemas pending)\n", n, o.Review.TypeName)
	}
	return ew.err
}

func displayPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// errWriter keeps the first write error so that the renderers read straight.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
