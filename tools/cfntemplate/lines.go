package cfntemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// scanLines parses the file as a YAML node tree (JSON is YAML too) and returns the line of every
// Resources.<LogicalID> key. On the way it fixes what goformation's YAML reading gets wrong (see
// normalise); when it changed anything it returns the YAML to use instead of the file, else nil.
func scanLines(data []byte) (lines map[string]int, rewritten []byte, err error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	changed, err := normalise(&root, 0, true)
	if err != nil {
		return nil, nil, err
	}
	if changed {
		if rewritten, err = yaml.Marshal(&root); err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrSyntax, err)
		}
	}
	lines = map[string]int{}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return lines, rewritten, nil
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
	return lines, rewritten, nil
}

// maxDepth bounds nesting so a hostile file cannot exhaust the stack here or in goformation.
const maxDepth = 256

// shortForms are the YAML tags CloudFormation reads as intrinsic functions, with their long form
// and whether goformation knows the tag (it handles those on scalars and lists itself).
var shortForms = map[string]struct {
	long  string
	known bool
}{
	"!Ref": {"Ref", true}, "!Base64": {"Fn::Base64", true}, "!Cidr": {"Fn::Cidr", true},
	"!FindInMap": {"Fn::FindInMap", true}, "!GetAtt": {"Fn::GetAtt", true}, "!GetAZs": {"Fn::GetAZs", true},
	"!ImportValue": {"Fn::ImportValue", true}, "!Join": {"Fn::Join", true}, "!Select": {"Fn::Select", true},
	"!Split": {"Fn::Split", true}, "!Sub": {"Fn::Sub", true}, "!And": {"Fn::And", true},
	"!Equals": {"Fn::Equals", true}, "!If": {"Fn::If", true}, "!Not": {"Fn::Not", true}, "!Or": {"Fn::Or", true},
	"!Condition": {"Condition", false}, "!Transform": {"Fn::Transform", false},
	"!ToJsonString": {"Fn::ToJsonString", false}, "!Length": {"Fn::Length", false},
}

// normalise rewrites, in place, what goformation's YAML reading would get wrong, and reports
// whether it changed anything:
//   - a short-form tag on a mapping (`!Base64 {Fn::Sub: ...}`) is flattened into a list by
//     goformation, and !Condition, !ToJsonString and !Length are unknown to it: these become the
//     long form {Fn::X: value};
//   - a key that YAML reads as a number, boolean or date (`True:`) would decode into a map JSON
//     cannot encode: CloudFormation keys are strings, so it becomes one;
//   - an unquoted date would become a time written as 2024-01-01T00:00:00Z: it stays text.
//
// Keys that are not scalars are an error: nothing in CloudFormation can use them. Values are left
// alone where values is false, so the common unquoted `AWSTemplateFormatVersion: 2010-09-09`
// costs no second pass.
func normalise(n *yaml.Node, depth int, values bool) (bool, error) {
	if depth > maxDepth {
		return false, fmt.Errorf("%w: line %d: nested deeper than %d levels", ErrSyntax, n.Line, maxDepth)
	}
	changed := false
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return false, fmt.Errorf("%w: line %d: a mapping key must be a string", ErrSyntax, k.Line)
			}
			if t := k.ShortTag(); t != "!!str" && t != "!!merge" {
				k.Tag, k.Style, changed = "!!str", yaml.DoubleQuotedStyle, true
			}
		}
	}
	if depth == 1 && n.Kind == yaml.MappingNode {
		// The document: its scalar sections are never resolved, so need no fixing.
		for i := 0; i+1 < len(n.Content); i += 2 {
			c, err := normalise(n.Content[i+1], depth+1, !scalarSections[n.Content[i].Value])
			if err != nil {
				return false, err
			}
			changed = changed || c
		}
		return changed, nil
	}
	if !values {
		for _, c := range n.Content {
			c2, err := normalise(c, depth+1, false)
			if err != nil {
				return false, err
			}
			changed = changed || c2
		}
		return changed, nil
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
		return true, nil
	}
	// goformation also misses an alias of a tagged value: it converts a copy of the tagged node,
	// and the alias still points at the original.
	if sf, ok := shortForms[n.Tag]; ok && (!sf.known || n.Kind == yaml.MappingNode || n.Anchor != "") {
		inner := *n
		inner.Tag, inner.Anchor = "", ""
		if inner.Kind == yaml.ScalarNode {
			inner.Tag = "!!str"
		}
		// The wrapper keeps the anchor, so an alias of the tagged value still means the function.
		*n = yaml.Node{
			Kind: yaml.MappingNode, Tag: "!!map", Anchor: n.Anchor, Line: n.Line, Column: n.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: sf.long}, &inner},
		}
		changed = true
		n = &inner
	}
	for _, c := range n.Content {
		c2, err := normalise(c, depth+1, true)
		if err != nil {
			return false, err
		}
		changed = changed || c2
	}
	return changed, nil
}

// scalarSections are the parts of a template that hold one plain value Parse never reads. Every
// other section is normalised, as a value anchored there may be aliased into Resources.
var scalarSections = map[string]bool{"AWSTemplateFormatVersion": true, "Description": true}
