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
func violationMessage(o outcome) string {
	vs := o.result.Verdict.Violations
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not compliant with %s (%d violation%s)", o.subject(), o.result.TemplateKey, len(vs), plural(len(vs)))
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

// annotations gives one annotation per violation.
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
