package cfntemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// scanLines parses the file as a YAML node tree (JSON is YAML too) and returns the line of every
// Resources.<LogicalID> key. It also refuses mapping keys that are not strings: goformation
// decodes them into maps JSON cannot encode, and its error would name no line.
func scanLines(data []byte) (map[string]int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if err := checkKeys(&root, 0); err != nil {
		return nil, err
	}
	lines := map[string]int{}
	if len(root.Content) == 0 {
		return lines, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return lines, nil
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
	return lines, nil
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
