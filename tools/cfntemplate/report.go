package cfntemplate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/render"
)

// Report is the outcome of `rcfge validate`: one entry per file, in the order given.
type Report struct {
	Files []FileResult `json:"files"`
	// Policy holds the knobs the outcomes were decided with, the hook's own.
	Policy verdict.Policy `json:"policy"`
}

// FileResult is one template's resources with their verdicts, or why the file was not checked.
type FileResult struct {
	File string `json:"file"`
	// Error says why the file could not be read or parsed; none of its resources was checked.
	Error string `json:"error,omitempty"`
	// ErrorLine is the line the parse error points at, when known.
	ErrorLine int              `json:"errorLine,omitempty"`
	Resources []ResourceResult `json:"resources"`
}

// Outcome is what the hook would answer for one resource, the knobs applied.
type Outcome string

// The outcomes of a resource.
const (
	// OutcomeApproved: nothing is wrong; the hook answers SUCCESS.
	OutcomeApproved Outcome = "approved"
	// OutcomeNonCompliant: a violation, an unapproved type or an unverifiable own-rule value
	// whose knob says FAIL; the hook answers FAILED NonCompliant.
	OutcomeNonCompliant Outcome = "noncompliant"
	// OutcomeFailed: the engine could not decide (invalid template, store failure) and
	// OnEngineError says FAIL; the hook answers FAILED InternalFailure.
	OutcomeFailed Outcome = "failed"
	// OutcomeWarned: something is wrong but its knob says WARN or the template is in shadow
	// mode; the hook answers SUCCESS with a warning.
	OutcomeWarned Outcome = "warned"
	// OutcomeSkipped: the resource's Condition is false: CloudFormation will not create it.
	OutcomeSkipped Outcome = "skipped"
)

// ResourceResult is one resource's verdict.
type ResourceResult struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	// Line is the line of the resource's logical ID key.
	Line int `json:"line,omitempty"`
	// Condition is the resource's Condition; with Skipped, the one that is false.
	Condition string `json:"condition,omitempty"`
	// Skipped is set when Condition is false for the parameters given: nothing was checked.
	Skipped bool `json:"skipped,omitempty"`
	// Unapproved is set when no restricted template exists for Type (rule approved-type).
	Unapproved bool `json:"unapproved,omitempty"`
	// Error is an engine error that left the resource without a verdict (rule engine-error).
	Error string `json:"error,omitempty"`
	// Shadow is set when the template is in shadow mode: its findings are reported, never block.
	Shadow     bool                 `json:"shadow,omitempty"`
	Violations []verdict.Violation  `json:"violations,omitempty"`
	Unverified []verdict.Unverified `json:"unverified,omitempty"`
	// Excepted are violations a governed exception let through.
	Excepted []verdict.Excepted `json:"excepted,omitempty"`
	// Notes are facts from the engine worth a line (an expired exception ignored).
	Notes []string `json:"notes,omitempty"`
	// Positions maps the JSON Pointer of each finding under Properties to where it is written:
	// the key for an unapproved property, else the value. Missing when not found.
	Positions map[string]Position `json:"positions,omitempty"`
	// Outcome is set by Decide.
	Outcome Outcome `json:"outcome,omitempty"`
}

// Position is a 1-based line and column in a template file.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column,omitempty"`
}

// The rule IDs that are not JSON Schema keywords, besides RuleApprovedType.
const (
	// RuleUnverified: the value is not known before deployment; its constraints were skipped.
	RuleUnverified = "unverified"
	// RuleEngineError: the engine could not decide for the resource.
	RuleEngineError = "engine-error"
	// RuleInputError: the file could not be read or parsed.
	RuleInputError = "input-error"
)

// NewFileResult turns Check's outcome into the report's form: a skipped resource names its
// condition, the approved-type finding becomes Unapproved, the engine failure Error, and the
// findings a WARN knob or shadow mode lets through stay findings, which Decide then marks as
// warnings with the same policy Check used.
func NewFileResult(ch Checked) FileResult {
	fr := FileResult{File: ch.File, Resources: make([]ResourceResult, 0, len(ch.Resources))}
	for _, cr := range ch.Resources {
		rr := cr.ResourceResult
		rr.Violations = nil
		if cr.Status == StatusSkipped {
			rr.Skipped, rr.Condition = true, cr.SkippedBy
		}
		rr.Error = cr.EngineError
		all := slices.Clone(cr.Violations)
		for _, w := range cr.Warnings {
			switch w.Knob {
			case "shadow":
				rr.Shadow = true
			case "OnEngineError":
				continue // the engine failure, already in Error
			}
			all = append(all, w.Violation)
		}
		for _, v := range all {
			if v.Keyword == RuleApprovedType {
				rr.Unapproved = true
				continue
			}
			rr.Violations = append(rr.Violations, v)
		}
		fr.Resources = append(fr.Resources, rr)
	}
	return fr
}

// Approved reports whether the resource broke no rule and had no error (the knobs aside).
func (r ResourceResult) Approved() bool {
	return len(r.Violations) == 0 && !r.Unapproved && r.Error == ""
}

// Decide applies the hook's knobs to every resource, as the hook's answer does: an engine error,
// an unapproved type, a violation and an unverifiable own-rule value each have their knob; the
// first that says FAIL decides, else a finding only warns. Shadow mode never blocks.
func (r *Report) Decide() {
	for i := range r.Files {
		for j := range r.Files[i].Resources {
			res := &r.Files[i].Resources[j]
			res.Outcome = res.decide(r.Policy)
		}
	}
}

func (r ResourceResult) decide(p verdict.Policy) Outcome {
	if r.Skipped {
		return OutcomeSkipped
	}
	var classes []verdict.Class
	if r.Error != "" {
		classes = append(classes, verdict.ClassEngineError)
	}
	if r.Unapproved {
		classes = append(classes, verdict.ClassMissingTemplate)
	}
	for _, v := range r.Violations {
		if v.Unverifiable {
			classes = append(classes, verdict.ClassUnverifiable)
		} else {
			classes = append(classes, verdict.ClassViolation)
		}
	}
	if len(classes) == 0 {
		return OutcomeApproved
	}
	if r.Shadow && r.Error == "" {
		return OutcomeWarned
	}
	for _, c := range classes {
		if p.Mode(c) == verdict.Fail {
			if c == verdict.ClassEngineError {
				return OutcomeFailed
			}
			return OutcomeNonCompliant
		}
	}
	return OutcomeWarned
}

// outcome is the resource's outcome, decided with the default policy when Decide was not run.
func (r ResourceResult) outcome() Outcome {
	if r.Outcome != "" {
		return r.Outcome
	}
	return r.decide(verdict.Policy{})
}

var (
	_ render.Texter        = Report{}
	_ render.SARIFReporter = Report{}
	_ render.JUniter       = Report{}
)

// HasFindings reports whether any resource would be blocked as NonCompliant.
func (r Report) HasFindings() bool {
	return r.any(func(res ResourceResult) bool { return res.outcome() == OutcomeNonCompliant })
}

// HasErrors reports whether a file was not checked or a resource failed on an engine error
// whose knob says FAIL.
func (r Report) HasErrors() bool {
	for _, f := range r.Files {
		if f.Error != "" {
			return true
		}
	}
	return r.any(func(res ResourceResult) bool { return res.outcome() == OutcomeFailed })
}

func (r Report) any(pred func(ResourceResult) bool) bool {
	for _, f := range r.Files {
		for _, res := range f.Resources {
			if pred(res) {
				return true
			}
		}
	}
	return false
}

// location is "file:line[:column]" when the line is known, so editors and terminals can jump to it.
func location(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

func (res ResourceResult) position(ptr string) (line, col int) {
	if p, ok := res.Positions[ptr]; ok && p.Line > 0 {
		return p.Line, p.Column
	}
	return res.Line, 0
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// level is how a blocking finding shows: an error if its resource is blocked, else a warning.
func (r ResourceResult) level() string {
	if r.outcome() == OutcomeWarned {
		return "warning"
	}
	return "error"
}

// finding is one line of the report in every format: where, which rule, what.
type finding struct {
	file, logicalID, typ string
	ptr                  string // JSON Pointer under Properties; "" for the resource itself
	line, col            int
	rule, level, message string
	excepted             *verdict.Excepted
}

// findings lists a resource's findings in report order: engine error, unapproved type,
// violations, excepted violations, unverified values.
func (f FileResult) findings(res ResourceResult) []finding {
	base := finding{file: f.File, logicalID: res.LogicalID, typ: res.Type, line: res.Line, level: res.level()}
	var out []finding
	if res.Error != "" {
		x := base
		x.rule, x.message = RuleEngineError, "engine error: "+res.Error
		out = append(out, x)
	}
	if res.Unapproved {
		x := base
		x.rule, x.message = RuleApprovedType, res.Type+" is not an approved resource type: no restricted template exists for it"
		out = append(out, x)
	}
	for _, v := range res.Violations {
		x := base
		x.ptr, x.rule, x.message = v.Path, v.Keyword, v.Message
		x.line, x.col = res.position(v.Path)
		out = append(out, x)
	}
	for i, e := range res.Excepted {
		x := base
		x.ptr, x.rule, x.level, x.message = e.Violation.Path, e.Violation.Keyword, "note", e.Violation.Message
		x.line, x.col = res.position(e.Violation.Path)
		x.excepted = &res.Excepted[i]
		out = append(out, x)
	}
	for _, u := range res.Unverified {
		x := base
		x.ptr, x.rule, x.level, x.message = u.Path, RuleUnverified, "note", "not verified: "+u.Reason
		x.line, x.col = res.position(u.Path)
		out = append(out, x)
	}
	return out
}

// text is the finding's message, after the property path when it concerns one.
func (x finding) text() string {
	if x.ptr == "" && (x.rule == RuleApprovedType || x.rule == RuleEngineError || x.rule == RuleInputError) {
		return x.message
	}
	return pathOrRoot(x.ptr) + ": " + x.message
}

func (x finding) where() string {
	switch {
	case x.line > 0 && x.col > 0:
		return fmt.Sprintf("%s:%d:%d", x.file, x.line, x.col)
	default:
		return location(x.file, x.line)
	}
}

func exceptionText(e *verdict.Excepted) string {
	s := "excepted by " + e.Exception
	if e.Ticket != "" {
		s += ", ticket " + e.Ticket
	}
	if e.Expires != "" {
		s += ", expires " + e.Expires
	}
	return s
}

// WriteText writes one line per finding, skipped and approved resource and unreadable file, in
// the form FILE:LINE[:COL]: LEVEL: ID (TYPE): PATH: MESSAGE [RULE], then a summary.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	var n struct{ resources, approved, blocked, failed, warned, skipped, violations, unapproved, unverified, excepted, badFiles int }
	for _, f := range r.Files {
		if f.Error != "" {
			n.badFiles++
			fmt.Fprintf(&b, "%s: error: not checked: %s [%s]\n", location(f.File, f.ErrorLine), f.Error, RuleInputError)
			continue
		}
		for _, res := range f.Resources {
			n.resources++
			head := fmt.Sprintf("%s (%s)", res.LogicalID, res.Type)
			switch res.outcome() {
			case OutcomeApproved:
				n.approved++
			case OutcomeNonCompliant:
				n.blocked++
			case OutcomeFailed:
				n.failed++
			case OutcomeWarned:
				n.warned++
			case OutcomeSkipped:
				n.skipped++
				fmt.Fprintf(&b, "%s: skipped: %s: Condition %s is false: CloudFormation will not create it\n", location(f.File, res.Line), head, res.Condition)
				continue
			}
			if res.Unapproved {
				n.unapproved++
			}
			n.violations += len(res.Violations)
			n.unverified += len(res.Unverified)
			n.excepted += len(res.Excepted)
			for _, x := range f.findings(res) {
				fmt.Fprintf(&b, "%s: %s: %s: %s [%s]", x.where(), x.level, head, x.text(), x.rule)
				if x.excepted != nil {
					fmt.Fprintf(&b, " (%s)", exceptionText(x.excepted))
				}
				b.WriteByte('\n')
			}
			if res.Shadow && !res.Approved() {
				fmt.Fprintf(&b, "%s: note: %s: the template is in shadow mode: reported, not blocking\n", location(f.File, res.Line), head)
			}
			for _, note := range res.Notes {
				fmt.Fprintf(&b, "%s: note: %s: %s\n", location(f.File, res.Line), head, note)
			}
			if res.Approved() {
				fmt.Fprintf(&b, "%s: ok: %s: approved\n", location(f.File, res.Line), head)
			}
		}
	}
	fmt.Fprintf(&b, "%d %s in %d %s: %d approved, %d blocked (%d %s, %d unapproved %s)",
		n.resources, plural(n.resources, "resource", "resources"),
		len(r.Files)-n.badFiles, plural(len(r.Files)-n.badFiles, "file", "files"),
		n.approved, n.blocked, n.violations, plural(n.violations, "violation", "violations"),
		n.unapproved, plural(n.unapproved, "type", "types"))
	for _, extra := range []struct {
		n    int
		what string
	}{{n.warned, "warned (not blocking)"}, {n.failed, "failed on an engine error"}, {n.skipped, "skipped (condition false)"}, {n.excepted, "excepted"}, {n.unverified, "unverified"}} {
		if extra.n > 0 {
			fmt.Fprintf(&b, ", %d %s", extra.n, extra.what)
		}
	}
	if n.badFiles > 0 {
		fmt.Fprintf(&b, "; %d %s not checked", n.badFiles, plural(n.badFiles, "file", "files"))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ruleHelp says, per rule, what it means and how to fix a finding; the keywords are those the
// validator reports.
var ruleHelp = map[string][2]string{
	RuleApprovedType:       {"The resource type has no restricted template: it is not approved", "Ask for the type to be approved (a restricted template generated, reviewed and approved with `rcfge schemas approve`), or remove the resource."},
	RuleUnverified:         {"A value is not known before deployment; the constraints on it were not checked", "The hook checks the value at deployment when CloudFormation resolves it. Nothing to fix unless the value can be written literally."},
	RuleEngineError:        {"rcfge could not decide for this resource", "The restricted template is invalid or could not be read: fix the template store. The hook answers FAILED (InternalFailure) unless OnEngineError is WARN."},
	RuleInputError:         {"The file could not be read or parsed as a CloudFormation template", "Fix the file so that CloudFormation can read it (JSON or YAML, a Resources map)."},
	"additionalProperties": {"The property is not approved for this resource type", "Remove the property, or ask for it to be approved in the restricted template (new AWS features stay pending until approved one by one)."},
	"false":                {"The property is explicitly disallowed for this resource type", "Remove the property: the restricted template forbids it."},
	"enum":                 {"The value is not one of the approved values", "Use one of the values the finding lists."},
	"const":                {"The value is not the one approved value", "Use the value the finding names."},
	"pattern":              {"The value does not match the approved pattern", "Change the value to match the pattern the finding shows (often an ARN in your account and region)."},
	"type":                 {"The value has the wrong type", "Give a value of the type the provider schema asks for."},
	"required":             {"A required property is missing", "Add the property the finding names."},
	"minimum":              {"The number is below the approved minimum", "Raise the value to the minimum or above."},
	"maximum":              {"The number is above the approved maximum", "Lower the value to the maximum or below."},
	"exclusiveMinimum":     {"The number is not above the approved minimum", "Raise the value above the minimum."},
	"exclusiveMaximum":     {"The number is not below the approved maximum", "Lower the value below the maximum."},
	"minLength":            {"The string is shorter than allowed", "Lengthen the value."},
	"maxLength":            {"The string is longer than allowed", "Shorten the value."},
	"minItems":             {"The list has fewer items than required", "Add items."},
	"maxItems":             {"The list has more items than allowed", "Remove items."},
	"uniqueItems":          {"The list holds duplicates", "Remove the duplicate items."},
	"anyOf":                {"The value matches none of the approved alternatives", "Change the value to match one of the alternatives of the restricted template."},
	"oneOf":                {"The value does not match exactly one approved alternative", "Change the value to match exactly one alternative of the restricted template."},
	"not":                  {"The value matches a form the restricted template forbids", "Change the value."},
	"dependencies":         {"A property needs another property that is missing", "Add the property the finding names, or remove the one that needs it."},
	"dependentRequired":    {"A property needs another property that is missing", "Add the property the finding names, or remove the one that needs it."},
}

func describeRule(id string) (short, help string) {
	if h, ok := ruleHelp[id]; ok {
		return h[0], h[1]
	}
	return "The property breaks the restricted template's " + id + " rule", "Change the value so that it meets the restricted template's " + id + " constraint."
}

// fingerprint identifies a finding across runs whatever line it moves to: file, resource,
// rule and property path.
func (x finding) fingerprint() string {
	h := sha256.Sum256([]byte(strings.Join([]string{filepath.ToSlash(x.file), x.logicalID, x.typ, x.rule, x.ptr}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// SARIFReport returns one result per finding: a blocking one at level error (warning when a
// knob or shadow mode lets it through), an excepted one suppressed, an unverified value as a
// note; each points at its property's line and column, with a stable partial fingerprint.
func (r Report) SARIFReport() *sarif.Report {
	run := render.NewSARIFRun()
	var all []finding
	rules := map[string]bool{}
	for _, f := range r.Files {
		if f.Error != "" {
			all = append(all, finding{file: f.File, line: f.ErrorLine, rule: RuleInputError, level: "error", message: "not checked: " + f.Error})
			rules[RuleInputError] = true
			continue
		}
		for _, res := range f.Resources {
			if res.outcome() == OutcomeSkipped {
				continue
			}
			for _, x := range f.findings(res) {
				all = append(all, x)
				rules[x.rule] = true
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		short, help := describeRule(id)
		run.AddRule(id).WithDescription(short).WithMarkdownHelp(help)
	}
	for _, x := range all {
		text := x.message
		if x.logicalID != "" {
			text = fmt.Sprintf("%s (%s) %s", x.logicalID, x.typ, x.text())
		}
		res := run.CreateResultForRule(x.rule).
			WithLevel(x.level).
			WithMessage(sarif.NewTextMessage(text)).
			AddLocation(render.Location(artifactURI(x.file), x.line, x.col)).
			WithPartialFingerprints(map[string]string{"rcfgeFinding/v1": x.fingerprint()})
		if x.logicalID != "" {
			pb := sarif.NewPropertyBag().Add("logicalId", x.logicalID).Add("type", x.typ).Add("path", pathOrRoot(x.ptr))
			res.WithProperties(pb)
		}
		if x.rule == RuleUnverified {
			res.WithKind("informational")
		}
		if x.excepted != nil {
			res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").WithJustification(exceptionText(x.excepted)))
		}
	}
	return render.NewSARIFReport(run)
}

// artifactURI is the file as a SARIF artifact URI: a relative path stays relative (code-scanning
// UIs resolve it against the checkout), an absolute one becomes a file:// URI.
func artifactURI(file string) string {
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()
	}
	return filepath.ToSlash(file)
}

// JUnit returns one suite per file and one test case per resource: a blocked resource fails, one
// whose engine failed errors, one whose Condition is false is skipped; an unreadable file is one
// errored case.
func (r Report) JUnit() junit.Testsuites {
	s := junit.Testsuites{Name: "rcfge validate"}
	for _, f := range r.Files {
		suite := junit.Testsuite{Name: f.File}
		if f.Error != "" {
			suite.AddTestcase(junit.Testcase{Name: f.File, Classname: f.File,
				Error: &junit.Result{Message: "not checked", Type: RuleInputError, Data: location(f.File, f.ErrorLine) + ": " + f.Error}})
			s.AddSuite(suite)
			continue
		}
		for _, res := range f.Resources {
			c := junit.Testcase{Name: res.LogicalID + " (" + res.Type + ")", Classname: f.File}
			var text strings.Builder
			for _, x := range f.findings(res) {
				fmt.Fprintf(&text, "%s: %s [%s]\n", x.where(), x.text(), x.rule)
			}
			switch res.outcome() {
			case OutcomeNonCompliant:
				c.Failure = &junit.Result{Message: fmt.Sprintf("not approved at %s", location(f.File, res.Line)), Type: "noncompliant", Data: text.String()}
			case OutcomeFailed:
				c.Error = &junit.Result{Message: "engine error at " + location(f.File, res.Line), Type: RuleEngineError, Data: text.String()}
			case OutcomeSkipped:
				c.Skipped = &junit.Result{Message: "Condition " + res.Condition + " is false"}
			default:
				if text.Len() > 0 {
					c.SystemOut = &junit.Output{Data: text.String()}
				}
			}
			suite.AddTestcase(c)
		}
		s.AddSuite(suite)
	}
	return s
}
