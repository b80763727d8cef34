// Package engine is the front door of rcfge's evaluation: resource type → restricted schema
// template → placeholders filled from the context → compiled JSON Schema → verdict. It is the only
// package that knows the order of the stages.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/cache"
	"github.com/rcfge/rcfge/hook/exception"
	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/partition"
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
	// Unknown lists values that cannot be known before deployment (intrinsics such as
	// Fn::ImportValue): constraints on them and inside them are skipped, property-name gates are
	// not. An Unknown path whose value in Properties is a dynamic reference is treated as one of
	// References instead, so a caller that marks every unresolved value unknown loses nothing.
	Unknown []verdict.Unverified
	// References lists values the caller knows to be Secrets Manager or SSM SecureString dynamic
	// references when Properties does not hold the reference string itself (say a template
	// parameter whose default is one). The engine finds every reference written in Properties on
	// its own; see DynamicReference.
	References []verdict.Unverified
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
	// Omitted counts the violations left out of Verdict.Violations by WithMaxViolations; when
	// OmittedAtLeast is set the validator stopped counting, so there were Omitted or more.
	Omitted        int
	OmittedAtLeast bool
	// Exceptions names the exceptions file consulted (key and version), empty when none was read.
	Exceptions string
}

// Engine evaluates resources against the templates of one store. It is safe for concurrent use.
type Engine struct {
	store         store.Store
	vars          placeholder.Vars
	size          int
	bytes         int64
	maxViolations int
	now           func() time.Time
	prepared      *cache.LRU[*prepared]
	compiled      *cache.LRU[compiled]
	exceptions    *cache.LRU[*exception.File]
}

// Option configures an Engine.
type Option func(*Engine)

// WithVars sets the user variables available to every template.
func WithVars(v placeholder.Vars) Option { return func(e *Engine) { e.vars = v } }

// WithCacheSize bounds the number of compiled schemas kept (default 512), and of parsed templates.
func WithCacheSize(n int) Option { return func(e *Engine) { e.size = n } }

// WithCacheBytes bounds the estimated memory of the compiled schemas kept (default
// DefaultCacheBytes); parsed templates get a quarter of it. See compiledWeight.
func WithCacheBytes(n int64) Option { return func(e *Engine) { e.bytes = n } }

// WithMaxViolations keeps at most n violations in a verdict (default DefaultMaxViolations; n < 1
// keeps them all); Result.Omitted counts the rest.
func WithMaxViolations(n int) Option { return func(e *Engine) { e.maxViolations = n } }

// WithClock replaces time.Now, which decides whether an exception has expired.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// Defaults of the engine's limits.
const (
	// DefaultMaxViolations is what a hook answer can carry: 100 annotations and a summary.
	DefaultMaxViolations = 100
	// DefaultCacheBytes keeps compiled schemas well inside a 512 MB Lambda.
	DefaultCacheBytes = 128 << 20
	// countLimit bounds how many violations beyond the kept ones are counted for Omitted.
	countLimit = 10000
)

// Weight estimates, measured over the shipped templates (hook/schema BenchmarkCompiledWeight,
// every subschema built and every pattern compiled, the decoded template included): a compiled
// schema can come to hold 3-22 times its template's bytes on the heap, and heap − 16 KiB stays
// under 19 times (regular expressions weigh the most); a decoded template 1-4 times.
const (
	compiledFactor   = 20
	compiledOverhead = 16 << 10
	preparedFactor   = 4
	preparedOverhead = 4 << 10
)

// New returns an Engine reading templates from st.
func New(st store.Store, opts ...Option) *Engine {
	e := &Engine{store: st, size: 512, bytes: DefaultCacheBytes, maxViolations: DefaultMaxViolations, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	e.prepared = cache.NewSized(e.size, max(e.bytes/4, 1), func(p *prepared) int64 { return p.weight })
	e.compiled = cache.NewSized(e.size, max(e.bytes, 1), func(c compiled) int64 { return c.weight })
	e.exceptions = cache.New[*exception.File](64)
	return e
}

// prepared is a parsed template with the placeholder names it uses, kept per store version so the
// warm path neither parses nor hashes.
type prepared struct {
	tpl    *placeholder.Template
	names  []string
	digest string
	weight int64
}

// compiled is a compiled schema with its estimated heap weight and what its x-rcfge says, read
// once per template rather than per request.
type compiled struct {
	schema     *schema.Schema
	weight     int64
	shadow     bool
	modeErr    error // x-rcfge.mode is neither "enforce" nor "shadow": every request answers it
	denyDelete bool
}

// Evaluate validates one resource. A violation is data in the verdict; an error means no complete
// verdict. When validation stops early (the deadline), the violations found so far are in the
// Result beside the error and still decide.
func (e *Engine) Evaluate(ctx context.Context, in Input) (Result, error) {
	res := Result{Verdict: verdict.Verdict{TypeName: in.TypeName}}
	// No I/O once the deadline has passed.
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
	cs, hit, err := e.schemaFor(tpl, in)
	if err != nil {
		return res, err
	}
	sch := cs.schema
	res.CacheHit = hit
	if res.Shadow, err = cs.shadow, cs.modeErr; err != nil {
		return res, &Error{Kind: KindInvalidTemplate, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}

	if in.Operation == Delete {
		if cs.denyDelete {
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
	var (
		opts       schema.Options
		unverified []verdict.Unverified
		vs         []verdict.Violation
		clean      bool
	)
	if len(in.Unknown) == 0 && len(in.References) == 0 {
		// The usual request: the validator confirms as it walks that no value is a dynamic
		// reference, sparing a walk of the properties; if one might be, the answer is discarded
		// and the request takes the general path.
		opts = schema.Options{TypeName: in.TypeName, MaxViolations: e.collectLimit()}
		vs, clean, err = sch.ValidateUnreferenced(ctx, props, opts)
	}
	if !clean {
		opts, unverified = options(in.TypeName, props, in.Unknown, in.References)
		opts.MaxViolations = e.collectLimit()
		vs, err = sch.Validate(ctx, props, opts)
	}
	res.Verdict.Unverified = unverified
	// The validator stopped collecting: there may be violations it never reported.
	capped := opts.MaxViolations > 0 && len(vs) >= opts.MaxViolations
	if err != nil {
		// Whatever was found still decides; the error says the list may be incomplete.
		res.Verdict.Violations, res.Omitted, res.OmittedAtLeast = e.truncate(vs, capped)
		kind := KindInvalidTemplate
		if ctx.Err() != nil {
			kind = KindDeadline
		}
		return res, &Error{Kind: kind, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}
	// On Update, what was already wrong before the change is marked (the message says so).
	if in.Operation == Update && len(vs) != 0 {
		if prev, ok := in.PreviousProperties.(map[string]any); ok {
			popts, _ := options(in.TypeName, prev, nil, nil)
			popts.MaxViolations = opts.MaxViolations
			before, err := sch.Validate(ctx, prev, popts)
			if err == nil {
				markPreExisting(vs, before)
			}
		}
	}
	if capped {
		// Violations beyond the count were never seen, so no exception may approve the resource.
		res.Notes = append(res.Notes, fmt.Sprintf("more than %d violations: exceptions were not applied", opts.MaxViolations))
	}
	if len(vs) > 0 && !capped {
		applied, ref, err := e.applyExceptions(ctx, vs, props, in)
		res.Exceptions = ref
		if err != nil {
			res.Verdict.Violations, res.Omitted, res.OmittedAtLeast = e.truncate(vs, false)
			return res, err
		}
		vs = applied.Violations
		res.Verdict.Excepted = applied.Excepted
		res.Notes = append(res.Notes, applied.Notes...)
	}
	res.Verdict.Violations, res.Omitted, res.OmittedAtLeast = e.truncate(vs, capped)
	// The verdict is complete, but the caller's time is up: say so, with the violations kept.
	if err := ctx.Err(); err != nil {
		return res, &Error{Kind: KindDeadline, TypeName: in.TypeName, Template: tpl.Key, Err: err}
	}
	return res, nil
}

// collectLimit is how many violations the validator is asked for: the kept ones plus enough to
// count what is left out. 0 means no limit.
func (e *Engine) collectLimit() int {
	if e.maxViolations < 1 {
		return 0
	}
	return e.maxViolations + countLimit
}

// truncate keeps at most maxViolations violations and counts the rest. The kept ones include at
// least one of each kind present (unverifiable or not), so the knob that decides a kind never
// loses its violation to the cut.
func (e *Engine) truncate(vs []verdict.Violation, capped bool) (kept []verdict.Violation, omitted int, atLeast bool) {
	n := e.maxViolations
	if n < 1 || len(vs) <= n {
		return vs, 0, false
	}
	kept = slices.Clone(vs[:n])
	for _, kind := range []bool{false, true} {
		isKind := func(v verdict.Violation) bool { return v.Unverifiable == kind }
		if slices.ContainsFunc(kept, isKind) {
			continue
		}
		if i := slices.IndexFunc(vs[n:], isKind); i >= 0 {
			// kept holds only the other kind, so the last one can give way.
			kept[n-1] = vs[n+i]
		}
	}
	return kept, len(vs) - n, capped
}

// shadow reads x-rcfge.mode: "enforce" (the default) or "shadow". Anything else is an invalid
// template: a misspelt mode must not silently enforce or silently stop enforcing.
func shadow(s *schema.Schema) (bool, error) {
	x := s.Extension()
	raw, present := x["mode"]
	if !present {
		return false, nil
	}
	switch raw {
	case "enforce":
		return false, nil
	case "shadow":
		return true, nil
	}
	return false, fmt.Errorf("x-rcfge.mode %v: want \"enforce\" or \"shadow\"", jsonText(raw))
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Has reports whether the type has a template (is approved) for the account.
func (e *Engine) Has(ctx context.Context, typeName, accountID string) (bool, error) {
	_, err := e.store.Get(ctx, typeName, accountID)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, store.ErrNotFound) {
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
func (e *Engine) schemaFor(tpl store.Template, in Input) (compiled, bool, error) {
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
		t, err := placeholder.Prepare(doc)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(tpl.Body)
		w := int64(len(tpl.Body))*preparedFactor + preparedOverhead
		return &prepared{tpl: t, names: t.Names(), digest: hex.EncodeToString(sum[:]), weight: w}, nil
	})
	if err != nil {
		return compiled{}, false, invalid(err)
	}
	// The key is the content digest plus only the values actually substituted: a template without
	// $<accountID> is shared by every account, one with it never is.
	key := append(buf[:0], p.digest...)
	for _, n := range p.names {
		v, err := e.value(n, in)
		if err != nil {
			return compiled{}, false, invalid(err)
		}
		key = append(key, 0)
		key = append(key, n...)
		key = append(key, '=')
		key = v.AppendKey(key)
	}
	c, hit, err := e.compiled.DoBytes(key, func() (compiled, error) {
		vars := make(placeholder.Vars, len(p.names))
		for _, n := range p.names {
			vars[n], _ = e.value(n, in)
		}
		filled, err := p.tpl.Fill(vars)
		if err != nil {
			return compiled{}, err
		}
		s, err := schema.Compile(tpl.Key, filled)
		if err != nil {
			return compiled{}, err
		}
		c := compiled{schema: s, weight: compiledWeight(len(tpl.Body)), denyDelete: onDelete(s) == "deny"}
		c.shadow, c.modeErr = shadow(s)
		return c, nil
	})
	if err != nil {
		return compiled{}, false, invalid(err)
	}
	return c, hit, nil
}

// compiledWeight estimates a compiled schema's heap bytes from its template's size.
func compiledWeight(body int) int64 { return int64(body)*compiledFactor + compiledOverhead }

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
		return partition.Of(c.Region)
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

// options sorts the values the validator cannot see: intrinsic unknowns, and dynamic references
// (found in the properties, given by the caller, or an unknown that is in fact a reference).
// Every one of them is reported as unverified.
func options(typeName string, props any, unknown, refs []verdict.Unverified) (schema.Options, []verdict.Unverified) {
	opts := schema.Options{TypeName: typeName}
	var unverified []verdict.Unverified
	refs = slices.Clip(refs) // appending must never write into the caller's array
	for _, u := range unknown {
		if v, ok := jsonptr.Lookup(props, u.Path); ok {
			if s, isStr := v.(string); isStr {
				if svc, isRef := DynamicReference(s); isRef {
					refs = append(refs, verdict.Unverified{Path: u.Path, Reason: refReason(svc)})
					continue
				}
			}
		}
		opts.Unknown = append(opts.Unknown, u.Path)
		unverified = append(unverified, u)
	}
	for _, r := range refs {
		opts.References = append(opts.References, r.Path)
		unverified = append(unverified, r)
	}
	if hasDynamicRef(props) {
		walkRefs(props, "", func(path, svc string) {
			if !slices.Contains(opts.References, path) {
				opts.References = append(opts.References, path)
				unverified = append(unverified, verdict.Unverified{Path: path, Reason: refReason(svc)})
			}
		})
	}
	return opts, unverified
}

func refReason(svc string) string {
	return "dynamic reference to " + svc + " is resolved only at deployment"
}

func walkRefs(v any, path string, found func(path, svc string)) {
	switch t := v.(type) {
	case string:
		if svc, ok := DynamicReference(t); ok {
			found(path, svc)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			walkRefs(t[k], jsonptr.Append(path, k), found)
		}
	case []any:
		for i, c := range t {
			walkRefs(c, jsonptr.AppendIndex(path, i), found)
		}
	}
}

// CloudFormation's dynamic references that reach a hook unresolved, as its documentation writes
// them. secretsmanager: {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}
// where secret-id is a name or an ARN (which holds colons) and the later segments are optional and
// colon-free. ssm-secure: {{resolve:ssm-secure:parameter-name:version}}, version optional. Plain
// {{resolve:ssm:...}} is resolved before the hook runs, so a hook that sees one sees a literal.
// ident.SecretsManagerReference and ident.SSMSecureReference give the exact grammar.

// DynamicReference reports whether s, as a whole, is a Secrets Manager or SSM SecureString
// dynamic reference, and which. A string that merely contains one is a literal.
func DynamicReference(s string) (service string, ok bool) {
	// The prefix is the one ValidateUnreferenced scans for: a string without it is no reference.
	if !strings.HasPrefix(s, schema.ReferencePrefix) {
		return "", false
	}
	switch {
	case ident.SecretsManagerReference(s):
		return "secretsmanager", true
	case ident.SSMSecureReference(s):
		return "ssm-secure", true
	}
	return "", false
}

// hasDynamicRef is the allocation-free check that keeps the common case cheap.
func hasDynamicRef(v any) bool {
	switch t := v.(type) {
	case string:
		_, ok := DynamicReference(t)
		return ok
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
