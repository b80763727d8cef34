package engine

import (
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
)

// Options exposes options for exact tests of what the engine asks the validator.
func Options(props any, unknown, refs []verdict.Unverified) (schema.Options, []verdict.Unverified) {
	return options("T::T::T", props, unknown, refs)
}

// Truncate exposes truncate with a given maximum.
func Truncate(max int, vs []verdict.Violation, capped bool) ([]verdict.Violation, int, bool) {
	e := &Engine{maxViolations: max}
	return e.truncate(vs, capped)
}

// CompiledWeight exposes the compiled-schema weight estimate.
func CompiledWeight(body int) int64 { return compiledWeight(body) }

// PreparedBytes exposes the parsed-template cache's weight.
func PreparedBytes(e *Engine) int64 { return e.prepared.Bytes() }
