package engine

import (
	"errors"
	"fmt"
)

// Kind sorts engine errors. A violation is never an error: it is data in the Verdict.
type Kind int

// The kinds of engine error.
const (
	// KindMissingTemplate: the store has no template for the type (not approved; fail closed).
	KindMissingTemplate Kind = iota + 1
	// KindInvalidTemplate: the template is not JSON, not a valid schema, or names an unknown placeholder.
	KindInvalidTemplate
	// KindStore: the store failed (I/O, S3 unreachable, access denied).
	KindStore
	// KindDeadline: the context was cancelled or its deadline passed.
	KindDeadline
	// KindRequest: the input itself is wrong (bad type name, properties not an object).
	KindRequest
	// KindExceptions: the governed exceptions file cannot be read or is malformed. It fails
	// closed: violations stand, and the error is an engine error (OnEngineError).
	KindExceptions
)

func (k Kind) String() string {
	switch k {
	case KindMissingTemplate:
		return "missing template"
	case KindInvalidTemplate:
		return "invalid template"
	case KindStore:
		return "store error"
	case KindDeadline:
		return "deadline"
	case KindRequest:
		return "invalid request"
	case KindExceptions:
		return "invalid exceptions file"
	}
	return "unknown"
}

// Error is an engine failure with its kind, the resource type and the template it concerns.
type Error struct {
	Kind     Kind
	TypeName string
	// Template is the store key of the template, when one was found.
	Template string
	Err      error
}

func (e *Error) Error() string {
	if e.Kind == KindMissingTemplate {
		// Its cause already names the type and says what is missing.
		return e.Err.Error()
	}
	if e.Template != "" {
		what := "template"
		if e.Kind == KindExceptions {
			what = "file"
		}
		return fmt.Sprintf("%s: %s %s: %v", e.Kind, what, e.Template, e.Err)
	}
	if e.TypeName != "" {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.TypeName, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an engine error, or 0 when err is not one.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// IsMissingTemplate reports whether err means the type has no template.
func IsMissingTemplate(err error) bool { return KindOf(err) == KindMissingTemplate }

// NoValueError is a built-in placeholder the invocation context has no value for (say $<stackId>
// when validating outside a stack). It is wrapped in an Error of KindInvalidTemplate.
type NoValueError struct {
	Name string
}

func (e *NoValueError) Error() string {
	return fmt.Sprintf("placeholder $<%s> has no value in this invocation context", e.Name)
}
