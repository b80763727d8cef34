package lint

import (
	"fmt"
	"io"
	"maps"
	"path"
	"slices"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rcfge/rcfge/tools/render"
)

// WriteText writes the errors and then the warnings as file:line: lines (editors jump to them),
// then the free-form objects for review, then a summary line.
func (r Report) WriteText(w io.Writer) error {
	var err error
	printf := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	for _, f := range r.Findings {
		if f.Severity == Error {
			printf("%s: %s\n", r.location(f), f.Message)
		}
	}
	info, warnings := 0, 0
	for _, f := range r.Findings {
		switch f.Severity {
		case Info:
			info++
		case Warning:
			warnings++
			printf("%s: warning: %s\n", r.location(f), f.Message)
		}
	}
	if info > 0 {
		printf("Free-form objects (open on purpose: they carry data, not features):\n")
		for _, f := range r.Findings {
			if f.Severity == Info {
				printf("  %s\n", r.location(f))
			}
		}
	}
	if warnings > 0 {
		printf("%d templates, %d overlays: %d errors, %d warnings, %d free-form objects\n", r.Templates, r.Overlays, r.Errors(), warnings, info)
	} else {
		printf("%d templates, %d overlays: %d errors, %d free-form objects\n", r.Templates, r.Overlays, r.Errors(), info)
	}
	return err
}

func (r Report) location(f Finding) string {
	loc := r.file(f)
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
	}
	if f.Path != "" {
		loc += " " + f.Path
	}
	return fmt.Sprintf("%s [%s]", loc, f.Rule)
}

func (r Report) file(f Finding) string {
	if r.Dir == "" {
		return f.File
	}
	return path.Join(r.Dir, f.File)
}

// ruleText describes each rule once, for SARIF's rule list.
var ruleText = map[Rule]string{
	RuleJSON:               "A template is one JSON object.",
	RuleFileName:           "A template is named after its type (AWS::S3::Bucket → AWS-S3-Bucket.json), or the engine never reads it.",
	RuleAnnotation:         "The x-rcfge annotation is well formed.",
	RulePlaceholder:        "Placeholders are well formed and used where their value fits.",
	RuleUnknownPlaceholder: "Placeholders are built-ins or declared variables.",
	RuleCompile:            "The template compiles in the engine.",
	RuleOpenObject:         "Every object that declares properties is closed (additionalProperties: false): an open one is a feature-gating hole.",
	RuleFreeForm:           "Free-form object: open on purpose, it carries data, not features.",
	RulePattern:            "Patterns are RE2, the engine's regex syntax.",
	RuleUnknownType:        "The template's type exists in the provider schemas.",
	RuleUnknownProperty:    "Every property name exists in the provider schema.",
	RuleUnknownEnumValue:   "Every enum value exists in the provider schema.",
	RuleOverlay:            "Overlays are well-formed RFC 6902 patches for an existing template.",
	RuleMetaSchema:         "The template is a valid JSON Schema: it passes its draft's meta-schema.",
	RulePlaceholderMeaning: "A placeholder means what it seems to: a list in a pattern is anchored, $$< is meant as a literal.",
}

// SARIFReport returns one result per finding (error, warning, or note for free-form objects),
// located at its line, with one rule per check, through the SARIF library like every report.
func (r Report) SARIFReport() *sarif.Report {
	run := render.NewSARIFRun()
	used := map[Rule]bool{}
	for _, f := range r.Findings {
		used[f.Rule] = true
	}
	for _, rule := range slices.Sorted(maps.Keys(used)) {
		run.AddRule(string(rule)).WithDescription(ruleText[rule])
	}
	for _, f := range r.Findings {
		level := "error"
		switch f.Severity {
		case Info:
			level = "note"
		case Warning:
			level = "warning"
		}
		res := run.CreateResultForRule(string(f.Rule)).
			WithLevel(level).
			WithMessage(sarif.NewTextMessage(f.Message)).
			AddLocation(render.Location(r.file(f), f.Line, 0))
		if f.Path != "" {
			res.WithProperties(sarif.NewPropertyBag().Add("pointer", f.Path))
		}
	}
	return render.NewSARIFReport(run)
}
