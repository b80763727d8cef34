package cfntemplate

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/partition"
	"github.com/rcfge/rcfge/hook/verdict"
)

// unknown is a value CloudFormation knows only at deployment. It is a Go pointer type, not a
// string, so no template can forge one.
type unknown struct{ reason string }

// noValueT is AWS::NoValue: the key or list element holding it is removed.
type noValueT struct{}

var noValue = &noValueT{}

// tri is a condition's value as far as it can be decided before deployment.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// evaluator resolves intrinsic functions the way CloudFormation does, over decoded template
// values, lazily: Fn::If evaluates only the branch it takes, so an error in a branch
// CloudFormation never takes is never reported.
type evaluator struct {
	opts       Options
	params     map[string]any // each parameter as CloudFormation sees it: a string, a list of strings, or *unknown
	conditions map[string]any
	mappings   map[string]any
	resources  map[string]any
	// assume fixes conditions that cannot be decided, for one variant of a resource.
	assume map[string]bool
	// visiting guards against conditions that refer to each other in a loop.
	visiting map[string]bool
	// findings are failures CloudFormation meets only when it creates the resource being
	// evaluated (a mapping without the key, an index out of range).
	findings []verdict.Violation
	path     string // JSON Pointer of the value being evaluated, for findings
	depth    int
	// steps counts evaluation work across the whole template; see maxSteps.
	steps int
	// memo holds decided conditions for the current assumptions (reset when they change), so a
	// lattice of conditions referring to each other is evaluated once, not once per path.
	memo map[string]condResult
}

type condResult struct {
	t   tri
	why string
}

// maxSteps bounds the work one template may cause (values evaluated, conditions, loop outputs):
// a hostile template of a few kilobytes must not keep the CLI busy for minutes. The largest real
// template measured (TestRealCorpus) takes about 1,000.
const maxSteps = 500_000

// step counts one unit of work and fails once the budget is spent.
func (e *evaluator) step() error {
	e.steps++
	if e.steps > maxSteps {
		return fmt.Errorf("%w: the template needs more than %d evaluation steps", ErrUnsupported, maxSteps)
	}
	return nil
}

// setAssume fixes the undecided conditions for what follows and forgets decisions made under
// other assumptions.
func (e *evaluator) setAssume(a map[string]bool) {
	e.assume = a
	e.memo = nil
}

// maxEvalDepth bounds recursion through nested functions, beyond the YAML nesting bound.
const maxEvalDepth = 512

func intrinsicErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrIntrinsic}, args...)...)
}

func newEvaluator(opts Options, doc map[string]any) (*evaluator, error) {
	e := &evaluator{opts: opts, visiting: map[string]bool{}}
	e.conditions, _ = doc["Conditions"].(map[string]any)
	e.mappings, _ = doc["Mappings"].(map[string]any)
	e.resources, _ = doc["Resources"].(map[string]any)
	declared, _ := doc["Parameters"].(map[string]any)
	e.params = make(map[string]any, len(declared))
	for _, name := range slices.Sorted(maps.Keys(declared)) {
		v, err := parameterValue(name, declared[name], opts.Parameters)
		if err != nil {
			return nil, err
		}
		e.params[name] = v
	}
	return e, nil
}

// parameterValue is a parameter as CloudFormation passes it to the template: always a string (a
// YAML `Default: 0` is "0"), a list of strings for CommaDelimitedList and List<...>, unknown for
// SSM parameter types (resolved at deployment) and for a parameter with neither a default nor a
// given value.
func parameterValue(name string, decl any, given map[string]string) (any, error) {
	p, ok := decl.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: parameter %s is %s, not an object", ErrNotTemplate, name, kindOf(decl))
	}
	typ, _ := p["Type"].(string)
	if strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<") {
		return &unknown{"Ref " + name + " (SSM parameter, resolved at deployment)"}, nil
	}
	var s string
	if v, ok := given[name]; ok {
		s = v
	} else {
		def, ok := p["Default"]
		if !ok || def == nil {
			return &unknown{"Ref " + name + " (parameter without a value)"}, nil
		}
		switch d := def.(type) {
		case []any: // a list written as a YAML list: CloudFormation wants the comma-separated string
			parts := make([]string, len(d))
			for i, x := range d {
				if parts[i], ok = scalarString(x); !ok {
					return nil, fmt.Errorf("%w: parameter %s: Default lists %s", ErrNotTemplate, name, kindOf(x))
				}
			}
			s = strings.Join(parts, ",")
		default:
			if s, ok = scalarString(def); !ok {
				return nil, fmt.Errorf("%w: parameter %s: Default is %s, not a string", ErrNotTemplate, name, kindOf(def))
			}
		}
	}
	if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
		parts := strings.Split(s, ",")
		list := make([]any, len(parts))
		for i, p := range parts {
			list[i] = strings.TrimSpace(p)
		}
		return list, nil
	}
	return s, nil
}

// scalarString formats a scalar the way CloudFormation turns it into a string.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// intrinsic reports whether m is a function call: an object with exactly one key, Ref or Fn::*.
func intrinsic(m map[string]any) (string, any, bool) {
	if len(m) != 1 {
		return "", nil, false
	}
	for k, v := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, v, true
		}
	}
	return "", nil, false
}

// eval resolves every function inside v and returns a new value: *unknown where the value is
// known only at deployment, noValue for AWS::NoValue; objects and lists drop noValue members.
func (e *evaluator) eval(v any, path string) (any, error) {
	if e.depth > maxEvalDepth {
		return nil, intrinsicErr("functions nested deeper than %d levels", maxEvalDepth)
	}
	if err := e.step(); err != nil {
		return nil, err
	}
	e.depth++
	defer func() { e.depth-- }()
	switch x := v.(type) {
	case map[string]any:
		if name, arg, ok := intrinsic(x); ok {
			saved := e.path
			e.path = path
			defer func() { e.path = saved }()
			return e.call(name, arg)
		}
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			r, err := e.eval(x[k], jsonptr.Append(path, k))
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, el := range x {
			r, err := e.eval(el, jsonptr.AppendIndex(path, len(out)))
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

// finding records a failure CloudFormation meets only when it creates this resource, and
// returns the unknown value that stands for the result.
func (e *evaluator) finding(format string, args ...any) *unknown {
	msg := fmt.Sprintf(format, args...)
	e.findings = append(e.findings, verdict.Violation{
		Path: e.path, Keyword: RuleIntrinsic, SchemaLocation: "", Message: msg + " (CloudFormation fails when it creates this resource)",
	})
	return &unknown{msg}
}

func (e *evaluator) call(name string, arg any) (any, error) {
	switch name {
	case "Ref":
		return e.ref(arg)
	case "Fn::GetAtt":
		return e.getAtt(arg)
	case "Fn::ImportValue":
		v, err := e.eval(arg, e.path)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			return &unknown{"Fn::ImportValue " + s}, nil
		}
		return &unknown{"Fn::ImportValue"}, nil
	case "Fn::Sub":
		return e.sub(arg)
	case "Fn::Join":
		return e.join(arg)
	case "Fn::Select":
		return e.selectFn(arg)
	case "Fn::Split":
		return e.split(arg)
	case "Fn::FindInMap":
		return e.findInMap(arg)
	case "Fn::Base64":
		v, err := e.eval(arg, e.path)
		if err != nil {
			return nil, err
		}
		if u, ok := v.(*unknown); ok {
			return u, nil
		}
		s, ok := scalarString(v)
		if !ok {
			return nil, intrinsicErr("Fn::Base64 takes a string, not %s", kindOf(v))
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "Fn::GetAZs", "Fn::Cidr":
		if _, err := e.eval(arg, e.path); err != nil {
			return nil, err
		}
		return &unknown{name}, nil
	case "Fn::Transform":
		return &unknown{"Fn::Transform (a macro's output is known only at deployment)"}, nil
	case "Fn::If":
		return e.ifFn(arg)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		t, why, err := e.condExpr(map[string]any{name: arg})
		if err != nil {
			return nil, err
		}
		if t == triUnknown {
			return &unknown{why}, nil
		}
		return t == triTrue, nil
	case "Fn::ToJsonString":
		v, err := e.eval(arg, e.path)
		if err != nil {
			return nil, err
		}
		if u := firstUnknown(v); u != nil {
			return u, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, intrinsicErr("Fn::ToJsonString: %v", err)
		}
		return string(b), nil
	case "Fn::Length":
		v, err := e.eval(arg, e.path)
		if err != nil {
			return nil, err
		}
		switch l := v.(type) {
		case *unknown:
			return l, nil
		case []any:
			if u := firstUnknownShallow(l); u != nil {
				// An unknown item may be a list that CloudFormation would flatten; the length
				// is known only if every item is.
				return u, nil
			}
			return json.Number(strconv.Itoa(len(l))), nil
		}
		return nil, intrinsicErr("Fn::Length takes a list, not %s", kindOf(v))
	}
	// Fn::Rain::*, Fn::GetStackSetId and other names CloudFormation does not define: a
	// preprocessor's business, so the value is unknown here rather than an abort.
	return &unknown{name + " is not a CloudFormation intrinsic function (a preprocessor resolves it)"}, nil
}

func firstUnknownShallow(l []any) *unknown {
	for _, x := range l {
		if u, ok := x.(*unknown); ok {
			return u
		}
	}
	return nil
}

// firstUnknown finds an unknown anywhere inside v, in a stable order.
func firstUnknown(v any) *unknown {
	switch x := v.(type) {
	case *unknown:
		return x
	case []any:
		for _, el := range x {
			if u := firstUnknown(el); u != nil {
				return u
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if u := firstUnknown(x[k]); u != nil {
				return u
			}
		}
	}
	return nil
}

func (e *evaluator) ref(arg any) (any, error) {
	name, ok := arg.(string)
	if !ok {
		// AWS::LanguageExtensions lets Ref take a function that returns the name.
		m, isMap := arg.(map[string]any)
		if _, _, isFn := intrinsic(m); !isMap || !isFn {
			return nil, intrinsicErr("Ref takes a name, not %s", kindOf(arg))
		}
		v, err := e.eval(arg, e.path)
		if err != nil {
			return nil, err
		}
		if u, ok := v.(*unknown); ok {
			return u, nil
		}
		if name, ok = v.(string); !ok {
			return nil, intrinsicErr("Ref takes a name, not %s", kindOf(v))
		}
	}
	return e.refName(name)
}

func (e *evaluator) refName(name string) (any, error) {
	pseudo := func(v, flag string) any {
		if v == "" {
			return &unknown{"Ref " + name + " (no " + flag + " given)"}
		}
		return v
	}
	o := e.opts
	switch name {
	case "AWS::AccountId":
		return pseudo(o.AccountID, "account"), nil
	case "AWS::Region":
		return pseudo(o.Region, "region"), nil
	case "AWS::Partition":
		return pseudo(partitionID(o), "partition or region"), nil
	case "AWS::URLSuffix":
		return pseudo(urlSuffix(o), "partition or region"), nil
	case "AWS::StackName":
		return pseudo(o.StackName, "stack name"), nil
	case "AWS::StackId":
		return pseudo(o.StackID, "stack ID"), nil
	case "AWS::NotificationARNs":
		return &unknown{"Ref AWS::NotificationARNs"}, nil
	case "AWS::NoValue":
		return noValue, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, intrinsicErr("Ref to unknown pseudo parameter %s", name)
	}
	if p, ok := e.params[name]; ok {
		if l, ok := p.([]any); ok {
			return slices.Clone(l), nil
		}
		return p, nil
	}
	if _, ok := e.resources[name]; ok {
		return &unknown{"Ref " + name + " (resource)"}, nil
	}
	return nil, intrinsicErr("Ref to undefined %s", name)
}

func partitionID(o Options) string {
	if o.Partition != "" {
		return o.Partition
	}
	return partition.Of(o.Region)
}

func urlSuffix(o Options) string {
	if o.Partition != "" {
		p, _ := partition.ByID(o.Partition)
		return p.DNSSuffix
	}
	return partition.URLSuffix(o.Region)
}

func (e *evaluator) getAtt(arg any) (any, error) {
	var res, attr string
	switch x := arg.(type) {
	case string:
		res, attr, _ = strings.Cut(x, ".")
	case []any:
		if len(x) != 2 {
			return nil, intrinsicErr("Fn::GetAtt takes [resource, attribute], got %d items", len(x))
		}
		res, _ = x[0].(string)
		a, err := e.eval(x[1], e.path)
		if err != nil {
			return nil, err
		}
		if u, ok := a.(*unknown); ok {
			return u, nil
		}
		attr, _ = a.(string)
	}
	if res == "" || attr == "" {
		return nil, intrinsicErr("Fn::GetAtt takes [resource, attribute] or \"resource.attribute\"")
	}
	if _, ok := e.resources[res]; !ok {
		return nil, intrinsicErr("Fn::GetAtt to undefined resource %s", res)
	}
	return &unknown{"Fn::GetAtt " + res + "." + attr}, nil
}

// sub resolves ${Name}, ${Resource.Attribute} and ${!Literal} like CloudFormation; any variable
// that cannot be known makes the whole string unknown.
func (e *evaluator) sub(arg any) (any, error) {
	var tmpl string
	local := map[string]any{}
	if m, ok := arg.(map[string]any); ok {
		if _, _, isFn := intrinsic(m); isFn {
			v, err := e.eval(m, e.path)
			if err != nil {
				return nil, err
			}
			if u, ok := v.(*unknown); ok {
				return u, nil
			}
			arg = v
		}
	}
	switch x := arg.(type) {
	case string:
		tmpl = x
	case []any:
		if len(x) != 2 {
			return nil, intrinsicErr("Fn::Sub takes a string or [string, variables], got %d items", len(x))
		}
		s, ok1 := x[0].(string)
		m, ok2 := x[1].(map[string]any)
		if !ok1 || !ok2 {
			return nil, intrinsicErr("Fn::Sub takes [string, variables]")
		}
		tmpl = s
		for _, k := range slices.Sorted(maps.Keys(m)) {
			v, err := e.eval(m[k], e.path)
			if err != nil {
				return nil, err
			}
			local[k] = v
		}
	default:
		return nil, intrinsicErr("Fn::Sub takes a string or [string, variables], not %s", kindOf(arg))
	}
	var b strings.Builder
	var unk *unknown
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		rest := tmpl[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(tmpl[i:])
			break
		}
		name := rest[:j]
		tmpl = rest[j+1:]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + lit + "}")
			continue
		}
		var v any
		if lv, ok := local[name]; ok {
			v = lv
		} else if res, attr, dotted := strings.Cut(name, "."); dotted {
			if _, ok := e.resources[res]; !ok {
				return nil, intrinsicErr("Fn::Sub: ${%s} names no resource", name)
			}
			v = &unknown{"Fn::GetAtt " + res + "." + attr}
		} else {
			var err error
			if v, err = e.refName(name); err != nil {
				return nil, err
			}
		}
		switch x := v.(type) {
		case *unknown:
			if unk == nil {
				unk = x
			}
			continue
		case *noValueT:
			return nil, intrinsicErr("Fn::Sub: ${%s} is AWS::NoValue, which has no text", name)
		}
		s, ok := scalarString(v)
		if !ok {
			return nil, intrinsicErr("Fn::Sub: ${%s} is %s, not a string", name, kindOf(v))
		}
		b.WriteString(s)
	}
	if unk != nil {
		return unk, nil
	}
	return b.String(), nil
}

func (e *evaluator) join(arg any) (any, error) {
	x, ok := arg.([]any)
	if !ok || len(x) != 2 {
		return nil, intrinsicErr("Fn::Join takes [delimiter, list]")
	}
	d, err := e.eval(x[0], e.path)
	if err != nil {
		return nil, err
	}
	delim, ok := d.(string)
	if !ok {
		if u, isU := d.(*unknown); isU {
			return u, nil
		}
		return nil, intrinsicErr("Fn::Join delimiter is %s, not a string", kindOf(d))
	}
	lv, err := e.eval(x[1], e.path)
	if err != nil {
		return nil, err
	}
	if u, ok := lv.(*unknown); ok {
		return u, nil
	}
	list, ok := lv.([]any)
	if !ok {
		return nil, intrinsicErr("Fn::Join takes a list, not %s", kindOf(lv))
	}
	parts := make([]string, 0, len(list))
	var unk *unknown
	for _, el := range list {
		if u, ok := el.(*unknown); ok {
			if unk == nil {
				unk = u
			}
			continue
		}
		s, ok := scalarString(el)
		if !ok {
			return nil, intrinsicErr("Fn::Join item is %s, not a string", kindOf(el))
		}
		parts = append(parts, s)
	}
	if unk != nil {
		return unk, nil
	}
	return strings.Join(parts, delim), nil
}

func (e *evaluator) selectFn(arg any) (any, error) {
	x, ok := arg.([]any)
	if !ok || len(x) != 2 {
		return nil, intrinsicErr("Fn::Select takes [index, list]")
	}
	iv, err := e.eval(x[0], e.path)
	if err != nil {
		return nil, err
	}
	lv, err := e.eval(x[1], e.path)
	if err != nil {
		return nil, err
	}
	if u, ok := iv.(*unknown); ok {
		return u, nil
	}
	s, ok := scalarString(iv)
	if !ok || iv == true || iv == false {
		return nil, intrinsicErr("Fn::Select index is %s, not an integer", kindOf(iv))
	}
	idx, err := strconv.Atoi(s)
	if err != nil {
		return nil, intrinsicErr("Fn::Select index %q is not an integer", s)
	}
	if u, ok := lv.(*unknown); ok {
		return u, nil
	}
	list, ok := lv.([]any)
	if !ok {
		return nil, intrinsicErr("Fn::Select takes a list, not %s", kindOf(lv))
	}
	if idx < 0 {
		return nil, intrinsicErr("Fn::Select index %d out of range for %d items", idx, len(list))
	}
	if idx >= len(list) {
		return e.finding("Fn::Select index %d out of range for %d items", idx, len(list)), nil
	}
	return list[idx], nil
}

func (e *evaluator) split(arg any) (any, error) {
	x, ok := arg.([]any)
	if !ok || len(x) != 2 {
		return nil, intrinsicErr("Fn::Split takes [delimiter, string]")
	}
	delim, ok := x[0].(string)
	if !ok || delim == "" {
		return nil, intrinsicErr("Fn::Split delimiter must be a non-empty string")
	}
	sv, err := e.eval(x[1], e.path)
	if err != nil {
		return nil, err
	}
	if u, ok := sv.(*unknown); ok {
		return u, nil
	}
	s, ok := sv.(string)
	if !ok {
		return nil, intrinsicErr("Fn::Split source is %s, not a string", kindOf(sv))
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func (e *evaluator) findInMap(arg any) (any, error) {
	x, ok := arg.([]any)
	if !ok || len(x) < 3 || len(x) > 4 {
		return nil, intrinsicErr("Fn::FindInMap takes [map, top-level key, second-level key]")
	}
	keys := make([]string, 3)
	var unk *unknown
	for i := range 3 {
		v, err := e.eval(x[i], e.path)
		if err != nil {
			return nil, err
		}
		if u, ok := v.(*unknown); ok {
			if unk == nil {
				unk = u
			}
			continue
		}
		s, ok := scalarString(v)
		if !ok {
			return nil, intrinsicErr("Fn::FindInMap key is %s, not a string", kindOf(v))
		}
		keys[i] = s
	}
	var def any
	hasDefault := false
	if len(x) == 4 {
		d, ok := x[3].(map[string]any)
		if !ok {
			return nil, intrinsicErr("Fn::FindInMap fourth item is %s, not {DefaultValue: ...}", kindOf(x[3]))
		}
		def, hasDefault = d["DefaultValue"]
	}
	if unk != nil {
		return unk, nil
	}
	m, ok := e.mappings[keys[0]].(map[string]any)
	if !ok && !hasDefault {
		return nil, intrinsicErr("Fn::FindInMap: no mapping %s", keys[0])
	}
	top, _ := m[keys[1]].(map[string]any)
	if v, ok := top[keys[2]]; ok {
		return e.eval(v, e.path)
	}
	if hasDefault {
		return e.eval(def, e.path)
	}
	return e.finding("Fn::FindInMap: mapping %s has no %s/%s", keys[0], keys[1], keys[2]), nil
}

func (e *evaluator) ifFn(arg any) (any, error) {
	x, ok := arg.([]any)
	if !ok || len(x) != 3 {
		return nil, intrinsicErr("Fn::If takes [condition, value if true, value if false]")
	}
	name, ok := x[0].(string)
	if !ok {
		return nil, intrinsicErr("Fn::If condition is %s, not a condition name", kindOf(x[0]))
	}
	t, why, err := e.cond(name)
	if err != nil {
		return nil, err
	}
	switch t {
	case triTrue:
		return e.eval(x[1], e.path)
	case triFalse:
		return e.eval(x[2], e.path)
	}
	return &unknown{"Fn::If " + name + ": " + why}, nil
}

// cond evaluates a named condition under the current assumptions; for an undecided one it says
// why.
func (e *evaluator) cond(name string) (tri, string, error) {
	if v, ok := e.assume[name]; ok {
		if v {
			return triTrue, "", nil
		}
		return triFalse, "", nil
	}
	if r, ok := e.memo[name]; ok {
		return r.t, r.why, nil
	}
	if err := e.step(); err != nil {
		return triUnknown, "", err
	}
	expr, ok := e.conditions[name]
	if !ok {
		return triUnknown, "", intrinsicErr("condition %s is not defined", name)
	}
	if e.visiting[name] {
		return triUnknown, "", intrinsicErr("condition %s refers to itself through other conditions", name)
	}
	e.visiting[name] = true
	defer delete(e.visiting, name)
	t, why, err := e.condExpr(expr)
	if err != nil {
		return t, why, err
	}
	if t == triUnknown && !strings.HasPrefix(why, "condition ") {
		why = "condition " + name + " cannot be decided: " + why
	}
	if e.memo == nil {
		e.memo = map[string]condResult{}
	}
	e.memo[name] = condResult{t, why}
	return t, why, nil
}

// condExpr evaluates Fn::Equals, Fn::And, Fn::Or, Fn::Not and {Condition: name} in three values.
func (e *evaluator) condExpr(v any) (tri, string, error) {
	switch c := v.(type) {
	case bool:
		if c {
			return triTrue, "", nil
		}
		return triFalse, "", nil
	case string: // a bare condition name, as some tools write !Condition
		return e.cond(c)
	case map[string]any:
		if len(c) != 1 {
			break
		}
		for name, arg := range c {
			switch name {
			case "Condition":
				n, ok := arg.(string)
				if !ok {
					return triUnknown, "", intrinsicErr("Condition takes a name, not %s", kindOf(arg))
				}
				return e.cond(n)
			case "Fn::Equals":
				return e.equals(arg)
			case "Fn::And", "Fn::Or":
				return e.logic(name, arg)
			case "Fn::Not":
				x, ok := arg.([]any)
				if !ok || len(x) != 1 {
					return triUnknown, "", intrinsicErr("Fn::Not takes [condition]")
				}
				t, why, err := e.condExpr(x[0])
				switch t {
				case triTrue:
					t = triFalse
				case triFalse:
					t = triTrue
				}
				return t, why, err
			}
		}
	}
	return triUnknown, "", intrinsicErr("condition operand is %s, not a condition", kindOf(v))
}

func (e *evaluator) equals(arg any) (tri, string, error) {
	x, ok := arg.([]any)
	if !ok || len(x) != 2 {
		return triUnknown, "", intrinsicErr("Fn::Equals takes [value, value]")
	}
	var vals [2]any
	for i := range x {
		v, err := e.eval(x[i], e.path)
		if err != nil {
			return triUnknown, "", err
		}
		if u := firstUnknown(v); u != nil {
			return triUnknown, u.reason, nil
		}
		vals[i] = canonical(v)
	}
	if reflect.DeepEqual(vals[0], vals[1]) {
		return triTrue, "", nil
	}
	return triFalse, "", nil
}

// canonical turns every scalar into its string, as CloudFormation compares them.
func canonical(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = canonical(el)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[k] = canonical(el)
		}
		return out
	}
	if s, ok := scalarString(v); ok {
		return s
	}
	return v
}

// logic evaluates Fn::And (false decides) and Fn::Or (true decides); an undecided operand
// leaves the result undecided only when no other operand decides it.
func (e *evaluator) logic(name string, arg any) (tri, string, error) {
	x, ok := arg.([]any)
	if !ok || len(x) < 2 || len(x) > 10 {
		return triUnknown, "", intrinsicErr("%s takes 2 to 10 conditions", name)
	}
	decisive := triFalse
	if name == "Fn::Or" {
		decisive = triTrue
	}
	undecided := ""
	for _, op := range x {
		t, why, err := e.condExpr(op)
		if err != nil {
			return triUnknown, "", err
		}
		switch {
		case t == decisive:
			return decisive, "", nil
		case t == triUnknown && undecided == "":
			undecided = why
		}
	}
	if undecided != "" {
		return triUnknown, undecided, nil
	}
	return 1 - decisive, "", nil
}

// extract turns an evaluated value into data: an unknown becomes null plus an Unverified entry
// at its JSON Pointer. A plain SSM dynamic reference is resolved by CloudFormation before the
// hook runs, so the hook checks it; before deployment it is unknown. Secrets Manager and
// SSM SecureString references stay as written: the engine handles them exactly as in the hook.
func extract(v any, ptr string, out *[]verdict.Unverified) any {
	switch x := v.(type) {
	case *unknown:
		*out = append(*out, verdict.Unverified{Path: ptr, Reason: x.reason})
		return nil
	case string:
		if strings.Contains(x, "{{resolve:ssm:") {
			*out = append(*out, verdict.Unverified{Path: ptr, Reason: "dynamic reference to ssm is resolved at deployment"})
			return nil
		}
		return x
	case map[string]any:
		m := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			m[k] = extract(x[k], jsonptr.Append(ptr, k), out)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, el := range x {
			l[i] = extract(el, jsonptr.AppendIndex(ptr, i), out)
		}
		return l
	}
	return v
}

// ifConditions lists the conditions every Fn::If inside v names, sorted, without duplicates.
func ifConditions(v any, acc map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if name, arg, ok := intrinsic(x); ok && name == "Fn::If" {
			if l, ok := arg.([]any); ok && len(l) == 3 {
				if c, ok := l[0].(string); ok {
					acc[c] = true
				}
			}
		}
		for _, el := range x {
			ifConditions(el, acc)
		}
	case []any:
		for _, el := range x {
			ifConditions(el, acc)
		}
	}
}
