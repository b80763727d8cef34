package lint

import (
	"fmt"
	"io"
	"path"
	"sort"

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

// SARIF returns one result per finding (error, warning, or note for free-form objects), located at its
// line, with one rule per check.
func (r Report) SARIF() render.SARIFLog {
	used := map[Rule]bool{}
	results := make([]render.SARIFResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		used[f.Rule] = true
		level := "error"
		switch f.Severity {
		case Info:
			level = "note"
		case Warning:
			level = "warning"
		}
		loc := render.SARIFLocation{PhysicalLocation: render.SARIFPhysicalLocation{ArtifactLocation: render.SARIFArtifactLocation{URI: r.file(f)}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &render.SARIFRegion{StartLine: f.Line}
		}
		res := render.SARIFResult{RuleID: string(f.Rule), Level: level, Message: render.SARIFMessage{Text: f.Message}, Locations: []render.SARIFLocation{loc}}
		if f.Path != "" {
			res.Properties = map[string]any{"pointer": f.Path}
		}
		results = append(results, res)
	}
	var rules []render.SARIFRule
	for rule := range used {
		rules = append(rules, render.SARIFRule{ID: string(rule), ShortDescription: render.SARIFMessage{Text: ruleText[rule]}})
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return render.NewSARIF(rules, results)
}
