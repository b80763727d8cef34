package cfntemplate

import (
	"context"
	"fmt"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
)

// Evaluator is the part of *engine.Engine that Validate uses.
type Evaluator interface {
	Evaluate(ctx context.Context, in engine.Input) (engine.Result, error)
}

// Validate evaluates every resource of t as a CREATE in the context c and returns the file's
// results. An engine error (missing template, invalid template, store failure) stops it: there is
// no verdict for that resource, and the error names the file, the resource and its type.
func Validate(ctx context.Context, ev Evaluator, t *Template, c engine.Context, vars placeholder.Vars) (FileResult, error) {
	fr := FileResult{File: t.Name, Resources: make([]ResourceResult, 0, len(t.Resources))}
	for _, r := range t.Resources {
		rc := c
		rc.LogicalResourceID = r.LogicalID
		res, err := ev.Evaluate(ctx, engine.Input{
			TypeName:   r.Type,
			Operation:  engine.Create,
			Properties: r.Properties,
			Context:    rc,
			Vars:       vars,
			Unknown:    r.Unknown,
		})
		if err != nil {
			// The engine's message names the type and the template; this adds where it is.
			return fr, fmt.Errorf("%s: resource %s: %w", location(t.Name, r.Line), r.LogicalID, err)
		}
		fr.Resources = append(fr.Resources, ResourceResult{
			LogicalID:  r.LogicalID,
			Type:       r.Type,
			Line:       r.Line,
			Violations: res.Verdict.Violations,
			Unverified: res.Verdict.Unverified,
		})
	}
	return fr, nil
}
