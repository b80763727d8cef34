package suggest

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// Regression is a resource whose verdict the suggested overlays change.
type Regression struct {
	Source string `json:"source"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Narrowed returns the templates folder with each suggested type's template replaced by its
// narrowed form; everything else is read from before.
func Narrowed(before fs.FS, r *Result) (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(before, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "/") {
			return err
		}
		b, err := fs.ReadFile(before, p)
		if err != nil {
			return err
		}
		out[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	for _, t := range r.Types {
		name, err := FileName(t.Type)
		if err != nil {
			return nil, err
		}
		out[name] = &fstest.MapFile{Data: t.Narrowed}
	}
	return out, nil
}

// Prove validates every input with the templates before and after narrowing and returns every
// resource whose verdict differs: the suggestion must break nothing that is deployed.
func Prove(ctx context.Context, before, after fs.FS, inputs []*cfntemplate.Template, c engine.Context, vars placeholder.Vars) ([]Regression, error) {
	b, err := verdicts(ctx, engine.New(dirstore.New(before)), inputs, c, vars)
	if err != nil {
		return nil, err
	}
	a, err := verdicts(ctx, engine.New(dirstore.New(after)), inputs, c, vars)
	if err != nil {
		return nil, err
	}
	var out []Regression
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if a[k] != b[k] {
			out = append(out, Regression{Source: k, Before: b[k], After: a[k]})
		}
	}
	return out, nil
}

// verdicts gives each resource one comparable line: "approved", or its sorted findings.
func verdicts(ctx context.Context, ev cfntemplate.Evaluator, inputs []*cfntemplate.Template, c engine.Context, vars placeholder.Vars) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range inputs {
		fr, err := cfntemplate.Validate(ctx, ev, t, c, vars)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			out[t.Name] = "error: " + err.Error()
		}
		for _, r := range fr.Resources {
			var fs []string
			for _, v := range r.Violations {
				fs = append(fs, v.Path+" "+v.Keyword)
			}
			slices.Sort(fs)
			line := "approved"
			if len(fs) > 0 {
				line = strings.Join(fs, "; ")
			}
			out[t.Name+"#"+r.LogicalID] = line
		}
	}
	return out, nil
}
