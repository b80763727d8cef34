package cfntemplate

import (
	"context"
	"errors"
	"fmt"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/verdict"
)

// Evaluator is the part of *engine.Engine that Validate uses.
type Evaluator interface {
	Evaluate(ctx context.Context, in engine.Input) (engine.Result, error)
}

// RuleApprovedType is the rule of a finding on a resource whose type has no template: the hook
// answers NonCompliant for it (knob OnMissingTemplate).
const RuleApprovedType = "approved-type"

// The answers the hook would give a resource, in CheckedResource.Status.
const (
	StatusSuccess = "SUCCESS"
	StatusFailed  = "FAILED"
	// StatusSkipped: the resource's condition is false, CloudFormation does not create it.
	StatusSkipped = "SKIPPED"
)

// ValidateOption configures Validate and Check.
type ValidateOption func(*validateConfig)

type validateConfig struct {
	policy verdict.Policy
}

// WithPolicy sets the failure knobs the hook is configured with, so the answer is the hook's.
// The zero Policy (the default) fails on everything.
func WithPolicy(p verdict.Policy) ValidateOption {
	return func(c *validateConfig) { c.policy = p }
}

// Checked is everything Validate found in one file, resource by resource, including what the
// FileResult report does not carry: skipped resources, findings a WARN knob lets through, and
// the hook's answer.
type Checked struct {
	File      string            `json:"file"`
	Resources []CheckedResource `json:"resources"`
}

// CheckedResource is one resource's outcome. The embedded ResourceResult holds the findings
// that block (their knob is FAIL); Warnings hold those a WARN knob lets through.
type CheckedResource struct {
	ResourceResult
	// Status is what the hook would answer: SUCCESS, FAILED, or SKIPPED (condition false).
	Status string `json:"status"`
	// SkippedBy names the false condition of a skipped resource.
	SkippedBy string `json:"skippedBy,omitempty"`
	// Warnings are findings whose knob is WARN (or whose template is in shadow mode): the hook
	// lets the resource through with them in its message.
	Warnings []Warning `json:"warnings,omitempty"`
	// EngineError is the engine's failure (invalid template, store), when there was one.
	EngineError string `json:"engineError,omitempty"`
}

// Warning is a finding that does not block, with the knob (or shadow mode) that lets it through.
type Warning struct {
	verdict.Violation
	// Knob is OnViolation, OnMissingTemplate, OnEngineError, OnUnverifiable, or "shadow".
	Knob string `json:"knob"`
}

// Validate evaluates every resource of t as a CREATE in the context c and returns the file's
// results in the report's form; see Check for the full outcome. Every resource is checked: a
// type without a template is a finding (rule approved-type), a resource whose condition is false
// is reported as skipped. The error joins the engine failures whose knob is FAIL (each naming the
// file, resource and type), or is the context's error when it ended the run.
func Validate(ctx context.Context, ev Evaluator, t *Template, c engine.Context, vars placeholder.Vars, opts ...ValidateOption) (FileResult, error) {
	ch, err := Check(ctx, ev, t, c, vars, opts...)
	return ch.FileResult(), err
}

// Check is Validate with the full outcome.
func Check(ctx context.Context, ev Evaluator, t *Template, c engine.Context, vars placeholder.Vars, opts ...ValidateOption) (Checked, error) {
	var cfg validateConfig
	for _, o := range opts {
		o(&cfg)
	}
	out := Checked{File: t.Name, Resources: make([]CheckedResource, 0, len(t.Resources))}
	var errs []error
	for _, r := range t.Resources {
		cr, err := checkResource(ctx, ev, r, c, vars, cfg.policy)
		out.Resources = append(out.Resources, cr)
		if err != nil {
			err = fmt.Errorf("%s: resource %s: %w", location(t.Name, r.Line), r.LogicalID, err)
			if ctx.Err() != nil {
				return out, err
			}
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// checkResource evaluates every variant of one resource and decides it as the hook would. The
// error is an engine failure whose knob is FAIL.
func checkResource(ctx context.Context, ev Evaluator, r Resource, c engine.Context, vars placeholder.Vars, p verdict.Policy) (CheckedResource, error) {
	cr := CheckedResource{ResourceResult: ResourceResult{LogicalID: r.LogicalID, Type: r.Type, Line: r.Line}}
	if r.Skipped {
		cr.Status, cr.SkippedBy = StatusSkipped, r.Condition
		return cr, nil
	}
	variants := r.Variants
	if len(variants) == 0 {
		variants = []Variant{{Assumption: r.Assumption, Properties: r.Properties, Unknown: r.Unknown, Findings: r.Findings}}
	}
	rc := c
	rc.LogicalResourceID = r.LogicalID
	var found []verdict.Violation
	seenV := map[string]bool{}
	seenU := map[string]bool{}
	shadow := false
	add := func(v verdict.Violation, assumption string) {
		key := v.Path + "\x00" + v.Keyword + "\x00" + v.Message
		if seenV[key] {
			return
		}
		seenV[key] = true
		if assumption != "" {
			// A violation found only under some assignment of undecided conditions names it:
			// it is never approved silently, and the reader knows when it applies.
			v.Message += " (" + assumption + ")"
		}
		found = append(found, v)
	}
	var engineErr error
	for _, v := range variants {
		for _, f := range v.Findings {
			add(f, v.Assumption)
		}
		res, err := ev.Evaluate(ctx, engine.Input{
			TypeName:   r.Type,
			Operation:  engine.Create,
			Properties: v.Properties,
			Context:    rc,
			Vars:       vars,
			Unknown:    v.Unknown,
		})
		for _, x := range res.Verdict.Violations {
			add(x, v.Assumption)
		}
		for _, u := range res.Verdict.Unverified {
			if key := u.Path + "\x00" + u.Reason; !seenU[key] {
				seenU[key] = true
				cr.Unverified = append(cr.Unverified, u)
			}
		}
		shadow = shadow || res.Shadow
		if err != nil {
			if engine.IsMissingTemplate(err) {
				found = append(found, verdict.Violation{
					Keyword: RuleApprovedType,
					Message: r.Type + " is not an approved resource type (no template for it)",
				})
				break
			}
			engineErr = err
			break
		}
	}
	cr.Status = StatusSuccess
	decide := func(v verdict.Violation, class verdict.Class, knob string) {
		switch {
		case shadow && class != verdict.ClassMissingTemplate && class != verdict.ClassEngineError:
			cr.Warnings = append(cr.Warnings, Warning{Violation: v, Knob: "shadow"})
		case p.Mode(class) == verdict.Warn:
			cr.Warnings = append(cr.Warnings, Warning{Violation: v, Knob: knob})
		default:
			cr.Violations = append(cr.Violations, v)
			cr.Status = StatusFailed
		}
	}
	for _, v := range found {
		switch {
		case v.Keyword == RuleApprovedType:
			decide(v, verdict.ClassMissingTemplate, "OnMissingTemplate")
		case v.Unverifiable:
			decide(v, verdict.ClassUnverifiable, "OnUnverifiable")
		default:
			decide(v, verdict.ClassViolation, "OnViolation")
		}
	}
	if engineErr != nil {
		cr.EngineError = engineErr.Error()
		if p.Mode(verdict.ClassEngineError) == verdict.Warn {
			cr.Warnings = append(cr.Warnings, Warning{Violation: verdict.Violation{Keyword: "engine-error", Message: engineErr.Error()}, Knob: "OnEngineError"})
			return cr, nil
		}
		cr.Status = StatusFailed
		return cr, engineErr
	}
	return cr, nil
}

// FileResult is the outcome in the report's form: blocking findings as violations; a skipped
// resource and each finding a WARN knob lets through as an unverified note on the resource.
func (ch Checked) FileResult() FileResult {
	fr := FileResult{File: ch.File, Resources: make([]ResourceResult, 0, len(ch.Resources))}
	for _, cr := range ch.Resources {
		rr := cr.ResourceResult
		if cr.Status == StatusSkipped {
			rr.Unverified = append(rr.Unverified, verdict.Unverified{
				Reason: "skipped: condition " + cr.SkippedBy + " is false, CloudFormation does not create this resource",
			})
		}
		for _, w := range cr.Warnings {
			rr.Unverified = append(rr.Unverified, verdict.Unverified{
				Path:   w.Path,
				Reason: "not blocking (" + knobLabel(w.Knob) + "): " + w.Message,
			})
		}
		fr.Resources = append(fr.Resources, rr)
	}
	return fr
}

func knobLabel(knob string) string {
	if knob == "shadow" {
		return "template in shadow mode"
	}
	return knob + "=WARN"
}
