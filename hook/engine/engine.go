// Package engine is the front door of rcfge's evaluation: resource type → restricted schema
// template → placeholders filled from the context → compiled JSON Schema → verdict. It is the only
// package that knows the order of the stages.
package engine

import (
	"context"
	"errors"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/verdict"
)

// Operation is what CloudFormation is about to do to the resource.
type Operation string

// The operations a hook is invoked for.
const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Context is the invocation context the built-in placeholders are filled from.
type Context struct {
	AccountID         string
	Region            string
	Partition         string
	StackName         string
	StackID           string
	LogicalResourceID string
}

// Input is one resource to evaluate.
type Input struct {
	TypeName  string
	Operation Operation // empty means Create
	// Properties is decoded JSON (numbers as json.Number); nil means no properties.
	Properties any
	// PreviousProperties, on Update, lets the verdict mark violations that were already present.
	PreviousProperties any
	Context            Context
	// Vars are request-level user variables; they override the engine's WithVars.
	Vars placeholder.Vars
	// Unknown lists values that cannot be known before deployment; their constraints are skipped.
	Unknown []verdict.Unverified
}

// Result is a verdict plus what produced it.
type Result struct {
	Verdict         verdict.Verdict
	TemplateKey     string
	TemplateVersion string
	CacheHit        bool
}

// Engine evaluates resources against the templates of one store. It is safe for concurrent use.
type Engine struct {
	store store.Store
	vars  placeholder.Vars
	size  int
}

// Option configures an Engine.
type Option func(*Engine)

// WithVars sets the user variables available to every template.
func WithVars(v placeholder.Vars) Option { return func(e *Engine) { e.vars = v } }

// WithCacheSize bounds the number of compiled schemas kept (default 512).
func WithCacheSize(n int) Option { return func(e *Engine) { e.size = n } }

// New returns an Engine reading templates from st.
func New(st store.Store, opts ...Option) *Engine {
	e := &Engine{store: st, size: 512}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Evaluate validates one resource. A violation is data in the verdict; an error means no verdict.
func (e *Engine) Evaluate(ctx context.Context, in Input) (Result, error) {
	return Result{}, errors.New("engine: not implemented yet")
}

// Has reports whether the type has a template (is approved) for the account.
func (e *Engine) Has(ctx context.Context, typeName, accountID string) (bool, error) {
	return false, errors.New("engine: not implemented yet")
}
