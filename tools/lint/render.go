package lint

import (
	"fmt"
	"io"
)

// WriteText writes the errors, then the free-form objects for review, then a summary line.
func (r Report) WriteText(w io.Writer) error {
	var err error
	printf := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	for _, f := range r.Findings {
		if f.Severity == Error {
			printf("%s: %s\n", f.location(), f.Message)
		}
	}
	info := len(r.Findings) - r.Errors()
	if info > 0 {
		printf("Free-form objects (open on purpose: they carry data, not features):\n")
		for _, f := range r.Findings {
			if f.Severity == Info {
				printf("  %s\n", f.location())
			}
		}
	}
	printf("%d templates, %d overlays: %d errors, %d free-form objects\n", r.Templates, r.Overlays, r.Errors(), info)
	return err
}

func (f Finding) location() string {
	if f.Path == "" {
		return fmt.Sprintf("%s [%s]", f.File, f.Rule)
	}
	return fmt.Sprintf("%s#%s [%s]", f.File, f.Path, f.Rule)
}
