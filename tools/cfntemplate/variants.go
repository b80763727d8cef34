package cfntemplate

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/verdict"
)

// RuleIntrinsic is the rule of a finding CloudFormation would meet while resolving the
// resource's intrinsic functions (a mapping without the key, an index out of range).
const RuleIntrinsic = "intrinsic"

// Variant is the resource's properties under one assignment of the conditions that cannot be
// decided before deployment.
type Variant struct {
	// Assumption names the assignment, e.g. "if HasPort and not UseTLS"; empty when none.
	Assumption string               `json:"assumption,omitempty"`
	Properties any                  `json:"properties,omitempty"`
	Unknown    []verdict.Unverified `json:"unknown,omitempty"`
	// Findings are failures CloudFormation meets only when it creates the resource this way.
	Findings []verdict.Violation `json:"findings,omitempty"`
}

// maxEnumerated bounds the undecidable conditions whose assignments are enumerated for one
// resource (2^6 = 64 variants). Beyond it each one is tried alone, the others left unknown:
// 1 + 2n variants, which still checks every branch but not every combination.
const maxEnumerated = 6

// resource evaluates one resource: skipped when its condition is false, otherwise its properties
// once when every condition it uses is decided, or once per assignment of the undecided ones.
func (e *evaluator) resource(id string, raw map[string]any) (Resource, error) {
	res := Resource{LogicalID: id}
	res.Type, _ = raw["Type"].(string)
	base := map[string]bool{}
	var baseLabel []string
	if c, ok := raw["Condition"]; ok {
		name, ok := c.(string)
		if !ok {
			return res, fmt.Errorf("%w: %s: Condition is %s, not a condition name", ErrResource, id, kindOf(c))
		}
		res.Condition = name
		e.setAssume(nil)
		t, _, err := e.cond(name)
		if err != nil {
			return res, err
		}
		switch t {
		case triFalse:
			res.Skipped = true
			return res, nil
		case triUnknown:
			// The resource exists only if its condition holds: every variant assumes it does.
			base[name] = true
			baseLabel = []string{name}
		}
	}
	props := raw["Properties"]

	names := map[string]bool{}
	ifConditions(props, names)
	var undecided []string
	e.setAssume(base)
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if _, fixed := base[n]; fixed {
			continue
		}
		t, _, err := e.cond(n)
		if err != nil {
			return res, err
		}
		if t == triUnknown {
			undecided = append(undecided, n)
		}
	}

	primary, err := e.variant(res.Type, props, base, baseLabel)
	if err != nil {
		return res, fmt.Errorf("%s: %w", id, err)
	}
	res.Properties, res.Unknown, res.Findings, res.Assumption = primary.Properties, primary.Unknown, primary.Findings, primary.Assumption
	if len(undecided) == 0 {
		return res, nil
	}

	var assignments []map[string]bool
	if len(undecided) <= maxEnumerated {
		for mask := 0; mask < 1<<len(undecided); mask++ {
			a := maps.Clone(base)
			for i, n := range undecided {
				a[n] = mask&(1<<i) != 0
			}
			assignments = append(assignments, a)
		}
	} else {
		// Too many to combine: the primary variant (all unknown) plus each condition alone.
		res.Variants = append(res.Variants, primary)
		for _, n := range undecided {
			for _, b := range []bool{true, false} {
				a := maps.Clone(base)
				a[n] = b
				assignments = append(assignments, a)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range assignments {
		if !e.consistent(a) {
			continue
		}
		var label []string
		for _, n := range slices.Sorted(maps.Keys(a)) {
			if a[n] {
				label = append(label, n)
			} else {
				label = append(label, "not "+n)
			}
		}
		v, err := e.variant(res.Type, props, a, label)
		if err != nil {
			return res, fmt.Errorf("%s (%s): %w", id, v.Assumption, err)
		}
		// Branches that do not reach the properties give the same variant more than once.
		key, _ := json.Marshal([]any{v.Properties, v.Unknown, v.Findings})
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		res.Variants = append(res.Variants, v)
	}
	return res, nil
}

// consistent reports whether no assumed condition contradicts what the others decide for it
// (HasX assumed true makes NoX = !Not [{Condition: HasX}] false). An assumed-true
// Fn::Equals [!Ref P, literal] on a parameter without a value binds P to the literal for the
// check, so IsProd and IsDev (Env = prod, Env = dev) are never both assumed true.
func (e *evaluator) consistent(a map[string]bool) bool {
	bound := map[string]string{}
	for _, n := range slices.Sorted(maps.Keys(a)) {
		if !a[n] {
			continue
		}
		p, lit, ok := e.equalsParam(n)
		if !ok {
			continue
		}
		if prev, dup := bound[p]; dup && prev != lit {
			return false
		}
		bound[p] = lit
	}
	saved := map[string]any{}
	for p, lit := range bound {
		saved[p] = e.params[p]
		e.params[p] = lit
	}
	defer func() {
		for p, v := range saved {
			e.params[p] = v
		}
		e.memo = nil
	}()
	for n, want := range a {
		others := maps.Clone(a)
		delete(others, n)
		e.setAssume(others)
		t, _, err := e.cond(n)
		if err == nil && t != triUnknown && (t == triTrue) != want {
			return false
		}
	}
	return true
}

// equalsParam recognises a condition that is Fn::Equals of a parameter without a known value and
// a literal, in either order.
func (e *evaluator) equalsParam(name string) (string, string, bool) {
	m, _ := e.conditions[name].(map[string]any)
	fn, arg, ok := intrinsic(m)
	x, isList := arg.([]any)
	if !ok || fn != "Fn::Equals" || !isList || len(x) != 2 {
		return "", "", false
	}
	for i := range 2 {
		ref, _ := x[i].(map[string]any)
		rn, rarg, isFn := intrinsic(ref)
		p, isStr := rarg.(string)
		if !isFn || rn != "Ref" || !isStr {
			continue
		}
		if _, unknownParam := e.params[p].(*unknown); !unknownParam {
			continue
		}
		if lit, ok := scalarString(x[1-i]); ok {
			return p, lit, true
		}
	}
	return "", "", false
}

// variant evaluates the properties under one assignment.
func (e *evaluator) variant(typeName string, props any, assume map[string]bool, label []string) (Variant, error) {
	v := Variant{}
	if len(label) > 0 {
		v.Assumption = "if " + strings.Join(label, " and ")
	}
	if props == nil {
		return v, nil
	}
	e.setAssume(assume)
	e.findings = nil
	val, err := e.eval(props, "")
	if err != nil {
		return v, err
	}
	val = packaged(typeName, val)
	var unk []verdict.Unverified
	switch p := val.(type) {
	case *noValueT:
	case *unknown:
		// The whole Properties object is unknown (an undecided Fn::If): no name can be checked
		// here; the variants that decide it check them.
		v.Properties = map[string]any{}
		unk = append(unk, verdict.Unverified{Path: "", Reason: p.reason})
	case map[string]any:
		v.Properties = extract(p, "", &unk)
	default:
		return v, fmt.Errorf("%w: Properties resolves to %s, not an object", ErrResource, kindOf(p))
	}
	v.Unknown, v.Findings = unk, e.findings
	e.findings = nil
	return v, nil
}

// artifactProperties are the properties `aws cloudformation package` rewrites from a local path
// to an S3 location (AWS CLI reference, cloudformation package), by type, as JSON Pointers.
var artifactProperties = map[string][]string{
	"AWS::ApiGateway::RestApi":                  {"/BodyS3Location"},
	"AWS::Lambda::Function":                     {"/Code"},
	"AWS::Lambda::LayerVersion":                 {"/Content"},
	"AWS::Serverless::Function":                 {"/CodeUri"},
	"AWS::Serverless::LayerVersion":             {"/ContentUri"},
	"AWS::Serverless::Application":              {"/Location"},
	"AWS::Serverless::Api":                      {"/DefinitionUri"},
	"AWS::Serverless::StateMachine":             {"/DefinitionUri"},
	"AWS::AppSync::GraphQLSchema":               {"/DefinitionS3Location"},
	"AWS::AppSync::Resolver":                    {"/RequestMappingTemplateS3Location", "/ResponseMappingTemplateS3Location"},
	"AWS::AppSync::FunctionConfiguration":       {"/RequestMappingTemplateS3Location", "/ResponseMappingTemplateS3Location"},
	"AWS::ElasticBeanstalk::ApplicationVersion": {"/SourceBundle"},
	"AWS::CloudFormation::Stack":                {"/TemplateURL"},
	"AWS::Glue::Job":                            {"/Command/ScriptLocation"},
	"AWS::StepFunctions::StateMachine":          {"/DefinitionS3Location"},
	"AWS::CodeCommit::Repository":               {"/Code/S3"},
}

// packaged replaces a local path in an artifact property by an unknown value: `aws cloudformation
// package` uploads it and writes the S3 location before CloudFormation (or the hook) sees it.
func packaged(typeName string, v any) any {
	ptrs := artifactProperties[typeName]
	props, ok := v.(map[string]any)
	if !ok || len(ptrs) == 0 {
		return v
	}
	for _, ptr := range ptrs {
		toks, _ := jsonptr.Split(ptr)
		m := props
		for i, tok := range toks {
			val, ok := m[tok]
			if !ok {
				break
			}
			if i < len(toks)-1 {
				if m, ok = val.(map[string]any); !ok {
					break
				}
				continue
			}
			if s, ok := val.(string); ok && localPath(s) {
				m[tok] = &unknown{"packaged at deploy time: `aws cloudformation package` uploads " + s + " and writes its S3 location"}
			}
		}
	}
	return props
}

// localPath reports whether an artifact property names a local file rather than a location.
func localPath(s string) bool {
	if s == "" {
		return false
	}
	for _, scheme := range []string{"s3://", "https://", "http://"} {
		if strings.HasPrefix(strings.ToLower(s), scheme) {
			return false
		}
	}
	return true
}
