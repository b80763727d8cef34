package drift

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes one block per type that drifted, then a one-line summary.
func (r Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	changed := 0
	for _, t := range r.Types {
		switch t.Status {
		case Unchanged:
			continue
		case MissingUpstream:
			ew.printf("%s: no longer in the provider schemas\n", t.label())
		case Changed:
			ew.printf("%s: %s\n", t.label(), t.Counts())
			for _, c := range t.Changes {
				ew.printf("  %s %s%s\n", sign(c.Kind), displayPath(c.Path), c.Detail())
			}
		}
		changed++
	}
	ew.printf("%d of %d types drifted", changed, len(r.Types))
	if len(r.Untemplated) > 0 {
		ew.printf("; %s no template (blocked)", untemplated(len(r.Untemplated)))
	}
	ew.printf("\n")
	return ew.err
}

// WriteMarkdown writes a review request body: one section per drifted type with a table of changes.
func (r Report) WriteMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	changed := 0
	for _, t := range r.Types {
		if t.Status != Unchanged {
			changed++
		}
	}
	ew.printf("## Provider schema drift\n\n%d of %d types drifted.", changed, len(r.Types))
	ew.printf(" New properties stay blocked until approved: regenerate the template to allow one, or remove it in the type's overlay to refuse it for good.\n")
	for _, t := range r.Types {
		switch t.Status {
		case Unchanged:
			continue
		case MissingUpstream:
			ew.printf("\n### `%s`\n\nNo longer in the provider schemas: the type may have been withdrawn or renamed.\n", t.TypeName)
			continue
		}
		ew.printf("\n### `%s`\n\n", t.TypeName)
		if t.Template != "" {
			ew.printf("Template `%s`", t.Template)
			if t.Snapshot != "" {
				ew.printf(", snapshot %s", t.Snapshot)
			}
			ew.printf(". ")
		}
		ew.printf("%s.\n\n| | Change | Path | Details |\n|---|---|---|---|\n", capitalize(t.Counts()))
		for _, c := range t.Changes {
			ew.printf("| %s | %s | `%s` | %s |\n", sign(c.Kind), c.Kind, displayPath(c.Path), mdCell(strings.TrimPrefix(c.Detail(), "  ")))
		}
	}
	if len(r.Untemplated) > 0 {
		ew.printf("\n<details><summary>%s no template (blocked)</summary>\n\n", untemplated(len(r.Untemplated)))
		for _, tn := range r.Untemplated {
			ew.printf("- `%s`\n", tn)
		}
		ew.printf("\n</details>\n")
	}
	return ew.err
}

func untemplated(n int) string {
	if n == 1 {
		return "1 provider type has"
	}
	return fmt.Sprintf("%d provider types have", n)
}

func (t TypeDrift) label() string {
	if t.Template == "" {
		return t.TypeName
	}
	return fmt.Sprintf("%s (%s)", t.TypeName, t.Template)
}

func sign(k Kind) string {
	switch k {
	case NewProperty:
		return "+"
	case RemovedProperty, RemovedEnumValues:
		return "-"
	}
	return "~"
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

func capitalize(s string) string {
	if s == "" {
		return "No changes"
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
