package cfntemplate

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/render"
)

// Report is the outcome of `rcfge validate`: one entry per file, in the order given.
type Report struct {
	Files []FileResult `json:"files"`
}

// FileResult is one template's resources with their verdicts.
type FileResult struct {
	File      string           `json:"file"`
	Resources []ResourceResult `json:"resources"`
}

// ResourceResult is one resource's verdict.
type ResourceResult struct {
	LogicalID  string               `json:"logicalId"`
	Type       string               `json:"type"`
	Line       int                  `json:"line,omitempty"`
	Violations []verdict.Violation  `json:"violations,omitempty"`
	Unverified []verdict.Unverified `json:"unverified,omitempty"`
}

// Approved reports whether the resource broke no rule.
func (r ResourceResult) Approved() bool { return len(r.Violations) == 0 }

var (
	_ render.Texter  = Report{}
	_ render.SARIFer = Report{}
	_ render.JUniter = Report{}
)

// HasFindings reports whether any resource has a violation.
func (r Report) HasFindings() bool {
	for _, f := range r.Files {
		for _, res := range f.Resources {
			if !res.Approved() {
				return true
			}
		}
	}
	return false
}

// location is "file:line" when the line is known, so editors and terminals can jump to it.
func location(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// WriteText writes one line per violation, unverified value and approved resource, then a summary.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	var resources, failed, violations, unverified int
	for _, f := range r.Files {
		for _, res := range f.Resources {
			resources++
			head := fmt.Sprintf("%s: %s (%s)", location(f.File, res.Line), res.LogicalID, res.Type)
			if res.Approved() {
				fmt.Fprintf(&b, "%s: approved\n", head)
			} else {
				failed++
			}
			for _, v := range res.Violations {
				violations++
				fmt.Fprintf(&b, "%s: %s: %s\n", head, pathOrRoot(v.Path), v.Message)
			}
			for _, u := range res.Unverified {
				unverified++
				fmt.Fprintf(&b, "%s: %s: unverified: %s\n", head, pathOrRoot(u.Path), u.Reason)
			}
		}
	}
	fmt.Fprintf(&b, "%d %s in %d %s: %d approved, %d with %d %s; %d %s unverified\n",
		resources, plural(resources, "resource", "resources"),
		len(r.Files), plural(len(r.Files), "file", "files"),
		resources-failed, failed, violations, plural(violations, "violation", "violations"),
		unverified, plural(unverified, "value", "values"))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ruleUnverified is the SARIF rule of a value whose constraints were skipped.
const ruleUnverified = "unverified"

// SARIF returns one result per violation (level error) and per unverified value (level note),
// each located at its resource's line, with one rule per JSON Schema keyword.
func (r Report) SARIF() render.SARIFLog {
	var results []render.SARIFResult
	keywords := map[string]bool{}
	for _, f := range r.Files {
		loc := []render.SARIFLocation{{PhysicalLocation: render.SARIFPhysicalLocation{
			ArtifactLocation: render.SARIFArtifactLocation{URI: artifactURI(f.File)},
		}}}
		for _, res := range f.Resources {
			l := loc
			if res.Line > 0 {
				l = []render.SARIFLocation{{PhysicalLocation: render.SARIFPhysicalLocation{
					ArtifactLocation: loc[0].PhysicalLocation.ArtifactLocation,
					Region:           &render.SARIFRegion{StartLine: res.Line},
				}}}
			}
			for _, v := range res.Violations {
				keywords[v.Keyword] = true
				props := map[string]any{
					"logicalId": res.LogicalID, "type": res.Type,
					"path": pathOrRoot(v.Path), "schemaLocation": v.SchemaLocation,
				}
				if v.Allowed != "" {
					props["allowed"] = v.Allowed
				}
				results = append(results, render.SARIFResult{
					RuleID:     v.Keyword,
					Level:      "error",
					Message:    render.SARIFMessage{Text: fmt.Sprintf("%s (%s) %s: %s", res.LogicalID, res.Type, pathOrRoot(v.Path), v.Message)},
					Locations:  l,
					Properties: props,
				})
			}
			for _, u := range res.Unverified {
				keywords[ruleUnverified] = true
				results = append(results, render.SARIFResult{
					RuleID:     ruleUnverified,
					Level:      "note",
					Message:    render.SARIFMessage{Text: fmt.Sprintf("%s (%s) %s: not verified: %s", res.LogicalID, res.Type, pathOrRoot(u.Path), u.Reason)},
					Locations:  l,
					Properties: map[string]any{"logicalId": res.LogicalID, "type": res.Type, "path": pathOrRoot(u.Path)},
				})
			}
		}
	}
	ids := make([]string, 0, len(keywords))
	for k := range keywords {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	rules := make([]render.SARIFRule, len(ids))
	for i, id := range ids {
		desc := "The property breaks the restricted template's " + id + " rule"
		if id == ruleUnverified {
			desc = "The value is not known before deployment; the constraints on it were not checked"
		}
		rules[i] = render.SARIFRule{ID: id, ShortDescription: render.SARIFMessage{Text: desc}}
	}
	return render.NewSARIF(rules, results)
}

// artifactURI is the file as a SARIF artifact URI: a relative path stays relative (code-scanning
// UIs resolve it against the checkout), an absolute one becomes a file:// URI.
func artifactURI(file string) string {
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	}
	return filepath.ToSlash(file)
}

// JUnit returns one suite per file and one test case per resource; a resource with violations
// fails, its violations listed in the failure text.
func (r Report) JUnit() render.JUnitSuites {
	s := render.JUnitSuites{Name: "rcfge validate"}
	for _, f := range r.Files {
		suite := render.JUnitSuite{Name: f.File, Cases: make([]render.JUnitCase, 0, len(f.Resources))}
		for _, res := range f.Resources {
			c := render.JUnitCase{Name: res.LogicalID + " (" + res.Type + ")", ClassName: f.File}
			if !res.Approved() {
				var text strings.Builder
				for _, v := range res.Violations {
					fmt.Fprintf(&text, "%s: %s\n", pathOrRoot(v.Path), v.Message)
				}
				for _, u := range res.Unverified {
					fmt.Fprintf(&text, "%s: unverified: %s\n", pathOrRoot(u.Path), u.Reason)
				}
				c.Failure = &render.JUnitFailure{
					Message: fmt.Sprintf("%d %s at %s", len(res.Violations), plural(len(res.Violations), "violation", "violations"), location(f.File, res.Line)),
					Type:    "violation",
					Text:    text.String(),
				}
			}
			suite.Cases = append(suite.Cases, c)
		}
		s.Suites = append(s.Suites, suite)
	}
	s.Count()
	return s
}
