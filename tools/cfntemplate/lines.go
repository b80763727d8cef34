package cfntemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// scanLines parses the file as a YAML node tree (JSON is YAML too) and returns the line of every
// Resources.<LogicalID> key. It also refuses mapping keys that are not strings: goformation
// decodes them into maps JSON cannot encode, and its error would name no line. goformation knows
// no !Condition tag and would read `!Condition IsProd` as the bare string "IsProd", and yaml.v3
// turns an unquoted date into a time that JSON writes as 2024-01-01T00:00:00Z, where
// CloudFormation keeps the text. When the file has either, scanLines rewrites the node tree (the
// long form {Condition: IsProd}, the date as a string) and returns the YAML to use instead of the
// file (nil otherwise).
func scanLines(data []byte) (lines map[string]int, rewritten []byte, err error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if err := checkKeys(&root, 0); err != nil {
		return nil, nil, err
	}
	if normalise(&root) {
		if rewritten, err = yaml.Marshal(&root); err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrSyntax, err)
		}
	}
	lines = map[string]int{}
	if len(root.Content) == 0 {
		return lines, rewritten, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return lines, rewritten, nil
	}
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

// normalise rewrites every `!Condition Name` scalar into {Condition: Name} and every timestamp
// into a string, and reports whether it changed anything.
func normalise(n *yaml.Node) bool {
	found := false
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
		return true
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Condition" {
		name := *n
		name.Tag = "!!str"
		*n = yaml.Node{
			Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "Condition"}, &name},
		}
		return true
	}
	for _, c := range n.Content {
		if normalise(c) {
			found = true
		}
	}
	return found
}

// maxDepth bounds nesting so a hostile file cannot exhaust the stack here or in goformation.
const maxDepth = 256

func checkKeys(n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: line %d: nested deeper than %d levels", ErrSyntax, n.Line, maxDepth)
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || (k.ShortTag() != "!!str" && k.ShortTag() != "!!merge") {
				return fmt.Errorf("%w: line %d: mapping key %q is not a string", ErrSyntax, k.Line, k.Value)
			}
		}
	}
	for _, c := range n.Content {
		if err := checkKeys(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}
