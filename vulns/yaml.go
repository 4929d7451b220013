package vulns

import (
	"encoding/json"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ParseRecordYAML reads an OSV record written in YAML, as the PyPA advisory
// database keeps them. Every scalar is read as its text: an unquoted
// `fixed: 1.10` is the version 1.10, not the number 1.1.
func ParseRecordYAML(data []byte) (*Record, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, errors.New("not one YAML document")
	}
	v, err := plain(doc.Content[0], 0)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ParseRecord(js)
}

// maxYAMLDepth bounds nesting; an OSV record is a few levels deep.
const maxYAMLDepth = 32

// plain turns a YAML node into JSON-ready values, scalars as text. Aliases
// are refused: no OSV record needs them, and expanding them is how a small
// file becomes a huge one.
func plain(n *yaml.Node, depth int) (any, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := plain(c, depth+1)
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
				return nil, fmt.Errorf("line %d: a mapping key that is not text", k.Line)
			}
			v, err := plain(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: YAML aliases are not read in an OSV record", n.Line)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}
