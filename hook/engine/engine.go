// Package engine is the front door of rcfge's evaluation: resource type → restricted schema
// template → placeholders filled from the context → compiled JSON Schema → verdict. It is the only
// package that knows the order of the stages.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/rcfge/rcfge/hook/cache"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
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
	// CacheHit is true when the compiled schema came from the cache.
	CacheHit bool
	// Shadow is set when the template is in shadow mode (x-rcfge.mode = "shadow"): its violations
	// are reported and logged but never block.
	Shadow bool
	// Notes are facts worth a line in the decision log (an expired exception that was ignored).
	Notes []string
}

// Engine evaluates resources against the templates of one store. It is safe for concurrent use.
type Engine struct {
	store    store.Store
	vars     placeholder.Vars
	size     int
	prepared *cache.LRU[*prepared]
	compiled *cache.LRU[*schema.Schema]
}

// Option configures an Engine.
type Option func(*Engine)

// WithVars sets the user variables available to every template.
func WithVars(v placeholder.Vars) Option { return func(e *Engine) { e.vars = v } }

// WithCacheSize bounds the number of compiled schemas kept (default 512), and of parsed templates.
func WithCacheSize(n int) Option { return func(e *Engine) { e.size = n } }

// New returns an Engine reading templates from st.
func New(st store.Store, opts ...Option) *Engine {
	e := &Engine{store: st, size: 512}
	for _, o := range opts {
		o(e)
	}
	e.prepared = cache.New[*prepared](e.size)
	e.compiled = cache.New[*schema.Schema](e.size)
	return e
}

// prepared is a parsed template with the placeholder names it uses, kept per store version so the
// warm path neither parses nor hashes.
type prepared struct {
	doc    any
	names  []string
	digest string
}

// Evaluate validates one resource. A violation is data in the verdict; an error means no verdict.
func (e *Engine) Evaluate(ctx context.Context, in Input) (Result, error) {
	res := Result{Verdict: verdict.Verdict{TypeName: in.TypeName}}
	if err := ctx.Err(); err != nil {
		return res, &Error{Kind: KindDeadline, TypeName: in.TypeName, Err: err}
	}
	if in.Properties != nil {
		if _, ok := in.Properties.(map[string]any); !ok {
			return res, &Error{Kind: KindRequest, TypeName: in.TypeName, Err: errors.New("properties must be a JSON object")}
		}
	}
	tpl, err := e.store.Get(ctx, in.TypeName, in.Context.AccountID)
	if err != nil {
		return res, storeError(in.TypeName, err)
	}
	res.TemplateKey, res.TemplateVersion = tpl.Key, tpl.Version
	sch, hit, err := e.schemaFor(tpl, in)
	if err != nil {
		return res, err
	}
	res.CacheHit = hit

	if in.Operation == Delete {
		if onDelete(sch) == "deny" {
			res.Verdict.Violations = []verdict.Violation{{
				Keyword:        "x-rcfge/onDelete",
				SchemaLocation: "#/x-rcfge/onDelete",
				Message:        fmt.Sprintf("deleting %s resources is not approved (the template guards deletes)", in.TypeName),
			}}
		}
		return res, nil
	}

	props := in.Properties
	if props == nil {
		props = map[string]any{}
	}
	unknown, unverified := unknowns(props, in.Unknown)
	vs, err := sch.Validate(ctx, props, schema.Options{TypeName: in.TypeName, Unknown: unknown})
	if err != nil {
		return res, &Error{Kind: KindInvalidTemplate, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}
	if len(vs) > 0 && in.Operation == Update && in.PreviousProperties != nil {
		if prev, ok := in.PreviousProperties.(map[string]any); ok && len(prev) > 0 {
			pu, _ := unknowns(prev, nil)
			before, err := sch.Validate(ctx, prev, schema.Options{TypeName: in.TypeName, Unknown: pu})
			if err == nil {
				markPreExisting(vs, before)
			}
		}
	}
	res.Verdict.Violations = vs
	res.Verdict.Unverified = unverified
	if err := ctx.Err(); err != nil {
		return res, &Error{Kind: KindDeadline, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}
	return res, nil
}

// Has reports whether the type has a template (is approved) for the account.
func (e *Engine) Has(ctx context.Context, typeName, accountID string) (bool, error) {
	_, err := e.store.Get(ctx, typeName, accountID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, storeError(typeName, err)
}

func storeError(typeName string, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Kind: KindMissingTemplate, TypeName: typeName, Err: fmt.Errorf("%s is not an approved resource type: %w", typeName, err)}
	case errors.Is(err, store.ErrInvalidType):
		return &Error{Kind: KindRequest, TypeName: typeName, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Error{Kind: KindDeadline, TypeName: typeName, Err: err}
	}
	return &Error{Kind: KindStore, TypeName: typeName, Err: err}
}

// schemaFor returns the compiled schema for a template and the values its placeholders take here.
func (e *Engine) schemaFor(tpl store.Template, in Input) (*schema.Schema, bool, error) {
	invalid := func(err error) error {
		return &Error{Kind: KindInvalidTemplate, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}
	var buf [512]byte
	pkey := append(append(append(buf[:0], tpl.Key...), 0), tpl.Version...)
	p, _, err := e.prepared.DoBytes(pkey, func() (*prepared, error) {
		doc, err := schema.Decode(tpl.Body)
		if err != nil {
			return nil, err
		}
		names, err := placeholder.Names(doc)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(tpl.Body)
		return &prepared{doc: doc, names: names, digest: hex.EncodeToString(sum[:])}, nil
	})
	if err != nil {
		return nil, false, invalid(err)
	}
	// The key is the content digest plus only the values actually substituted: a template without
	// $<accountID> is shared by every account, one with it never is.
	key := append(buf[:0], p.digest...)
	for _, n := range p.names {
		v, err := e.value(n, in)
		if err != nil {
			return nil, false, invalid(err)
		}
		key = append(key, 0)
		key = append(key, n...)
		key = append(key, '=')
		key = v.AppendKey(key)
	}
	sch, hit, err := e.compiled.DoBytes(key, func() (*schema.Schema, error) {
		vars := make(placeholder.Vars, len(p.names))
		for _, n := range p.names {
			vars[n], _ = e.value(n, in)
		}
		filled, err := placeholder.Fill(p.doc, vars)
		if err != nil {
			return nil, err
		}
		return schema.Compile(tpl.Key, filled)
	})
	if err != nil {
		return nil, false, invalid(err)
	}
	return sch, hit, nil
}

// value resolves one placeholder: built-ins from the context, then user variables (request over
// engine). A built-in with no value here is an error, never an empty string.
func (e *Engine) value(n string, in Input) (placeholder.Value, error) {
	if placeholder.IsBuiltin(n) {
		v := builtin(n, in)
		if v == "" {
			return placeholder.Value{}, &NoValueError{Name: n}
		}
		return placeholder.String(v), nil
	}
	if v, ok := in.Vars[n]; ok {
		return v, nil
	}
	if v, ok := e.vars[n]; ok {
		return v, nil
	}
	return placeholder.Value{}, &placeholder.UnknownError{Name: n}
}

func builtin(name string, in Input) string {
	c := in.Context
	switch name {
	case "accountID":
		return c.AccountID
	case "region":
		return c.Region
	case "partition":
		if c.Partition != "" {
			return c.Partition
		}
		return PartitionOf(c.Region)
	case "stackName":
		return c.StackName
	case "stackId":
		return c.StackID
	case "logicalResourceId":
		return c.LogicalResourceID
	case "resourceType":
		return in.TypeName
	}
	return ""
}

// PartitionOf derives the AWS partition from a region name; empty for an empty region.
func PartitionOf(region string) string {
	switch {
	case region == "":
		return ""
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

func onDelete(s *schema.Schema) string {
	if x := s.Extension(); x != nil {
		if v, ok := x["onDelete"].(string); ok {
			return v
		}
	}
	return "allow"
}

func markPreExisting(now, before []verdict.Violation) {
	seen := make(map[string]bool, len(before))
	for _, b := range before {
		seen[b.Path+"\x00"+b.Keyword+"\x00"+b.Message] = true
	}
	for i := range now {
		if seen[now[i].Path+"\x00"+now[i].Keyword+"\x00"+now[i].Message] {
			now[i].PreExisting = true
		}
	}
}

// unknowns merges the caller's unknown values with the dynamic references CloudFormation leaves
// unresolved for hooks (Secrets Manager and SSM SecureString): their values cannot be checked.
func unknowns(props any, given []verdict.Unverified) ([]string, []verdict.Unverified) {
	out := given
	if hasDynamicRef(props) {
		var walk func(v any, path string)
		walk = func(v any, path string) {
			switch t := v.(type) {
			case string:
				if svc := dynamicRef(t); svc != "" {
					out = append(out, verdict.Unverified{Path: path, Reason: "dynamic reference to " + svc + " is resolved only at deployment"})
				}
			case map[string]any:
				for k, c := range t {
					walk(c, path+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
				}
			case []any:
				for i, c := range t {
					walk(c, fmt.Sprintf("%s/%d", path, i))
				}
			}
		}
		walk(props, "")
	}
	if len(out) == 0 {
		return nil, nil
	}
	paths := make([]string, len(out))
	for i, u := range out {
		paths[i] = u.Path
	}
	return paths, out
}

func dynamicRef(s string) string {
	switch {
	case strings.Contains(s, "{{resolve:secretsmanager:"):
		return "secretsmanager"
	case strings.Contains(s, "{{resolve:ssm-secure:"):
		return "ssm-secure"
	}
	return ""
}

// hasDynamicRef is the allocation-free check that keeps the common case cheap.
func hasDynamicRef(v any) bool {
	switch t := v.(type) {
	case string:
		return dynamicRef(t) != ""
	case map[string]any:
		for _, c := range t {
			if hasDynamicRef(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if hasDynamicRef(c) {
				return true
			}
		}
	}
	return false
}
