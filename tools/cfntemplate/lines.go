package cfntemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
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
//   - an unquoted date stays text, where decoding would make it a time.
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
