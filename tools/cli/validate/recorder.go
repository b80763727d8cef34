package validate

import (
	"context"
	"errors"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// recorder stands between cfntemplate.Validate and the engine. It turns the errors the hook
// answers per resource (no template: not approved; an invalid or unreadable template) into a
// record for that resource, so that every other resource is still checked, and keeps what the
// verdict holds beyond violations (exceptions, shadow mode, notes) for the report. Errors that
// concern the whole run (a flag missing, the deadline) still stop it.
type recorder struct {
	eng  cfntemplate.Evaluator
	byID map[string]record
}

type record struct {
	unapproved bool
	err        error
	res        engine.Result
}

func (r *recorder) reset() { r.byID = map[string]record{} }

// Evaluate runs the engine and records the outcome under the resource's logical ID.
func (r *recorder) Evaluate(ctx context.Context, in engine.Input) (engine.Result, error) {
	res, err := r.eng.Evaluate(ctx, in)
	id := in.Context.LogicalResourceID
	switch {
	case err == nil:
		r.byID[id] = record{res: res}
		return res, nil
	case runLevel(ctx, err):
		return res, err
	case engine.IsMissingTemplate(err):
		r.byID[id] = record{unapproved: true}
	default:
		r.byID[id] = record{err: err}
	}
	// No verdict: the report shows the record instead of violations.
	return engine.Result{}, nil
}

// runLevel reports whether err stops the whole run rather than one resource.
func runLevel(ctx context.Context, err error) bool {
	var nv *engine.NoValueError
	var ue *placeholder.UnknownError
	return ctx.Err() != nil || engine.KindOf(err) == engine.KindDeadline || errors.As(err, &nv) || errors.As(err, &ue)
}

// fill copies the records into the file's results.
func (r *recorder) fill(fr *cfntemplate.FileResult) {
	for i := range fr.Resources {
		res := &fr.Resources[i]
		rec, ok := r.byID[res.LogicalID]
		if !ok {
			continue
		}
		res.Unapproved = res.Unapproved || rec.unapproved
		if rec.err != nil && res.Error == "" {
			res.Error = rec.err.Error()
		}
		if len(res.Excepted) == 0 {
			res.Excepted = rec.res.Verdict.Excepted
		}
		res.Shadow = res.Shadow || rec.res.Shadow
		if len(res.Notes) == 0 {
			res.Notes = rec.res.Notes
		}
	}
}
