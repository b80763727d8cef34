// Package schemadiff compares rcfge's validator (hook/schema) with santhosh-tekuri/jsonschema v5,
// the draft-07 authority it replaced on the hot path. It lives in the tools so that v5 is never
// linked into the Lambda; the differential test and fuzz target use it.
package schemadiff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
)

// Pair is one template compiled by both validators.
type Pair struct {
	Ours   *schema.Schema
	Theirs *jsonschema.Schema
}

// ErrTheirs wraps a template v5 refuses to compile.
var ErrTheirs = errors.New("jsonschema v5 refuses the template")

// Compile compiles a parsed template with both validators. An error from rcfge's validator is
// returned as is (a *schema.CompileError); one from v5 wraps ErrTheirs.
func Compile(name string, doc any) (*Pair, error) {
	ours, err := schema.Compile(name, doc)
	if err != nil {
		return nil, err
	}
	theirs, err := compileTheirs(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTheirs, err)
	}
	return &Pair{Ours: ours, Theirs: theirs}, nil
}

func compileTheirs(doc any) (s *jsonschema.Schema, err error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("top level is not an object")
	}
	if sch, _ := root["$schema"].(string); strings.Contains(sch, "provider.definition.schema") {
		root = without(root, "$schema")
	}
	body, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	const url = "rcfge:///template.json"
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("%s: remote references refused", u) }
	if err := c.AddResource(url, bytes.NewReader(body)); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("v5 compiler panicked: %v", r)
		}
	}()
	return c.Compile(url)
}

func without(m map[string]any, drop string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != drop {
			out[k] = v
		}
	}
	return out
}

// Outcome is both validators' answer on one instance.
type Outcome struct {
	Ours []verdict.Violation
	// Theirs are v5's leaf errors as "keyword at instance-location".
	Theirs []string
	// TheirsTypeOnly is set when every v5 leaf error is a type mismatch: where rcfge's coercion
	// (CloudFormation reads "5" as 5) legitimately accepts what v5 refuses.
	TheirsTypeOnly bool
}

// Agree reports whether both validators reach the same verdict.
func (o Outcome) Agree() bool { return (len(o.Ours) == 0) == (len(o.Theirs) == 0) }

// Validate runs one instance through both validators (v5 gets it as is: no coercion).
func (p *Pair) Validate(ctx context.Context, inst any) (Outcome, error) {
	var o Outcome
	vs, err := p.Ours.Validate(ctx, inst, schema.Options{})
	if err != nil {
		return o, fmt.Errorf("rcfge: %w", err)
	}
	o.Ours = vs
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("v5 panicked: %v", r)
			}
		}()
		return p.Theirs.Validate(inst)
	}()
	if err == nil {
		return o, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return o, fmt.Errorf("v5: %w", err)
	}
	o.TheirsTypeOnly = true
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == "" || strings.HasPrefix(u.Error, "doesn't validate with") {
			continue
		}
		kw := u.KeywordLocation[strings.LastIndexByte(u.KeywordLocation, '/')+1:]
		if kw != "type" {
			o.TheirsTypeOnly = false
		}
		o.Theirs = append(o.Theirs, kw+" at "+u.InstanceLocation)
	}
	if len(o.Theirs) == 0 {
		o.Theirs = []string{"(root) " + ve.Message}
		o.TheirsTypeOnly = false
	}
	slices.Sort(o.Theirs)
	return o, nil
}

// Coercible reports whether v5 accepts inst once the one value at ptr is read as CloudFormation
// reads it (a string as a number or a boolean, a number or a boolean as a string): the case where
// rcfge accepts what v5, which does not coerce, refuses.
func (p *Pair) Coercible(inst any, ptr string) bool {
	cur, ok := jsonptr.Lookup(inst, ptr)
	if !ok {
		return false
	}
	var variants []any
	switch t := cur.(type) {
	case string:
		if strings.EqualFold(t, "true") || strings.EqualFold(t, "false") {
			variants = append(variants, strings.EqualFold(t, "true"))
		}
		if _, err := json.Number(t).Float64(); err == nil {
			variants = append(variants, json.Number(strings.TrimLeft(t, "0")))
			variants = append(variants, json.Number(t))
		}
	case bool, json.Number:
		variants = append(variants, fmt.Sprint(t))
	}
	for _, v := range variants {
		c := clone(inst)
		if ptr == "" {
			c = v
		} else {
			parent, last := jsonptr.Parent(ptr)
			holder, _ := jsonptr.Lookup(c, parent)
			switch h := holder.(type) {
			case map[string]any:
				h[last] = v
			case []any:
				var i int
				fmt.Sscan(last, &i)
				h[i] = v
			}
		}
		if p.Theirs.Validate(c) == nil {
			return true
		}
	}
	return false
}

// Stringify returns v with every number and boolean turned into a string, as CloudFormation hands
// template parameters and many YAML values to a hook.
func Stringify(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Stringify(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Stringify(e)
		}
		return out
	case bool:
		return fmt.Sprint(t)
	case json.Number:
		return string(t)
	case float64, int, int64:
		return fmt.Sprint(t)
	}
	return v
}

// Mutate returns a deep copy of v with one scalar, chosen by seed, replaced by a value of another
// kind or shape, and that scalar's pointer ("" when v holds no scalar).
func Mutate(v any, seed uint64) (any, string) {
	v = clone(v)
	var leaves []string
	var walk func(x any, p string)
	walk = func(x any, p string) {
		switch t := x.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				walk(t[k], jsonptr.Append(p, k))
			}
		case []any:
			for i, e := range t {
				walk(e, jsonptr.AppendIndex(p, i))
			}
		default:
			leaves = append(leaves, p)
		}
	}
	walk(v, "")
	if len(leaves) == 0 {
		return v, ""
	}
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	ptr := leaves[r.IntN(len(leaves))]
	bad := []any{"~not-a-value~", json.Number("-99999999999"), json.Number("1.5"), "", true, nil,
		strings.Repeat("x", 3000), map[string]any{}, []any{}, "2024-13-45T99:00:00Z", json.Number("1e400")}
	repl := bad[r.IntN(len(bad))]
	if ptr == "" {
		return repl, ptr
	}
	parent, last := jsonptr.Parent(ptr)
	holder, _ := jsonptr.Lookup(v, parent)
	switch h := holder.(type) {
	case map[string]any:
		h[last] = repl
	case []any:
		var i int
		fmt.Sscan(last, &i)
		h[i] = repl
	}
	return v, ptr
}

func clone(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = clone(e)
		}
		return out
	}
	return v
}
