package validate

import (
	"context"
	"slices"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// recorder stands between cfntemplate.Check and the engine and keeps, per resource, what the
// verdict holds beyond violations (exceptions, shadow mode, notes), which the report shows and
// Check does not carry. It changes nothing of what the engine answers.
type recorder struct {
	eng  cfntemplate.Evaluator
	byID map[string]engine.Result
}

func (r *recorder) reset() { r.byID = map[string]engine.Result{} }

// Evaluate runs the engine and records the result under the resource's logical ID; the
// variants of one resource (undecided conditions) add up.
func (r *recorder) Evaluate(ctx context.Context, in engine.Input) (engine.Result, error) {
	res, err := r.eng.Evaluate(ctx, in)
	id := in.Context.LogicalResourceID
	prev := r.byID[id]
	prev.Verdict.Excepted = append(prev.Verdict.Excepted, res.Verdict.Excepted...)
	prev.Notes = append(prev.Notes, res.Notes...)
	prev.Shadow = prev.Shadow || res.Shadow
	r.byID[id] = prev
	return res, err
}

// fill copies the records into the file's results.
func (r *recorder) fill(fr *cfntemplate.FileResult) {
	for i := range fr.Resources {
		res := &fr.Resources[i]
		rec, ok := r.byID[res.LogicalID]
		if !ok {
			continue
		}
		if len(res.Excepted) == 0 {
			res.Excepted = rec.Verdict.Excepted
		}
		res.Shadow = res.Shadow || rec.Shadow
		if len(res.Notes) == 0 {
			res.Notes = slices.Compact(rec.Notes)
		}
	}
}
