// Package cfntemplate is rcfge's CloudFormation template front end: it reads a JSON or YAML
// template and evaluates it as CloudFormation would for the given parameters — parameters as
// strings, conditions in three values (true, false, undecided), intrinsic functions resolved on
// raw values (so properties no typed model knows survive), AWS::LanguageExtensions applied — and
// returns each resource with its properties, the JSON Pointers of values that cannot be known
// before deployment, and the line it starts on. A resource whose condition is false is skipped;
// one whose properties depend on undecided conditions gets a variant per assignment. Validate
// then runs every variant through the engine and decides as the hook would.
package cfntemplate

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/verdict"
)

// The kinds of bad input, for errors.Is; every error Parse returns wraps one of them.
var (
	// ErrSyntax: the file is neither valid JSON nor valid YAML.
	ErrSyntax = errors.New("syntax error")
	// ErrNotTemplate: the document is not a CloudFormation template (no Resources map).
	ErrNotTemplate = errors.New("not a CloudFormation template")
	// ErrResource: a resource is malformed (not an object, no Type, non-object Properties).
	ErrResource = errors.New("invalid resource")
	// ErrIntrinsic: an intrinsic function is malformed or refers to something undefined.
	ErrIntrinsic = errors.New("invalid intrinsic function")
	// ErrUnsupported: the template needs processing rcfge does not do (a macro, Fn::ForEach).
	ErrUnsupported = errors.New("not supported")
)

// Error is bad input in one template, with the line it concerns when known.
type Error struct {
	File string
	Line int // 1-based; 0 when unknown
	Err  error
}

// Error is "file:line: problem", or "file: problem" when the line is unknown.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the problem, one of the Err* kinds wrapped with its details.
func (e *Error) Unwrap() error { return e.Err }

// Options are the deployment facts the pseudo parameters and parameters are resolved from. An
// empty field leaves its pseudo parameter unknown rather than guessing a value.
type Options struct {
	AccountID string
	Region    string
	// Partition defaults to the one the region belongs to (aws, aws-cn, aws-us-gov).
	Partition string
	StackName string
	StackID   string
	// Parameters override the template's parameter defaults. A list parameter
	// (CommaDelimitedList, List<...>) takes a comma-separated value. Names the template does not
	// declare are ignored, so one set of parameters can serve several templates.
	Parameters map[string]string
}

// Template is a parsed template: its resources in file order.
type Template struct {
	// Name is the file name errors and reports use.
	Name      string     `json:"name"`
	Resources []Resource `json:"resources"`
}

// Resource is one resource with its intrinsic functions resolved.
type Resource struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	// Line is the 1-based line of Resources.<LogicalID>; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Condition is the resource's Condition attribute, if any.
	Condition string `json:"condition,omitempty"`
	// Skipped is set when Condition is false for the given parameters: CloudFormation does not
	// create the resource, so it is not validated (Properties is then nil).
	Skipped bool `json:"skipped,omitempty"`
	// Properties is decoded JSON (numbers as json.Number), a map[string]any; nil when absent.
	// A value that cannot be known before deployment is replaced by null and listed in Unknown,
	// so the engine skips only the constraints on that value, never the property-name gate.
	// When the properties depend on conditions that cannot be decided, every Fn::If on them is
	// unknown here, and Variants hold the properties under each assignment.
	Properties any `json:"properties,omitempty"`
	// Unknown lists those values by JSON Pointer relative to Properties, with why they are unknown.
	Unknown []verdict.Unverified `json:"unknown,omitempty"`
	// Assumption is "if <Condition>" when the resource's own condition cannot be decided: it is
	// validated as if created.
	Assumption string `json:"assumption,omitempty"`
	// Findings are failures CloudFormation meets only when it creates the resource (a mapping
	// without the key, an index out of range): reported on the resource, not an abort.
	Findings []verdict.Violation `json:"findings,omitempty"`
	// Variants, when set, are what Validate checks instead of Properties: one per consistent
	// assignment of the undecided conditions the properties use (or, beyond maxEnumerated of
	// them, Properties plus each condition alone).
	Variants []Variant `json:"variants,omitempty"`
}

// resourceKeys are the attributes CloudFormation allows on a resource; Type, Properties and
// Condition are the ones rcfge reads, the rest are accepted and ignored. Version is the
// custom resources' attribute.
var resourceKeys = map[string]bool{
	"Type": true, "Properties": true, "DependsOn": true, "Condition": true, "Metadata": true,
	"DeletionPolicy": true, "UpdateReplacePolicy": true, "CreationPolicy": true, "UpdatePolicy": true,
	"Version": true,
}

// Parse reads one template and evaluates it as CloudFormation would for the given parameters
// and deployment facts. name is used in errors and reports only.
func Parse(name string, data []byte, opts Options) (t *Template, err error) {
	// A malformed template must give one clear error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, &Error{File: name, Err: fmt.Errorf("%w: cannot resolve intrinsic functions: %v", ErrIntrinsic, r)}
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: empty file", ErrNotTemplate)}
	}
	// A file that opens with { is read as JSON, so JSON means exactly JSON; if it is not valid
	// JSON but valid YAML (a flow mapping), it is YAML. The node tree gives the lines either way.
	looksJSON := bytes.TrimSpace(data)[0] == '{'
	root, lines, yerr := readYAML(data)
	var raw any
	switch {
	case looksJSON:
		var jerr error
		if raw, jerr = decodeJSON(data); jerr == nil {
			break
		}
		if yerr != nil {
			return nil, &Error{File: name, Err: jerr}
		}
		fallthrough
	default:
		if yerr != nil {
			return nil, &Error{File: name, Err: yerr}
		}
		if raw, err = decodeYAML(root); err != nil {
			return nil, &Error{File: name, Err: err}
		}
	}
	if raw, err = numbers(raw); err != nil {
		return nil, &Error{File: name, Err: err}
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: the document is not an object", ErrNotTemplate)}
	}
	if _, ok := doc["Resources"].(map[string]any); !ok {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: no Resources map", ErrNotTemplate)}
	}
	extensions, err := checkTransforms(doc["Transform"])
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	for _, k := range []string{"Parameters", "Mappings", "Conditions"} {
		if v, ok := doc[k]; ok && v != nil {
			if _, isMap := v.(map[string]any); !isMap {
				return nil, &Error{File: name, Err: fmt.Errorf("%w: %s is %s, not an object", ErrNotTemplate, k, kindOf(v))}
			}
		}
	}
	e, err := newEvaluator(opts, doc)
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	resources := doc["Resources"].(map[string]any)
	if extensions {
		// Loops first: what they produce is what CloudFormation evaluates.
		for _, k := range []string{"Conditions", "Resources"} {
			m, ok := doc[k].(map[string]any)
			if !ok {
				continue
			}
			var ln map[string]int
			if k == "Resources" {
				ln = lines
			}
			x, err := e.expandForEach(m, ln, 0)
			if err != nil {
				return nil, &Error{File: name, Err: err}
			}
			doc[k] = x
		}
		resources = doc["Resources"].(map[string]any)
		e.conditions, _ = doc["Conditions"].(map[string]any)
		e.resources = resources
	}
	if err := checkResources(resources, lines); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.File = name
			return nil, pe
		}
		return nil, &Error{File: name, Err: err}
	}
	if err := checkConditionCycles(doc["Conditions"]); err != nil {
		return nil, &Error{File: name, Err: err}
	}
	// Every condition is evaluated once, as CloudFormation validates them all, so an error in
	// one that no resource uses is still reported.
	for _, c := range slices.Sorted(maps.Keys(e.conditions)) {
		e.setAssume(nil)
		if _, _, err := e.cond(c); err != nil {
			return nil, &Error{File: name, Err: err}
		}
	}

	t = &Template{Name: name, Resources: make([]Resource, 0, len(resources))}
	for _, id := range order(resources, lines) {
		res, err := e.resource(id, resources[id].(map[string]any))
		res.Line = lines[id]
		if err != nil {
			if errors.Is(err, ErrResource) || errors.Is(err, ErrIntrinsic) || errors.Is(err, ErrUnsupported) {
				return nil, &Error{File: name, Line: res.Line, Err: err}
			}
			return nil, &Error{File: name, Line: res.Line, Err: fmt.Errorf("%w: %s: %v", ErrIntrinsic, id, err)}
		}
		t.Resources = append(t.Resources, res)
	}
	return t, nil
}

// decodeJSON reads a JSON template into generic values.
func decodeJSON(data []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := dec.Decode(&v)
	if err == nil && dec.More() {
		err = errors.New("invalid character after top-level value")
	}
	if err != nil {
		// The decoder says "unexpected EOF" where Unmarshal gives the offset: ask Unmarshal.
		if uerr := json.Unmarshal(data, new(any)); uerr != nil {
			err = uerr
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: line %d: %v", ErrSyntax, 1+bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n")), err)
		}
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return v, nil
}

// decodeYAML turns the normalised node tree into generic values: short-form tags are already in
// their long form, keys are strings, so what comes out is what the JSON form would give.
func decodeYAML(root *yaml.Node) (any, error) {
	var v any
	if len(root.Content) == 0 {
		return nil, nil
	}
	if err := root.Content[0].Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return v, nil
}

// languageExtensions is the one transform whose functions rcfge resolves itself (all but
// Fn::ForEach).
const languageExtensions = "AWS::LanguageExtensions"

// checkTransforms refuses templates that name a macro: the hook sees the resources the macro
// produces (AWS::Serverless::Function becomes AWS::Lambda::Function and more), so validating the
// template as written would check resources that are never deployed. It reports whether the
// template uses AWS::LanguageExtensions, the one transform rcfge applies itself.
func checkTransforms(v any) (bool, error) {
	var names []string
	switch t := v.(type) {
	case nil:
		return false, nil
	case string:
		names = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return false, fmt.Errorf("%w: Transform lists %s, not a macro name", ErrNotTemplate, kindOf(e))
			}
			names = append(names, s)
		}
	default:
		return false, fmt.Errorf("%w: Transform is %s, not a macro name or a list of them", ErrNotTemplate, kindOf(v))
	}
	ext := false
	for _, n := range names {
		if n != languageExtensions {
			return false, fmt.Errorf("%w: Transform %s; validate the processed template (aws cloudformation get-template --template-stage Processed, or sam build output)", ErrUnsupported, n)
		}
		ext = true
	}
	return ext, nil
}

// checkResources checks every resource's shape: an object with a Type, known attributes only,
// and Properties an object or a function (Fn::If) that gives one.
func checkResources(resources map[string]any, lines map[string]int) error {
	for _, id := range order(resources, lines) {
		fail := func(format string, args ...any) error {
			return &Error{Line: lines[id], Err: fmt.Errorf("%w: %s: "+format, append([]any{ErrResource, id}, args...)...)}
		}
		res, ok := resources[id].(map[string]any)
		if !ok {
			if strings.HasPrefix(id, forEachPrefix) {
				return &Error{Line: lines[id], Err: fmt.Errorf("%w: %s: Fn::ForEach needs Transform: AWS::LanguageExtensions", ErrUnsupported, id)}
			}
			return fail("resource is %s, not an object", kindOf(resources[id]))
		}
		typ, ok := res["Type"].(string)
		if !ok || typ == "" {
			return fail("no Type")
		}
		for k := range res {
			if !resourceKeys[k] {
				return fail("unknown resource attribute %q", k)
			}
		}
		if p, ok := res["Properties"]; ok && p != nil {
			m, isMap := p.(map[string]any)
			if !isMap {
				return fail("Properties is %s, not an object", kindOf(p))
			}
			if name, _, isFn := intrinsic(m); isFn && name != "Fn::If" {
				return fail("Properties is %s, not an object", name)
			}
		}
	}
	return nil
}

// order returns the logical IDs in file order when lines are known, else sorted.
func order(resources map[string]any, lines map[string]int) []string {
	return slices.SortedFunc(maps.Keys(resources), func(a, b string) int {
		if la, lb := lines[a], lines[b]; la != lb {
			return cmp.Compare(la, lb)
		}
		return strings.Compare(a, b)
	})
}

// checkConditionCycles refuses conditions that refer to each other in a loop, and references to
// undefined conditions, whether or not a resource uses them: CloudFormation validates them all.
func checkConditionCycles(conds any) error {
	m, ok := conds.(map[string]any)
	if !ok {
		return nil
	}
	refs := make(map[string][]string, len(m))
	for name, expr := range m {
		refs[name] = conditionRefs(expr, nil)
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(m))
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case visiting:
			return fmt.Errorf("%w: condition %s refers to itself through other conditions", ErrIntrinsic, n)
		case done:
			return nil
		}
		state[n] = visiting
		for _, r := range refs[n] {
			if _, ok := m[r]; !ok {
				return fmt.Errorf("%w: condition %s refers to undefined condition %s", ErrIntrinsic, n, r)
			}
			if err := visit(r); err != nil {
				return err
			}
		}
		state[n] = done
		return nil
	}
	for _, n := range slices.Sorted(maps.Keys(m)) {
		if err := visit(n); err != nil {
			return err
		}
	}
	return nil
}

func conditionRefs(v any, acc []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "Condition" {
				acc = append(acc, s)
				continue
			}
			acc = conditionRefs(e, acc)
		}
	case []any:
		for _, e := range x {
			acc = conditionRefs(e, acc)
		}
	}
	return acc
}

// kindOf names a JSON value's kind for error messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case *unknown:
		return "a value known only at deployment"
	case *noValueT:
		return "AWS::NoValue"
	}
	return fmt.Sprintf("%T", v)
}

// numbers turns every number into a json.Number holding its text, as JSON decoding with
// UseNumber gives, so YAML and JSON templates reach the engine alike.
func numbers(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, el := range x {
			n, err := numbers(el)
			if err != nil {
				return nil, err
			}
			x[k] = n
		}
	case []any:
		for i, el := range x {
			n, err := numbers(el)
			if err != nil {
				return nil, err
			}
			x[i] = n
		}
	case int:
		return json.Number(strconv.Itoa(x)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("%w: %v is not a number JSON can hold", ErrSyntax, x)
		}
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64)), nil
	}
	return v, nil
}
