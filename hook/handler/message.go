package handler

import (
	"fmt"
	"strings"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// messageBudget keeps room under wire.MaxMessage for the knob prefix and other findings.
const messageBudget = wire.MaxMessage - 400

// violationMessage names the resource, the template, and each property path and rule; when they
// do not fit, the rest is counted and left to the annotations.
func violationMessage(o outcome, vs []verdict.Violation) string {
	return listViolations(fmt.Sprintf("%s is not compliant with %s (%s)", o.subject(), o.result.TemplateKey, countViolations(len(vs)+o.result.Omitted, o.result.OmittedAtLeast)), vs)
}

// countViolations says how many there were: the engine keeps a bounded number and counts the
// rest, up to a point ("at least").
func countViolations(n int, atLeast bool) string {
	s := fmt.Sprintf("%d violation%s", n, plural(n))
	if atLeast {
		s = "at least " + s
	}
	return s
}

// unverifiableMessage names the values given as dynamic references that a rule rcfge added
// (beyond AWS's provider schema) restricts: the hook cannot read them, so it cannot approve them.
func unverifiableMessage(o outcome, vs []verdict.Violation) string {
	return listViolations(fmt.Sprintf("%s: %d value%s given as a dynamic reference cannot be checked against %s's own rules", o.subject(), len(vs), plural(len(vs)), o.result.TemplateKey), vs)
}

// shadowMessage reports what a template in shadow mode would have refused.
func shadowMessage(o outcome) string {
	vs := o.result.Verdict.Violations
	return listViolations(fmt.Sprintf("shadow mode, not blocking: %s would fail (%s)", o.result.TemplateKey, countViolations(len(vs)+o.result.Omitted, o.result.OmittedAtLeast)), vs)
}

// exceptedMessage says which exception let which value through.
func exceptedMessage(ex []verdict.Excepted) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d violation%s allowed by exception%s:", len(ex), plural(len(ex)), plural(len(ex)))
	for i, e := range ex {
		line := fmt.Sprintf(" %s let %s [%s] through", e.Exception, pathOf(e.Violation), e.Violation.Keyword)
		if e.Ticket != "" {
			line += " (ticket " + e.Ticket + ")"
		}
		if e.Expires != "" {
			line += " until " + e.Expires
		}
		line += ";"
		if b.Len()+len(line) > messageBudget/2 {
			fmt.Fprintf(&b, " … and %d more", len(ex)-i)
			break
		}
		b.WriteString(line)
	}
	return strings.TrimSuffix(b.String(), ";")
}

func pathOf(v verdict.Violation) string {
	if v.Path == "" {
		return "/"
	}
	return v.Path
}

// listViolations appends each violation to head while the message budget lasts, then counts the rest.
func listViolations(head string, vs []verdict.Violation) string {
	var b strings.Builder
	b.WriteString(head)
	pre := 0
	for _, v := range vs {
		if v.PreExisting {
			pre++
		}
	}
	if pre > 0 {
		fmt.Fprintf(&b, "; %d already present before this update", pre)
	}
	b.WriteString(":")
	for i, v := range vs {
		line := " " + describe(v) + ";"
		if b.Len()+len(line) > messageBudget {
			fmt.Fprintf(&b, " … and %d more (see the annotations)", len(vs)-i)
			break
		}
		b.WriteString(line)
	}
	return strings.TrimSuffix(b.String(), ";")
}

func describe(v verdict.Violation) string {
	path := v.Path
	if path == "" {
		path = "/"
	}
	s := fmt.Sprintf("%s [%s] %s", path, v.Keyword, v.Message)
	if v.Allowed != "" && !strings.Contains(v.Message, v.Allowed) {
		s += " (allowed: " + v.Allowed + ")"
	}
	if v.PreExisting {
		s += " (already present before this update)"
	}
	return s
}

// annotations gives one annotation per violation; wire.Response.Fit keeps the first hundred and
// counts the rest.
func annotations(o outcome) []wire.Annotation {
	vs := o.result.Verdict.Violations
	out := make([]wire.Annotation, 0, len(vs))
	for _, v := range vs {
		path := v.Path
		if path == "" {
			path = "/"
		}
		remedy := fmt.Sprintf("Change %s so that it satisfies %s in the approved template %s", path, v.Keyword, o.result.TemplateKey)
		if v.Allowed != "" {
			remedy += "; allowed: " + v.Allowed
		}
		if v.PreExisting {
			remedy += ". The violation predates this update"
		}
		if v.Unverifiable {
			remedy = fmt.Sprintf("%s is a dynamic reference the hook cannot read, and %s restricts it beyond AWS's schema (%s): give the value literally, or ask for an exception", path, o.result.TemplateKey, v.Keyword)
		}
		out = append(out, wire.Annotation{
			AnnotationName:     wire.Truncate("rcfge:"+v.Keyword+":"+path, 256),
			Status:             wire.AnnotationFailed,
			StatusMessage:      wire.Truncate(fmt.Sprintf("%s %s: %s", o.subject(), path, v.Message), 1024),
			RemediationMessage: wire.Truncate(remedy, 1024),
			SeverityLevel:      wire.SeverityHigh,
		})
	}
	return out
}

func missingMessage(o outcome) string {
	n := len(o.missing)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d resource type%s without an approved template:", o.scope, n, plural(n))
	for i, m := range o.missing {
		line := fmt.Sprintf(" %s (%s);", m.typeName, strings.Join(m.logicalIDs, ", "))
		if b.Len()+len(line) > messageBudget {
			fmt.Fprintf(&b, " … and %d more", n-i)
			break
		}
		b.WriteString(line)
	}
	return strings.TrimSuffix(b.String(), ";")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
