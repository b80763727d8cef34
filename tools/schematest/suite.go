// Package schematest runs template unit tests, as `cfn-guard test`, `kyverno test` and gator verify
// do for their policies: each suite names a resource type and lists cases (a property snippet or a
// CloudFormation template, with its deployment context) and the outcome the restricted template
// must give (approved, violations at given paths, or an engine error). Cases run through the same
// engine the hook runs, over the templates of one folder.
package schematest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
)

// Suite is one suite file: the cases of one resource type.
type Suite struct {
	// TypeName is the resource type whose template is under test.
	TypeName string `yaml:"typeName"`
	// Context is the deployment context of every case; cases override fields.
	Context Context `yaml:"context"`
	// Vars are the user variables of every case; a case's vars are merged over them.
	Vars  map[string]Var `yaml:"vars"`
	Cases []Case         `yaml:"cases"`
}

// Context is the invocation context the built-in placeholders are filled from.
type Context struct {
	AccountID         string `yaml:"accountID"`
	Region            string `yaml:"region"`
	Partition         string `yaml:"partition"`
	StackName         string `yaml:"stackName"`
	StackID           string `yaml:"stackId"`
	LogicalResourceID string `yaml:"logicalResourceId"`
}

// Var is a user variable's value: a string or a list of strings.
type Var struct{ placeholder.Value }

// UnmarshalYAML reads a scalar as a string value and a sequence of scalars as a list value.
func (v *Var) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		v.Value = placeholder.String(n.Value)
		return nil
	case yaml.SequenceNode:
		var items []string
		if err := n.Decode(&items); err != nil {
			return fmt.Errorf("line %d: a list variable holds strings: %w", n.Line, err)
		}
		v.Value = placeholder.List(items...)
		return nil
	}
	return fmt.Errorf("line %d: a variable is a string or a list of strings", n.Line)
}

// Case is one test: a resource and the outcome it must get.
type Case struct {
	Name string `yaml:"name"`
	// Skip, when set, gives the reason the case is not run.
	Skip string `yaml:"skip"`
	// Operation is CREATE (default), UPDATE or DELETE.
	Operation string `yaml:"operation"`
	// Properties is the resource's Properties, as in a template. Exclusive with Template.
	Properties yaml.Node `yaml:"properties"`
	// PreviousProperties, on UPDATE, are the properties before the change.
	PreviousProperties yaml.Node `yaml:"previousProperties"`
	// Unknown lists JSON Pointers of values not known before deployment (Fn::GetAtt and the like).
	Unknown []string `yaml:"unknown"`
	// Template is a CloudFormation template file, relative to the suite file. Exclusive with
	// Properties.
	Template string `yaml:"template"`
	// Resource is the logical ID of the resource to test in Template; it may be omitted when the
	// template has exactly one resource of the suite's type.
	Resource string `yaml:"resource"`
	// Parameters override the template's parameter defaults.
	Parameters map[string]string `yaml:"parameters"`
	Context    Context           `yaml:"context"`
	Vars       map[string]Var    `yaml:"vars"`
	Expect     Expect            `yaml:"expect"`
}

// Expect is a case's wanted outcome. In YAML it is the word `approved`, or a mapping.
type Expect struct {
	// Approved wants a verdict without violations.
	Approved bool `yaml:"approved" json:"approved,omitempty"`
	// Violations wants exactly these violations: each must match one of the verdict's, and each of
	// the verdict's must match one of these.
	Violations []WantViolation `yaml:"violations" json:"violations,omitempty"`
	// Unverified, when given, wants exactly these paths reported as not verifiable before
	// deployment.
	Unverified []string `yaml:"unverified" json:"unverified,omitempty"`
	// Error wants the engine to refuse with this kind: missing-template, invalid-template, request.
	Error string `yaml:"error" json:"error,omitempty"`
}

// WantViolation matches a violation by path and, optionally, keyword and message text.
type WantViolation struct {
	Path    string `yaml:"path" json:"path"`
	Keyword string `yaml:"keyword" json:"keyword,omitempty"`
	// Message, when set, must occur in the violation's message.
	Message string `yaml:"message" json:"message,omitempty"`
}

// UnmarshalYAML accepts `expect: approved` as well as the mapping form.
func (e *Expect) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "approved" {
			return fmt.Errorf("line %d: expect is `approved` or a mapping with approved, violations, unverified or error", n.Line)
		}
		e.Approved = true
		return nil
	}
	type plain Expect
	var p plain
	if err := decodeStrict(n, &p); err != nil {
		return err
	}
	*e = Expect(p)
	return nil
}

// decodeStrict decodes a node refusing unknown fields, which yaml.v3 does not carry into nodes.
func decodeStrict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, plainYAML(err))
	}
	return nil
}

var (
	// yamlUnknownField is yaml.v3's message for a key KnownFields refuses.
	yamlUnknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)
	// yamlGoType is the Go type yaml.v3 names when a value does not fit.
	yamlGoType = regexp.MustCompile(`cannot unmarshal !!(\w+)(?: .*)? into (\S+)`)
	// yamlKinds name YAML's kinds and the Go types a suite decodes into in an author's words.
	yamlKinds = map[string]string{
		"seq": "a list", "map": "a mapping", "str": "a string", "int": "a number", "float": "a number", "bool": "true or false", "null": "nothing",
		"string": "a string", "int64": "a number", "float64": "a number",
	}
)

// plainYAML rewrites yaml.v3's decoding errors in the words of a suite's author: the misspelt
// key by name, the value that does not fit by its YAML kind, never a Go type.
func plainYAML(err error) error {
	te, ok := err.(*yaml.TypeError)
	if !ok {
		return err
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		m = yamlUnknownField.ReplaceAllString(m, "unknown key $1")
		if sub := yamlGoType.FindStringSubmatch(m); sub != nil {
			want := yamlKinds[sub[2]]
			if want == "" {
				want = "another kind of value"
			}
			got := yamlKinds[sub[1]]
			if got == "" {
				got = "this value"
			}
			m = strings.Replace(m, sub[0], got+" is not valid here: want "+want, 1)
		}
		msgs[i] = m
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Errors in suite files.
var (
	// ErrSuite: the suite file is not a valid suite.
	ErrSuite = errors.New("invalid suite")
	// ErrCase: a case is malformed or its CloudFormation template cannot be used.
	ErrCase = errors.New("invalid case")
)

var errorKinds = map[string]engine.Kind{
	"missing-template": engine.KindMissingTemplate,
	"invalid-template": engine.KindInvalidTemplate,
	"request":          engine.KindRequest,
}

// ParseSuite reads a suite, refusing unknown fields so that a misspelt key fails loudly instead of
// silently testing less.
func ParseSuite(data []byte) (Suite, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Suite
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return Suite{}, fmt.Errorf("%w: empty file", ErrSuite)
		}
		return Suite{}, fmt.Errorf("%w: %w", ErrSuite, plainYAML(err))
	}
	if s.TypeName == "" {
		return Suite{}, fmt.Errorf("%w: no typeName", ErrSuite)
	}
	if len(s.Cases) == 0 {
		return Suite{}, fmt.Errorf("%w: no cases", ErrSuite)
	}
	seen := map[string]bool{}
	for i, c := range s.Cases {
		if c.Name == "" {
			return Suite{}, fmt.Errorf("%w: case %d has no name", ErrSuite, i+1)
		}
		if seen[c.Name] {
			return Suite{}, fmt.Errorf("%w: two cases named %q", ErrSuite, c.Name)
		}
		seen[c.Name] = true
		if err := c.check(); err != nil {
			return Suite{}, fmt.Errorf("%w: case %q: %w", ErrSuite, c.Name, err)
		}
	}
	return s, nil
}

func (c Case) check() error {
	if c.Template != "" && c.Properties.Kind != 0 {
		return errors.New("properties and template are exclusive")
	}
	if c.Template == "" && c.Resource != "" {
		return errors.New("resource names a resource of a template, but there is no template")
	}
	switch engine.Operation(c.Operation) {
	case "", engine.Create, engine.Update, engine.Delete:
	default:
		return fmt.Errorf("operation %q is not CREATE, UPDATE or DELETE", c.Operation)
	}
	e := c.Expect
	n := 0
	for _, set := range []bool{e.Approved, len(e.Violations) > 0, e.Error != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errors.New("expect exactly one of: approved, violations, error")
	}
	if e.Error != "" {
		if _, ok := errorKinds[e.Error]; !ok {
			return fmt.Errorf("expect.error %q is not missing-template, invalid-template or request", e.Error)
		}
	}
	for _, v := range e.Violations {
		if v.Path != "" && v.Path[0] != '/' {
			return fmt.Errorf("violation path %q is not a JSON Pointer (\"\" or /Name/...)", v.Path)
		}
	}
	return nil
}

// toJSON turns a YAML node into the engine's decoded JSON, scalars as written: numbers become
// json.Number with their text, and a date stays the string it was (yaml.v3 would make it a
// time.Time). An absent node is nil.
func toJSON(n *yaml.Node) (any, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return toJSON(n.Content[0])
	case yaml.AliasNode:
		return toJSON(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := toJSON(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key must be a plain string", k.Line)
			}
			v, err := toJSON(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	}
	return scalar(n)
}

func scalar(n *yaml.Node) (any, error) {
	tag := n.ShortTag()
	switch tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return b, nil
	case "!!int", "!!float":
		if jsonNumber.MatchString(n.Value) {
			return json.Number(n.Value), nil
		}
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: %q is not a number JSON can hold", n.Line, n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	if strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return nil, fmt.Errorf("line %d: %s: intrinsic functions belong in a template case (template:), not in properties", n.Line, tag)
	}
	return n.Value, nil
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
