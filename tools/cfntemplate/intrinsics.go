package cfntemplate

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
)

// resolver replaces every goformation intrinsic handler. The defaults are unfit for validation:
// Ref returns fixed pseudo values, GetAtt and ImportValue return nil, Fn::Sub strips what it cannot
// resolve, and several index their arguments without checking them. A value that cannot be known
// before deployment becomes an unknown marker: a string carrying a per-parse random prefix, so
// no template can forge one, which every handler propagates and extract turns into a JSON Pointer.
type resolver struct {
	opts      Options
	prefix    string // "\x00rcfge-<nonce>:"; an unknown marker is prefix+reason
	noValue   string // the marker of AWS::NoValue: the key or list element is removed
	params    map[string]any
	resources map[string]any
	errs      []error
}

func newResolver(opts Options, doc map[string]any) (*resolver, error) {
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	if opts.Partition == "" {
		opts.Partition = engine.PartitionOf(opts.Region)
	}
	r := &resolver{
		opts:    opts,
		prefix:  "\x00rcfge-" + nonce + ":",
		noValue: "\x00rcfge-" + nonce + "!novalue",
	}
	// Ref reads parameters from here, so the overrides go here too: goformation's
	// ParameterOverrides only updates its own decoded copy of the template.
	declared, _ := doc["Parameters"].(map[string]any)
	r.params = make(map[string]any, len(declared))
	for name, p := range declared {
		v, ok := opts.Parameters[name]
		def, isMap := p.(map[string]any)
		if !ok || !isMap {
			r.params[name] = p
			continue
		}
		withValue := make(map[string]any, len(def)+1)
		for k, e := range def {
			withValue[k] = e
		}
		withValue["Default"] = v
		r.params[name] = withValue
	}
	r.resources, _ = doc["Resources"].(map[string]any)
	return r, nil
}

func urlSuffix(partition string) string {
	switch partition {
	case "":
		return ""
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	}
	return "amazonaws.com"
}

func (r *resolver) handlers() map[string]intrinsics.IntrinsicHandler {
	return map[string]intrinsics.IntrinsicHandler{
		"Ref":               r.ref,
		"Fn::GetAtt":        r.getAtt,
		"Fn::ImportValue":   r.importValue,
		"Fn::Sub":           r.sub,
		"Fn::Join":          r.join,
		"Fn::Select":        r.selectFn,
		"Fn::Split":         r.split,
		"Fn::FindInMap":     r.findInMap,
		"Fn::Base64":        r.base64,
		"Fn::GetAZs":        r.always("Fn::GetAZs"),
		"Fn::Cidr":          r.always("Fn::Cidr"),
		"Fn::Transform":     r.always("Fn::Transform"),
		"Fn::If":            r.ifFn,
		"Fn::Equals":        r.equals,
		"Fn::And":           r.and,
		"Fn::Or":            r.or,
		"Fn::Not":           r.not,
		"Fn::ToJsonString":  r.toJSONString,
		"Fn::Length":        r.length,
		"Fn::GetStackSetId": r.always("Fn::GetStackSetId"),
	}
}

// parameterOverrides hands --parameter values to goformation, which writes them over the defaults.
func (r *resolver) parameterOverrides() map[string]any {
	if len(r.opts.Parameters) == 0 {
		return nil
	}
	m := make(map[string]any, len(r.opts.Parameters))
	for k, v := range r.opts.Parameters {
		m[k] = v
	}
	return m
}

func (r *resolver) fail(format string, args ...any) any {
	r.errs = append(r.errs, fmt.Errorf("%w: "+format, append([]any{ErrIntrinsic}, args...)...))
	return nil
}

func (r *resolver) unknown(reason string) string { return r.prefix + reason }

// reasonOf reports whether v is an unknown marker, and why.
func (r *resolver) reasonOf(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(s, r.prefix)
}

// firstUnknown finds an unknown marker anywhere inside v.
func (r *resolver) firstUnknown(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return r.reasonOf(x)
	case []any:
		for _, e := range x {
			if why, ok := r.firstUnknown(e); ok {
				return why, true
			}
		}
	case map[string]any:
		keys := sortedKeys(x)
		for _, k := range keys {
			if why, ok := r.firstUnknown(x[k]); ok {
				return why, true
			}
		}
	}
	return "", false
}

func (r *resolver) always(name string) intrinsics.IntrinsicHandler {
	return func(string, any, any) any { return r.unknown(name) }
}

func (r *resolver) ref(_ string, input, _ any) any {
	name, ok := input.(string)
	if !ok {
		if why, ok := r.reasonOf(input); ok {
			return r.unknown(why)
		}
		return r.fail("Ref takes a name, not %s", kindOf(input))
	}
	return r.refName(name)
}

func (r *resolver) refName(name string) any {
	pseudo := func(v, flag string) any {
		if v == "" {
			return r.unknown("Ref " + name + " (no " + flag + " given)")
		}
		return v
	}
	switch name {
	case "AWS::AccountId":
		return pseudo(r.opts.AccountID, "account")
	case "AWS::Region":
		return pseudo(r.opts.Region, "region")
	case "AWS::Partition":
		return pseudo(r.opts.Partition, "partition or region")
	case "AWS::URLSuffix":
		return pseudo(urlSuffix(r.opts.Partition), "partition or region")
	case "AWS::StackName":
		return pseudo(r.opts.StackName, "stack name")
	case "AWS::StackId":
		return pseudo(r.opts.StackID, "stack ID")
	case "AWS::NotificationARNs":
		return r.unknown("Ref AWS::NotificationARNs")
	case "AWS::NoValue":
		return r.noValue
	}
	if strings.HasPrefix(name, "AWS::") {
		return r.fail("Ref to unknown pseudo parameter %s", name)
	}
	if p, ok := r.params[name]; ok {
		return r.paramValue(name, p)
	}
	if _, ok := r.resources[name]; ok {
		return r.unknown("Ref " + name + " (resource)")
	}
	return r.fail("Ref to undefined %s", name)
}

// paramValue is a parameter's value: the --parameter override goformation wrote into Default, or
// the Default itself; a list type splits it on commas as CloudFormation does.
func (r *resolver) paramValue(name string, p any) any {
	def, _ := p.(map[string]any)
	typ, _ := def["Type"].(string)
	if strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<") {
		return r.unknown("Ref " + name + " (SSM parameter, resolved at deployment)")
	}
	v, ok := def["Default"]
	if !ok || v == nil {
		return r.unknown("Ref " + name + " (parameter without a value)")
	}
	if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
		if s, ok := v.(string); ok {
			parts := strings.Split(s, ",")
			list := make([]any, len(parts))
			for i, p := range parts {
				list[i] = strings.TrimSpace(p)
			}
			return list
		}
	}
	return v
}

func (r *resolver) getAtt(_ string, input, _ any) any {
	var res, attr string
	switch x := input.(type) {
	case string:
		res, attr, _ = strings.Cut(x, ".")
	case []any:
		if len(x) != 2 {
			return r.fail("Fn::GetAtt takes [resource, attribute], got %d items", len(x))
		}
		res, _ = x[0].(string)
		if why, ok := r.reasonOf(x[1]); ok {
			return r.unknown(why)
		}
		attr, _ = x[1].(string)
	}
	if res == "" || attr == "" {
		return r.fail("Fn::GetAtt takes [resource, attribute] or \"resource.attribute\"")
	}
	if _, ok := r.resources[res]; !ok {
		return r.fail("Fn::GetAtt to undefined resource %s", res)
	}
	return r.unknown("Fn::GetAtt " + res + "." + attr)
}

func (r *resolver) importValue(_ string, input, _ any) any {
	if s, ok := input.(string); ok {
		if _, isMarker := r.reasonOf(s); !isMarker {
			return r.unknown("Fn::ImportValue " + s)
		}
	}
	return r.unknown("Fn::ImportValue")
}

// sub resolves ${Name}, ${Resource.Attribute} and ${!Literal} like CloudFormation; any variable
// that cannot be known makes the whole string unknown, rather than dropping it as goformation does.
func (r *resolver) sub(_ string, input, _ any) any {
	var tmpl string
	var local map[string]any
	switch x := input.(type) {
	case string:
		if why, ok := r.reasonOf(x); ok {
			return r.unknown(why)
		}
		tmpl = x
	case []any:
		if len(x) != 2 {
			return r.fail("Fn::Sub takes a string or [string, variables], got %d items", len(x))
		}
		s, ok1 := x[0].(string)
		m, ok2 := x[1].(map[string]any)
		if !ok1 || !ok2 {
			return r.fail("Fn::Sub takes [string, variables]")
		}
		tmpl, local = s, m
	default:
		return r.fail("Fn::Sub takes a string or [string, variables], not %s", kindOf(input))
	}
	var b strings.Builder
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
			if _, ok := r.resources[res]; !ok {
				return r.fail("Fn::Sub: ${%s} names no resource", name)
			}
			v = r.unknown("Fn::GetAtt " + res + "." + attr)
		} else {
			v = r.refName(name)
		}
		if why, ok := r.reasonOf(v); ok {
			return r.unknown(why)
		}
		if v == r.noValue {
			return r.fail("Fn::Sub: ${%s} is AWS::NoValue, which has no text", name)
		}
		s, ok := r.scalarString(v)
		if !ok {
			return r.fail("Fn::Sub: ${%s} is %s, not a string", name, kindOf(v))
		}
		b.WriteString(s)
	}
	return b.String()
}

// scalarString formats a scalar the way CloudFormation joins it into a string.
func (r *resolver) scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != r.noValue
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func (r *resolver) join(_ string, input, _ any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 2 {
		return r.fail("Fn::Join takes [delimiter, list]")
	}
	delim, ok := x[0].(string)
	if !ok {
		return r.fail("Fn::Join delimiter is %s, not a string", kindOf(x[0]))
	}
	if why, ok := r.firstUnknown(x[1]); ok {
		return r.unknown(why)
	}
	list, ok := x[1].([]any)
	if !ok {
		return r.fail("Fn::Join takes a list, not %s", kindOf(x[1]))
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		if e == r.noValue {
			continue
		}
		s, ok := r.scalarString(e)
		if !ok {
			return r.fail("Fn::Join item is %s, not a string", kindOf(e))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, delim)
}

func (r *resolver) selectFn(_ string, input, _ any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 2 {
		return r.fail("Fn::Select takes [index, list]")
	}
	if why, ok := r.reasonOf(x[0]); ok {
		return r.unknown(why)
	}
	if why, ok := r.reasonOf(x[1]); ok {
		return r.unknown(why)
	}
	var idx int
	switch i := x[0].(type) {
	case float64:
		if i != float64(int(i)) {
			return r.fail("Fn::Select index %v is not an integer", i)
		}
		idx = int(i)
	case string:
		n, err := strconv.Atoi(i)
		if err != nil {
			return r.fail("Fn::Select index %q is not an integer", i)
		}
		idx = n
	default:
		return r.fail("Fn::Select index is %s, not an integer", kindOf(x[0]))
	}
	list, ok := x[1].([]any)
	if !ok {
		return r.fail("Fn::Select takes a list, not %s", kindOf(x[1]))
	}
	if idx < 0 || idx >= len(list) {
		return r.fail("Fn::Select index %d out of range for %d items", idx, len(list))
	}
	return list[idx]
}

func (r *resolver) split(_ string, input, _ any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 2 {
		return r.fail("Fn::Split takes [delimiter, string]")
	}
	delim, ok := x[0].(string)
	if !ok || delim == "" {
		return r.fail("Fn::Split delimiter must be a non-empty string")
	}
	if why, ok := r.reasonOf(x[1]); ok {
		return r.unknown(why)
	}
	s, ok := x[1].(string)
	if !ok {
		return r.fail("Fn::Split source is %s, not a string", kindOf(x[1]))
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

func (r *resolver) findInMap(_ string, input, template any) any {
	x, ok := input.([]any)
	if !ok || len(x) < 3 || len(x) > 4 {
		return r.fail("Fn::FindInMap takes [map, top-level key, second-level key]")
	}
	keys := make([]string, 3)
	for i := range 3 {
		if why, ok := r.reasonOf(x[i]); ok {
			return r.unknown(why)
		}
		s, ok := r.scalarString(x[i])
		if !ok {
			return r.fail("Fn::FindInMap key is %s, not a string", kindOf(x[i]))
		}
		keys[i] = s
	}
	tmpl, _ := template.(map[string]any)
	mappings, _ := tmpl["Mappings"].(map[string]any)
	m, _ := mappings[keys[0]].(map[string]any)
	top, _ := m[keys[1]].(map[string]any)
	if v, ok := top[keys[2]]; ok {
		return v
	}
	if len(x) == 4 {
		if d, ok := x[3].(map[string]any); ok {
			if v, ok := d["DefaultValue"]; ok {
				return v
			}
		}
	}
	if m == nil {
		return r.fail("Fn::FindInMap: no mapping %s", keys[0])
	}
	return r.fail("Fn::FindInMap: mapping %s has no %s/%s", keys[0], keys[1], keys[2])
}

func (r *resolver) base64(_ string, input, _ any) any {
	if why, ok := r.reasonOf(input); ok {
		return r.unknown(why)
	}
	s, ok := input.(string)
	if !ok {
		return r.fail("Fn::Base64 takes a string, not %s", kindOf(input))
	}
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// condition looks up an evaluated condition: true/false, or an unknown marker.
func (r *resolver) condition(name string, template any) any {
	tmpl, _ := template.(map[string]any)
	conds, _ := tmpl["Conditions"].(map[string]any)
	v, ok := conds[name]
	if !ok {
		return r.fail("condition %s is not defined", name)
	}
	switch c := v.(type) {
	case bool:
		return c
	case string:
		if _, ok := r.reasonOf(c); ok {
			return c
		}
	}
	return r.unknown("condition " + name + " cannot be evaluated")
}

// condValue reads one operand of Fn::And/Or/Not: a boolean, {"Condition": name} left unevaluated
// by goformation, a bare condition name (the YAML !Condition tag), or an unknown marker.
func (r *resolver) condValue(v any, template any) any {
	switch c := v.(type) {
	case bool:
		return c
	case string:
		if _, ok := r.reasonOf(c); ok {
			return c
		}
		return r.condition(c, template)
	case map[string]any:
		if name, ok := c["Condition"].(string); ok && len(c) == 1 {
			return r.condition(name, template)
		}
	}
	return r.fail("condition operand is %s, not a condition", kindOf(v))
}

func (r *resolver) ifFn(_ string, input, template any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 3 {
		return r.fail("Fn::If takes [condition, value if true, value if false]")
	}
	name, ok := x[0].(string)
	if !ok {
		return r.fail("Fn::If condition is %s, not a condition name", kindOf(x[0]))
	}
	switch c := r.condition(name, template).(type) {
	case bool:
		if c {
			return x[1]
		}
		return x[2]
	case string:
		why, _ := r.reasonOf(c)
		return r.unknown("Fn::If " + name + ": " + why)
	}
	return nil
}

func (r *resolver) equals(_ string, input, _ any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 2 {
		return r.fail("Fn::Equals takes [value, value]")
	}
	for _, e := range x {
		if why, ok := r.firstUnknown(e); ok {
			return r.unknown(why)
		}
	}
	a, okA := r.scalarString(x[0])
	b, okB := r.scalarString(x[1])
	if okA && okB {
		return a == b
	}
	return reflect.DeepEqual(x[0], x[1])
}

// logic evaluates Fn::And (stop on false) and Fn::Or (stop on true); an unknown operand makes the
// result unknown only when no operand decides it.
func (r *resolver) logic(name string, input, template any, decisive bool) any {
	x, ok := input.([]any)
	if !ok || len(x) < 2 || len(x) > 10 {
		return r.fail("%s takes 2 to 10 conditions", name)
	}
	var unknownWhy string
	for _, e := range x {
		switch c := r.condValue(e, template).(type) {
		case bool:
			if c == decisive {
				return decisive
			}
		case string:
			if why, ok := r.reasonOf(c); ok && unknownWhy == "" {
				unknownWhy = why
			}
		default:
			return nil
		}
	}
	if unknownWhy != "" {
		return r.unknown(unknownWhy)
	}
	return !decisive
}

func (r *resolver) and(name string, input, template any) any {
	return r.logic(name, input, template, false)
}

func (r *resolver) or(name string, input, template any) any {
	return r.logic(name, input, template, true)
}

func (r *resolver) not(_ string, input, template any) any {
	x, ok := input.([]any)
	if !ok || len(x) != 1 {
		return r.fail("Fn::Not takes [condition]")
	}
	switch c := r.condValue(x[0], template).(type) {
	case bool:
		return !c
	case string:
		return c
	}
	return nil
}

func (r *resolver) toJSONString(_ string, input, _ any) any {
	if why, ok := r.firstUnknown(input); ok {
		return r.unknown(why)
	}
	b, err := json.Marshal(input)
	if err != nil {
		return r.fail("Fn::ToJsonString: %v", err)
	}
	return string(b)
}

func (r *resolver) length(_ string, input, _ any) any {
	if why, ok := r.reasonOf(input); ok {
		return r.unknown(why)
	}
	list, ok := input.([]any)
	if !ok {
		return r.fail("Fn::Length takes a list, not %s", kindOf(input))
	}
	return float64(len(list))
}

// removed is what extract returns for a value AWS::NoValue deletes.
type removed struct{}

// extract turns markers in resolved properties into data: unknown values become null plus an
// Unverified entry at their JSON Pointer; AWS::NoValue removes its key or list element.
func (r *resolver) extract(v any, ptr string) (any, []verdict.Unverified) {
	var unknown []verdict.Unverified
	out := r.walk(v, ptr, &unknown)
	if _, ok := out.(removed); ok {
		out = nil
	}
	return out, unknown
}

func (r *resolver) walk(v any, ptr string, unknown *[]verdict.Unverified) any {
	switch x := v.(type) {
	case string:
		if x == r.noValue {
			return removed{}
		}
		if why, ok := r.reasonOf(x); ok {
			*unknown = append(*unknown, verdict.Unverified{Path: ptr, Reason: why})
			return nil
		}
		// CloudFormation resolves a plain SSM dynamic reference before the hook runs, so the
		// engine checks it there; before deployment it is unknown. The engine itself handles the
		// references that stay unresolved even for the hook (secretsmanager, ssm-secure).
		if strings.Contains(x, "{{resolve:ssm:") {
			*unknown = append(*unknown, verdict.Unverified{Path: ptr, Reason: "dynamic reference to ssm is resolved at deployment"})
			return nil
		}
		return x
	case map[string]any:
		for _, k := range sortedKeys(x) {
			nv := r.walk(x[k], ptr+"/"+escapePointer(k), unknown)
			if _, gone := nv.(removed); gone {
				delete(x, k)
				continue
			}
			x[k] = nv
		}
		return x
	case []any:
		out := x[:0]
		for _, e := range x {
			nv := r.walk(e, ptr+"/"+strconv.Itoa(len(out)), unknown)
			if _, gone := nv.(removed); gone {
				continue
			}
			out = append(out, nv)
		}
		return out
	}
	return v
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
