package cfntemplate

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// readYAML parses the file as a YAML node tree (JSON is YAML too), normalises it (see normalise)
// and returns it with the line of every Resources.<LogicalID> key.
func readYAML(data []byte) (*yaml.Node, map[string]int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if err := normalise(&root, 0); err != nil {
		return nil, nil, err
	}
	lines := map[string]int{}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return &root, lines, nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "Resources" || doc.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		res := doc.Content[i+1]
		for j := 0; j+1 < len(res.Content); j += 2 {
			lines[res.Content[j].Value] = res.Content[j].Line
		}
	}
	return &root, lines, nil
}

// maxDepth bounds nesting so a hostile file cannot exhaust the stack here or in goformation.
const maxDepth = 256

// shortForms are the YAML tags CloudFormation reads as intrinsic functions, with their long form.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!FindInMap": "Fn::FindInMap", "!GetAtt": "Fn::GetAtt",
	"!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Join": "Fn::Join", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!Sub": "Fn::Sub", "!Transform": "Fn::Transform", "!And": "Fn::And",
	"!Equals": "Fn::Equals", "!If": "Fn::If", "!Not": "Fn::Not", "!Or": "Fn::Or",
	"!ToJsonString": "Fn::ToJsonString", "!Length": "Fn::Length",
}

// normalise rewrites the node tree in place into what CloudFormation means by it, so that
// decoding it gives the same values as the template's JSON form:
//   - a short-form tag becomes the long form {Fn::X: value}. goformation's ProcessYAML does this
//     too, but flattens a tagged mapping (`!Base64 {Fn::Sub: ...}`) into a list, misses aliases
//     of tagged values, knows no !Condition, !ToJsonString or !Length, and keeps its tag table in
//     a package-level map it writes on every call;
//   - a key that YAML reads as a number, boolean or date (`True:`) becomes the string it is to
//     CloudFormation (a non-string key would not even encode as JSON);
//   - an unquoted date stays text, where decoding would make it a time;
//   - a key written twice in one mapping keeps its last value, as CloudFormation deploys it (and
//     as a JSON template reads), where decoding would refuse the file.
//
// Keys that are not scalars are an error: nothing in CloudFormation can use them.
func normalise(n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: line %d: nested deeper than %d levels", ErrSyntax, n.Line, maxDepth)
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("%w: line %d: a mapping key must be a string", ErrSyntax, k.Line)
			}
			if t := k.ShortTag(); t != "!!str" && t != "!!merge" {
				k.Tag = "!!str"
			}
		}
		dedupe(n)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag = "!!str"
		return nil
	}
	if long, ok := shortForms[n.Tag]; ok {
		inner := *n
		inner.Tag, inner.Anchor = "", ""
		if inner.Kind == yaml.ScalarNode {
			inner.Tag = "!!str"
		}
		// Rewriting in place keeps aliases of the tagged value pointing at the function.
		*n = yaml.Node{
			Kind: yaml.MappingNode, Tag: "!!map", Anchor: n.Anchor, Line: n.Line, Column: n.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: long}, &inner},
		}
		n = &inner
	}
	for _, c := range n.Content {
		if err := normalise(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// dedupe drops every key of mapping n that is written again later in it, with its value. Merge
// keys (<<) stay for the decoder to apply.
func dedupe(n *yaml.Node) {
	last := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		last[n.Content[i].Value] = i
	}
	if len(last) == len(n.Content)/2 {
		return
	}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.ShortTag() == "!!merge" || last[k.Value] == i {
			kept = append(kept, k, n.Content[i+1])
		}
	}
	n.Content = kept
}

// Locator finds where a resource's properties are written in a template file, for findings
// that point at the line and column of the offending value.
type Locator struct {
	// props maps a logical ID to its Properties node.
	props map[string]*yaml.Node
}

// NewLocator parses data (JSON or YAML) once for Locate; it reads the same node tree Parse
// does, short-form tags rewritten, so pointers into resolved properties find their source.
func NewLocator(data []byte) (*Locator, error) {
	root, _, err := readYAML(data)
	if err != nil {
		return nil, err
	}
	l := &Locator{props: map[string]*yaml.Node{}}
	resources := mapValue(document(root), "Resources")
	if resources == nil {
		return l, nil
	}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		if p := mapValue(resources.Content[i+1], "Properties"); p != nil {
			l.props[resources.Content[i].Value] = p
		}
	}
	return l, nil
}

func document(root *yaml.Node) *yaml.Node {
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		return root.Content[0]
	}
	return root
}

// mapValue returns the value of key in a mapping node, following aliases, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

// Locate returns where the value at ptr (a JSON Pointer under the resource's Properties) is
// written, or its key when key is set (an unapproved property is its name). When the pointer
// leads into something written as an intrinsic function or not written at all, the deepest
// node on the way is the answer; an unknown resource or a bad pointer gives the zero Position.
func (l *Locator) Locate(logicalID, ptr string, key bool) Position {
	n := l.props[logicalID]
	if n == nil {
		return Position{}
	}
	toks, err := jsonptr.Split(ptr)
	if err != nil {
		return Position{}
	}
	at := Position{Line: n.Line, Column: n.Column}
	for i, tok := range toks {
		var k, v *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == tok {
					k, v = n.Content[j], deref(n.Content[j+1])
					break
				}
			}
		case yaml.SequenceNode:
			if idx, err := strconv.Atoi(tok); err == nil && idx >= 0 && idx < len(n.Content) {
				v = deref(n.Content[idx])
			}
		}
		if v == nil {
			return at
		}
		if key && i == len(toks)-1 && k != nil {
			return Position{Line: k.Line, Column: k.Column}
		}
		n, at = v, Position{Line: v.Line, Column: v.Column}
	}
	return at
}

// Locate fills each resource's Positions from the file's text: the key of an unapproved
// property, the value of any other finding. A file that does not parse keeps no positions.
func (f *FileResult) Locate(data []byte) {
	l, err := NewLocator(data)
	if err != nil {
		return
	}
	for i := range f.Resources {
		res := &f.Resources[i]
		set := func(ptr string, key bool) {
			if ptr == "" {
				return
			}
			if _, done := res.Positions[ptr]; done {
				return
			}
			if p := l.Locate(res.LogicalID, ptr, key); p.Line > 0 {
				if res.Positions == nil {
					res.Positions = map[string]Position{}
				}
				res.Positions[ptr] = p
			}
		}
		for _, v := range res.Violations {
			set(v.Path, unapprovedProperty(v.Keyword))
		}
		for _, e := range res.Excepted {
			set(e.Violation.Path, unapprovedProperty(e.Violation.Keyword))
		}
		for _, u := range res.Unverified {
			set(u.Path, false)
		}
	}
}

// unapprovedProperty reports whether a violation of the keyword names a property that should
// not be there, so that the finding points at its key.
func unapprovedProperty(keyword string) bool {
	return keyword == "additionalProperties" || keyword == "false"
}
