package stacksets_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/awslabs/goformation/v7/intrinsics"
	"gopkg.in/yaml.v3"
)

// scenario is one way of deploying a template: parameter values over the defaults and the
// pseudo parameters CloudFormation would supply.
type scenario struct {
	Params    map[string]any
	AccountID string
	Region    string
}

// Fixed pseudo parameter values: tests compare policy strings against them.
const (
	testAccount   = "111122223333"
	testRegion    = "eu-west-1"
	testPartition = "aws"
	testOrgID     = "o-exampleorg1"
)

func (s scenario) account() string {
	if s.AccountID != "" {
		return s.AccountID
	}
	return testAccount
}

func (s scenario) region() string {
	if s.Region != "" {
		return s.Region
	}
	return testRegion
}

// template is a CloudFormation template in long form (short tags expanded), as decoded JSON.
type template struct {
	Path string
	Raw  map[string]any
}

// loadTemplate reads a YAML template and expands its short-form tags with goformation's tag
// processor (no intrinsic is evaluated). CloudFormation refuses YAML aliases, so they are
// refused here before yaml.v3 would silently expand them.
func loadTemplate(path string) (*template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if line := aliasLine(&node); line > 0 {
		return nil, fmt.Errorf("%s:%d: %w", path, line, errYAMLAlias)
	}
	if tag, line := unknownTag(&node); tag != "" {
		return nil, fmt.Errorf("%s:%d: %s: %w", path, line, tag, errShortForm)
	}
	// goformation's tag processor knows every short form but !Condition (used inside Fn::And,
	// Fn::Or and Fn::Not); expand it here so the evaluator sees {"Condition": name}.
	expandConditionTags(&node)
	if data, err = yaml.Marshal(&node); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	js, err := processYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := raw["Resources"].(map[string]any); !ok {
		return nil, fmt.Errorf("%s: %w", path, errNoResources)
	}
	return &template{Path: path, Raw: raw}, nil
}

// processYAMLMu serialises intrinsics.ProcessYAML: it re-registers its tag resolvers in a
// package-level map on every call, so parallel calls crash with a concurrent map write.
var processYAMLMu sync.Mutex

func processYAML(data []byte, opts *intrinsics.ProcessorOptions) ([]byte, error) {
	processYAMLMu.Lock()
	defer processYAMLMu.Unlock()
	return intrinsics.ProcessYAML(data, opts)
}

// shortForms are the short-form tags goformation's tag processor expands, plus !Condition,
// which loadTemplate expands itself. Any other tag would be dropped silently.
var shortForms = []string{"!Ref", "!GetAtt", "!Base64", "!FindInMap", "!GetAZs", "!ImportValue", "!Join", "!Select",
	"!Split", "!Sub", "!Equals", "!Cidr", "!And", "!If", "!Not", "!Or", "!Condition"}

func unknownTag(n *yaml.Node) (string, int) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") && !slices.Contains(shortForms, n.Tag) {
		return n.Tag, n.Line
	}
	for _, c := range n.Content {
		if tag, line := unknownTag(c); tag != "" {
			return tag, line
		}
	}
	return "", 0
}

var (
	errShortForm   = errors.New("short form this checker cannot read; write the function in long form (Fn::...)")
	errYAMLAlias   = errors.New("YAML anchors and aliases are not allowed in CloudFormation templates")
	errNoResources = errors.New("no Resources map")
)

func expandConditionTags(n *yaml.Node) {
	if n.Tag == "!Condition" && n.Kind == yaml.ScalarNode {
		name := *n
		name.Tag = "!!str"
		*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "Condition"}, &name,
		}}
		return
	}
	for _, c := range n.Content {
		expandConditionTags(c)
	}
}

func aliasLine(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n.Line
	}
	for _, c := range n.Content {
		if l := aliasLine(c); l > 0 {
			return l
		}
	}
	return 0
}

func (t *template) section(name string) map[string]any {
	m, _ := t.Raw[name].(map[string]any)
	return m
}

// parameter returns the declaration of a parameter, or nil.
func (t *template) parameter(name string) map[string]any {
	p, _ := t.section("Parameters")[name].(map[string]any)
	return p
}

// resolved is a template evaluated for one scenario: resources whose condition is false are
// gone, AWS::NoValue is removed, Ref/Sub/Join/Split/Select/If are evaluated. A reference to a
// resource or an attribute stays visible as "{{Ref:X}}" / "{{GetAtt:X.Y}}" so tests can check
// what points where.
type resolved struct {
	Resources map[string]resource
}

type resource struct {
	Type       string
	Properties map[string]any
}

// ofType returns the logical IDs of the resources of a type, sorted.
func (r *resolved) ofType(typ string) []string {
	var ids []string
	for id, res := range r.Resources {
		if res.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

type evaluator struct {
	t          *template
	sc         scenario
	conditions map[string]bool
	evaluating map[string]bool
}

// resolve evaluates t for sc.
func (t *template) resolve(sc scenario) (*resolved, error) {
	e := &evaluator{t: t, sc: sc, conditions: map[string]bool{}, evaluating: map[string]bool{}}
	for name := range sc.Params {
		if t.parameter(name) == nil {
			return nil, fmt.Errorf("%s: scenario sets unknown parameter %s", t.Path, name)
		}
	}
	out := &resolved{Resources: map[string]resource{}}
	for id, v := range t.section("Resources") {
		def, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: resource %s is not a map", t.Path, id)
		}
		if c, ok := def["Condition"].(string); ok {
			on, err := e.condition(c)
			if err != nil {
				return nil, fmt.Errorf("%s: resource %s: %w", t.Path, id, err)
			}
			if !on {
				continue
			}
		}
		typ, _ := def["Type"].(string)
		props := map[string]any{}
		if p, ok := def["Properties"]; ok {
			v, err := e.eval(p)
			if err != nil {
				return nil, fmt.Errorf("%s: resource %s: %w", t.Path, id, err)
			}
			props, ok = v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: resource %s: Properties is not a map", t.Path, id)
			}
		}
		out.Resources[id] = resource{Type: typ, Properties: props}
	}
	return out, nil
}

// ruleFunctions are the only functions CloudFormation evaluates in Rules (besides Ref).
var ruleFunctions = []string{"Fn::And", "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::Equals",
	"Fn::Not", "Fn::Or", "Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll"}

// ruleProblems evaluates the template's Rules for sc: an assertion that does not hold, or a
// function Rules cannot use, is a problem.
func (t *template) ruleProblems(sc scenario) []string {
	var problems []string
	e := &evaluator{t: t, sc: sc, conditions: map[string]bool{}, evaluating: map[string]bool{}}
	for name, r := range t.section("Rules") {
		walkKeys(r, func(k string, v any) {
			if strings.HasPrefix(k, "Fn::") && !slices.Contains(ruleFunctions, k) {
				problems = append(problems, fmt.Sprintf("rule %s: %s is not a rule function", name, k))
			}
			if ref, ok := v.(string); k == "Ref" && ok && t.parameter(ref) == nil {
				problems = append(problems, fmt.Sprintf("rule %s: Ref %s is not a parameter", name, ref))
			}
		})
		rule, _ := r.(map[string]any)
		if c, ok := rule["RuleCondition"]; ok {
			on, err := e.eval(c)
			if err != nil {
				problems = append(problems, fmt.Sprintf("rule %s: condition: %v", name, err))
				continue
			}
			if on != true {
				continue
			}
		}
		asserts, _ := rule["Assertions"].([]any)
		for _, a := range asserts {
			m, _ := a.(map[string]any)
			ok, err := e.eval(m["Assert"])
			if err != nil || ok != true {
				problems = append(problems, fmt.Sprintf("rule %s: %v (%v)", name, m["AssertDescription"], err))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// walkKeys calls f with every key and value under v.
func walkKeys(v any, f func(k string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			f(k, item)
			walkKeys(item, f)
		}
	case []any:
		for _, item := range x {
			walkKeys(item, f)
		}
	}
}

// noValue marks AWS::NoValue until the enclosing map or list drops it.
type noValue struct{}

func (e *evaluator) condition(name string) (bool, error) {
	if v, ok := e.conditions[name]; ok {
		return v, nil
	}
	if e.evaluating[name] {
		return false, fmt.Errorf("condition %s refers to itself", name)
	}
	expr, ok := e.t.section("Conditions")[name]
	if !ok {
		return false, fmt.Errorf("unknown condition %s", name)
	}
	e.evaluating[name] = true
	v, err := e.eval(expr)
	delete(e.evaluating, name)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("condition %s is not a boolean: %v", name, v)
	}
	e.conditions[name] = b
	return b, nil
}

func (e *evaluator) ref(name string) (any, error) {
	switch name {
	case "AWS::AccountId":
		return e.sc.account(), nil
	case "AWS::Region":
		return e.sc.region(), nil
	case "AWS::Partition":
		return testPartition, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName":
		return "StackSet-rcfge-member-0000", nil
	case "AWS::StackId":
		return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/StackSet-rcfge-member-0000/uuid", e.sc.region(), e.sc.account()), nil
	case "AWS::NoValue":
		return noValue{}, nil
	}
	if p := e.t.parameter(name); p != nil {
		v, ok := e.sc.Params[name]
		if !ok {
			if v, ok = p["Default"]; !ok {
				return nil, fmt.Errorf("parameter %s has no value in this scenario and no default", name)
			}
		}
		if typ, _ := p["Type"].(string); typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
			switch l := v.(type) {
			case []any:
				return l, nil
			case string:
				// As CloudFormation: "" is the one-element list [""].
				var items []any
				for _, s := range strings.Split(l, ",") {
					items = append(items, strings.TrimSpace(s))
				}
				return items, nil
			}
		}
		if n, ok := v.(float64); ok {
			return fmt.Sprint(n), nil
		}
		return v, nil
	}
	if def, ok := e.t.section("Resources")[name].(map[string]any); ok {
		// Ref of a bucket is its name; with the name fixed in the template the tests can
		// compare policies against real ARNs.
		if def["Type"] == "AWS::S3::Bucket" {
			props, _ := def["Properties"].(map[string]any)
			if bn, ok := props["BucketName"]; ok {
				return e.eval(bn)
			}
		}
		return "{{Ref:" + name + "}}", nil
	}
	return nil, fmt.Errorf("Ref to unknown name %s", name)
}

func (e *evaluator) eval(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, item := range x {
			r, err := e.eval(item)
			if err != nil {
				return nil, err
			}
			if _, skip := r.(noValue); !skip {
				out = append(out, r)
			}
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") || k == "Condition" {
					return e.intrinsic(k, arg)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, item := range x {
			r, err := e.eval(item)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if _, skip := r.(noValue); !skip {
				out[k] = r
			}
		}
		return out, nil
	}
	return v, nil
}

func (e *evaluator) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Ref takes a name, got %v", arg)
		}
		return e.ref(name)
	case "Condition":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Condition takes a name, got %v", arg)
		}
		return e.condition(name)
	case "Fn::GetAtt":
		switch a := arg.(type) {
		case []any:
			if len(a) == 2 {
				return fmt.Sprintf("{{GetAtt:%v.%v}}", a[0], a[1]), nil
			}
		case string:
			return "{{GetAtt:" + a + "}}", nil
		}
		return nil, fmt.Errorf("bad Fn::GetAtt %v", arg)
	case "Fn::If":
		a, ok := arg.([]any)
		if !ok || len(a) != 3 {
			return nil, fmt.Errorf("Fn::If takes [condition, then, else], got %v", arg)
		}
		name, _ := a[0].(string)
		on, err := e.condition(name)
		if err != nil {
			return nil, err
		}
		if on {
			return e.eval(a[1])
		}
		return e.eval(a[2])
	case "Fn::Equals":
		a, err := e.evalList(arg, 2)
		if err != nil {
			return nil, fmt.Errorf("Fn::Equals: %w", err)
		}
		return fmt.Sprint(a[0]) == fmt.Sprint(a[1]), nil
	case "Fn::Not", "Fn::And", "Fn::Or":
		a, err := e.evalList(arg, -1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		var bs []bool
		for _, v := range a {
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("%s of a non-boolean %v", fn, v)
			}
			bs = append(bs, b)
		}
		switch fn {
		case "Fn::Not":
			if len(bs) != 1 {
				return nil, fmt.Errorf("Fn::Not takes one condition")
			}
			return !bs[0], nil
		case "Fn::And":
			return !slices.Contains(bs, false), nil
		default:
			return slices.Contains(bs, true), nil
		}
	case "Fn::Contains": // rule function
		a, err := e.evalList(arg, 2)
		if err != nil {
			return nil, fmt.Errorf("Fn::Contains: %w", err)
		}
		list, ok := a[0].([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Contains of a non-list %v", a[0])
		}
		return slices.Contains(list, a[1]), nil
	case "Fn::Join":
		a, err := e.evalList(arg, 2)
		if err != nil {
			return nil, fmt.Errorf("Fn::Join: %w", err)
		}
		sep, _ := a[0].(string)
		items, ok := a[1].([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Join of a non-list %v", a[1])
		}
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = fmt.Sprint(it)
		}
		return strings.Join(parts, sep), nil
	case "Fn::Split":
		a, err := e.evalList(arg, 2)
		if err != nil {
			return nil, fmt.Errorf("Fn::Split: %w", err)
		}
		sep, _ := a[0].(string)
		s, _ := a[1].(string)
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::Select":
		a, err := e.evalList(arg, 2)
		if err != nil {
			return nil, fmt.Errorf("Fn::Select: %w", err)
		}
		var i int
		if _, err := fmt.Sscan(fmt.Sprint(a[0]), &i); err != nil {
			return nil, fmt.Errorf("Fn::Select index %v: %w", a[0], err)
		}
		items, ok := a[1].([]any)
		if !ok || i < 0 || i >= len(items) {
			return nil, fmt.Errorf("Fn::Select %d out of %v", i, a[1])
		}
		return items[i], nil
	case "Fn::Sub":
		return e.sub(arg)
	}
	return nil, fmt.Errorf("intrinsic %s is not supported by the test evaluator", fn)
}

func (e *evaluator) evalList(arg any, n int) ([]any, error) {
	v, err := e.eval(arg)
	if err != nil {
		return nil, err
	}
	a, ok := v.([]any)
	if !ok || (n >= 0 && len(a) != n) {
		return nil, fmt.Errorf("want a list of %d, got %v", n, v)
	}
	return a, nil
}

func (e *evaluator) sub(arg any) (any, error) {
	var (
		src  string
		vars = map[string]any{}
	)
	switch a := arg.(type) {
	case string:
		src = a
	case []any:
		if len(a) != 2 {
			return nil, fmt.Errorf("Fn::Sub takes a string or [string, vars], got %v", arg)
		}
		src, _ = a[0].(string)
		m, ok := a[1].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Sub variables are not a map")
		}
		for k, v := range m {
			r, err := e.eval(v)
			if err != nil {
				return nil, fmt.Errorf("Fn::Sub variable %s: %w", k, err)
			}
			vars[k] = r
		}
	default:
		return nil, fmt.Errorf("Fn::Sub takes a string or [string, vars], got %v", arg)
	}
	var b strings.Builder
	for {
		i := strings.Index(src, "${")
		if i < 0 {
			b.WriteString(src)
			return b.String(), nil
		}
		b.WriteString(src[:i])
		if strings.HasPrefix(src[i:], "${!") {
			b.WriteString("${")
			src = src[i+3:]
			continue
		}
		j := strings.IndexByte(src[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("Fn::Sub: unterminated ${ in %q", src)
		}
		name := src[i+2 : i+j]
		src = src[i+j+1:]
		var val any
		if v, ok := vars[name]; ok {
			val = v
		} else if res, attr, ok := strings.Cut(name, "."); ok {
			val = fmt.Sprintf("{{GetAtt:%s.%s}}", res, attr)
		} else {
			v, err := e.ref(name)
			if err != nil {
				return nil, fmt.Errorf("Fn::Sub: %w", err)
			}
			val = v
		}
		if _, isList := val.([]any); isList {
			return nil, fmt.Errorf("Fn::Sub: ${%s} is a list", name)
		}
		b.WriteString(fmt.Sprint(val))
	}
}
