// Package verdict holds the result of an evaluation and the failure policy that turns it into an
// answer. It imports nothing of rcfge, so every stage can share its types.
package verdict

import "fmt"

// Violation is one broken rule at one place in a resource's properties.
type Violation struct {
	// Path is the JSON Pointer of the offending value, e.g. /NotificationConfiguration/TopicConfigurations/0/Topic.
	Path string `json:"path"`
	// Keyword is the JSON Schema keyword that failed (additionalProperties, pattern, enum, ...).
	Keyword string `json:"keyword"`
	// SchemaLocation is the keyword's location inside the restricted template.
	SchemaLocation string `json:"schemaLocation"`
	// Allowed names the allowed values or pattern when they are short enough to print.
	Allowed string `json:"allowed,omitempty"`
	// Message is one human line.
	Message string `json:"message"`
	// PreExisting is set on UPDATE when the same violation was already present before the change.
	PreExisting bool `json:"preExisting,omitempty"`
	// Unverifiable is set when the value is a dynamic reference (Secrets Manager, SSM SecureString)
	// that the hook cannot read, and the rule is one rcfge added beyond AWS's provider schema: the
	// OnUnverifiable knob, not OnViolation, decides it.
	Unverifiable bool `json:"unverifiable,omitempty"`
}

// String renders the violation as "path: message".
func (v Violation) String() string {
	p := v.Path
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s: %s", p, v.Message)
}

// Unverified is a value that cannot be known before deployment; constraints on it were skipped.
type Unverified struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Excepted is a violation that a governed exception let through.
type Excepted struct {
	Violation Violation `json:"violation"`
	// Exception is the ID of the exception that allowed it; Ticket and Expires are copied from it.
	Exception string `json:"exception"`
	Ticket    string `json:"ticket,omitempty"`
	Expires   string `json:"expires,omitempty"`
}

// Verdict is the outcome of evaluating one resource against its restricted template.
type Verdict struct {
	TypeName   string       `json:"type"`
	Violations []Violation  `json:"violations,omitempty"`
	Unverified []Unverified `json:"unverified,omitempty"`
	// Excepted are violations removed from Violations by an unexpired exception in scope.
	Excepted []Excepted `json:"excepted,omitempty"`
}

// Approved reports whether no rule was broken.
func (v Verdict) Approved() bool { return len(v.Violations) == 0 }

// Mode is what a failure knob does: FAIL blocks the deployment, WARN lets it go on with a warning.
type Mode string

// The two modes of a failure knob.
const (
	Fail Mode = "FAIL"
	Warn Mode = "WARN"
)

// ParseMode reads a knob value; the empty string means the safe default, FAIL.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "FAIL", "fail", "Fail":
		return Fail, nil
	case "WARN", "warn", "Warn":
		return Warn, nil
	}
	return "", fmt.Errorf("failure mode %q: want FAIL or WARN", s)
}

// Class sorts what went wrong into the three things a knob can be set for.
type Class int

// The classes of failure, each with its own knob.
const (
	// ClassViolation: the properties break a rule of the template.
	ClassViolation Class = iota + 1
	// ClassMissingTemplate: no template exists for the type (not approved).
	ClassMissingTemplate
	// ClassEngineError: the store, the template or the deadline failed.
	ClassEngineError
	// ClassUnverifiable: a dynamic reference hides a value that an rcfge-own rule restricts.
	ClassUnverifiable
)

func (c Class) String() string {
	switch c {
	case ClassViolation:
		return "violation"
	case ClassMissingTemplate:
		return "missing template"
	case ClassEngineError:
		return "engine error"
	case ClassUnverifiable:
		return "unverifiable value"
	}
	return "unknown"
}

// Policy holds the three failure knobs. The zero value fails closed on everything.
type Policy struct {
	OnViolation       Mode `json:"onViolation,omitempty"`
	OnMissingTemplate Mode `json:"onMissingTemplate,omitempty"`
	OnEngineError     Mode `json:"onEngineError,omitempty"`
	OnUnverifiable    Mode `json:"onUnverifiable,omitempty"`
}

// Mode returns the knob for a class; anything unset or unknown is FAIL.
func (p Policy) Mode(c Class) Mode {
	var m Mode
	switch c {
	case ClassViolation:
		m = p.OnViolation
	case ClassMissingTemplate:
		m = p.OnMissingTemplate
	case ClassEngineError:
		m = p.OnEngineError
	case ClassUnverifiable:
		m = p.OnUnverifiable
	}
	if m == Warn {
		return Warn
	}
	return Fail
}
