package handler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// outcome is what an evaluation found, before the failure knobs turn it into an answer.
type outcome struct {
	// code, when set, is a request-level failure that no knob can waive (bad request, bad
	// configuration, undecryptable credentials).
	code      wire.ErrorCode
	err       error
	result    engine.Result
	op        engine.Operation
	typeName  string
	logicalID string
	// missing lists, for STACK and CHANGE_SET targets, the types without a template.
	missing []missingType
	// stackErrs are store failures met while checking a stack's types.
	stackErrs []error
	// scope names the stack or change set for stack-level messages.
	scope string
	note  string
}

type missingType struct {
	typeName   string
	logicalIDs []string
}

// finding is one thing an evaluation found that a knob decides.
type finding struct {
	class verdict.Class
	code  wire.ErrorCode
	msg   string
}

// rank orders findings in messages and picks the error code when several FAIL: what is certainly
// wrong with the properties (NonCompliant) comes before what kept rcfge from deciding.
func rank(c verdict.Class) int {
	switch c {
	case verdict.ClassViolation:
		return 0
	case verdict.ClassUnverifiable:
		return 1
	case verdict.ClassMissingTemplate:
		return 2
	}
	return 3
}

// answer is the one place where outcomes meet the knobs and become wire status and codes:
//
//	request error (bad JSON, bad properties, a limit) -> FAILED InvalidRequest           (no knob)
//	bad configuration                                 -> FAILED InvalidTypeConfiguration (no knob)
//	encrypted credentials                             -> FAILED AccessDenied             (no knob)
//	violations                                        -> OnViolation:       FAILED NonCompliant | SUCCESS + why
//	rcfge-own rule on a dynamic reference             -> OnUnverifiable:    FAILED NonCompliant | SUCCESS + why
//	missing template / unapproved stack types         -> OnMissingTemplate: FAILED NonCompliant | SUCCESS + why
//	store, template, deadline, panic                  -> OnEngineError:     FAILED InternalFailure | SUCCESS + why
//
// Every finding is decided by its own knob, and the answer fails if any of them says FAIL.
// Violations found before an engine error (a deadline mid-validation) are findings like any other.
// A template in shadow mode reports its violations and never blocks. Nothing reaches SUCCESS
// without its reason in the message.
func answer(p verdict.Policy, r *request) wire.Response {
	o := r.out
	resp := wire.Response{ClientRequestToken: r.token, HookStatus: wire.StatusSuccess}
	fail := func(code wire.ErrorCode, msg string) wire.Response {
		resp.HookStatus, resp.ErrorCode, resp.Message = wire.StatusFailed, code, msg
		return resp
	}
	if o.code != "" {
		return fail(o.code, o.err.Error())
	}
	if o.err != nil && engine.KindOf(o.err) == engine.KindRequest {
		return fail(wire.CodeInvalidRequest, o.err.Error())
	}
	var found []finding
	switch {
	case o.err != nil && engine.IsMissingTemplate(o.err):
		found = append(found, finding{verdict.ClassMissingTemplate, wire.CodeNonCompliant, o.subject() + ": " + cause(o.err).Error()})
	case o.err != nil:
		found = append(found, finding{verdict.ClassEngineError, wire.CodeInternalFailure, o.subject() + ": " + engineMessage(o.err)})
	}
	if len(o.stackErrs) > 0 {
		found = append(found, finding{verdict.ClassEngineError, wire.CodeInternalFailure, o.scope + ": " + engineMessage(errors.Join(o.stackErrs...))})
	}
	if len(o.missing) > 0 {
		found = append(found, finding{verdict.ClassMissingTemplate, wire.CodeNonCompliant, missingMessage(o)})
	}
	broken, hidden := splitViolations(o.result.Verdict.Violations)
	var extra []string
	switch {
	case o.result.Shadow && len(o.result.Verdict.Violations) > 0:
		extra = append(extra, shadowMessage(o))
	default:
		if len(broken) > 0 {
			found = append(found, finding{verdict.ClassViolation, wire.CodeNonCompliant, violationMessage(o, broken)})
		}
		if len(hidden) > 0 {
			found = append(found, finding{verdict.ClassUnverifiable, wire.CodeNonCompliant, unverifiableMessage(o, hidden)})
		}
		resp.Annotations = annotations(o)
		resp.CountOmitted(o.result.Omitted)
	}
	if len(o.result.Verdict.Excepted) > 0 {
		extra = append(extra, exceptedMessage(o.result.Verdict.Excepted))
	}
	r.findings = found
	if len(found) == 0 {
		resp.Message = strings.Join(append([]string{successMessage(o)}, extra...), " | ")
		return resp
	}
	slices.SortStableFunc(found, func(a, b finding) int { return rank(a.class) - rank(b.class) })
	msgs := make([]string, 0, len(found)+len(extra))
	for _, f := range found {
		msgs = append(msgs, f.msg)
	}
	msg := strings.Join(append(msgs, extra...), " | ")
	for _, f := range found {
		if p.Mode(f.class) == verdict.Fail {
			r.decided = f.class
			return fail(f.code, msg)
		}
	}
	var knobs []string
	for _, f := range found {
		knobs = append(knobs, knobName(f.class)+"=WARN")
	}
	r.decided = found[0].class
	resp.Message = "WARN (" + strings.Join(dedupe(knobs), ", ") + "), not blocking: " + msg
	return resp
}

// splitViolations separates broken rules from rcfge-own rules a dynamic reference hides.
func splitViolations(vs []verdict.Violation) (broken, hidden []verdict.Violation) {
	for _, v := range vs {
		if v.Unverifiable {
			hidden = append(hidden, v)
		} else {
			broken = append(broken, v)
		}
	}
	return broken, hidden
}

func knobName(c verdict.Class) string {
	switch c {
	case verdict.ClassViolation:
		return PropOnViolation
	case verdict.ClassMissingTemplate:
		return PropOnMissingTemplate
	case verdict.ClassUnverifiable:
		return PropOnUnverifiable
	}
	return PropOnEngineError
}

func dedupe(s []string) []string {
	out := s[:0]
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// engineMessage says what failed in words an operator can act on.
func engineMessage(err error) string {
	var ee *engine.Error
	errors.As(err, &ee)
	switch {
	case engine.KindOf(err) == engine.KindDeadline || errors.Is(err, context.DeadlineExceeded):
		return "rcfge could not decide in time (deadline): " + cause(err).Error()
	case engine.KindOf(err) == engine.KindInvalidTemplate:
		msg := cause(err).Error()
		if ee.Template != "" && !strings.Contains(msg, ee.Template) {
			msg = "template " + ee.Template + ": " + msg
		}
		return "the approved template is invalid: " + msg
	case engine.KindOf(err) == engine.KindStore:
		return "the template store failed: " + cause(err).Error()
	}
	return "rcfge failed: " + err.Error()
}

// cause drops the engine's "<kind>: <type>:" prefix, which the answer already says in words.
func cause(err error) error {
	var ee *engine.Error
	if errors.As(err, &ee) && ee.Err != nil {
		return ee.Err
	}
	return err
}

func (o outcome) subject() string {
	switch {
	case o.scope != "":
		return o.scope
	case o.logicalID != "":
		return fmt.Sprintf("%s %s", o.typeName, o.logicalID)
	case o.typeName != "":
		return o.typeName
	}
	return "request"
}

func successMessage(o outcome) string {
	if o.note != "" {
		return o.note
	}
	if o.scope != "" {
		return o.scope + ": every resource type has an approved template"
	}
	if o.op == engine.Delete {
		return fmt.Sprintf("deleting %s is allowed: %s does not guard deletes", o.subject(), o.result.TemplateKey)
	}
	msg := fmt.Sprintf("%s complies with %s", o.subject(), o.result.TemplateKey)
	if n := len(o.result.Verdict.Unverified); n > 0 {
		msg += fmt.Sprintf(" (%d value(s) not known before deployment were not checked)", n)
	}
	return msg
}
