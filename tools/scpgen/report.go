package scpgen

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the check report for a terminal: one line per policy, then each problem.
func (r *CheckReport) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	for _, p := range r.Policies {
		status := "ok"
		if len(p.Problems) > 0 {
			status = fmt.Sprintf("%d problem(s)", len(p.Problems))
		}
		ew.printf("%s: %d/%d characters: %s\n", p.File, p.Chars, r.Quotas.MaxChars, status)
		for _, pr := range p.Problems {
			ew.printf("  %s\n", pr)
		}
	}
	for _, pr := range r.Problems {
		ew.printf("%s\n", pr)
	}
	for _, w := range r.Widened {
		ew.printf("%s statement %s (%s %s): %s grants %d action(s) it did not at build time: %s\n",
			w.File, w.Sid, w.Effect, w.Element, w.Pattern, len(w.NewActions), strings.Join(w.NewActions, ", "))
	}
	for _, w := range r.DeniesMore {
		ew.printf("note: %s statement %s (%s %s): %s now also denies %s\n",
			w.File, w.Sid, w.Effect, w.Element, w.Pattern, strings.Join(w.NewActions, ", "))
	}
	if r.OK() {
		ew.printf("%d policies (quota %d): no problems\n", len(r.Policies), r.Quotas.MaxPolicies)
	} else {
		ew.printf("%d problem(s)\n", r.Count())
	}
	return ew.err
}

// WriteText writes a build summary: each policy with its size and statements, then warnings.
func (r *Result) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	for _, p := range r.Manifest.Policies {
		ew.printf("%s: %d/%d characters\n", p.File, p.Chars, r.Manifest.Quotas.MaxChars)
		for _, s := range p.Statements {
			ew.printf("  %s: %d patterns\n", s.Sid, s.Actions)
		}
	}
	ew.printf("%d policies (quota %d), %d approved types, %d warnings\n",
		len(r.Policies), r.Manifest.Quotas.MaxPolicies, len(r.Manifest.Types), len(r.Warnings))
	return ew.err
}

// errWriter keeps the first write error so that a report's lines need no error check each.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
