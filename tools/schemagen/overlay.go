package schemagen

import (
	"encoding/json"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// applyOverlay applies an RFC 6902 patch to the base one operation at a time, so that an error
// names the operation that failed. Operations are strict: a path that does not exist is an error
// (an overlay written for an older base fails loudly instead of silently doing nothing), and "test"
// operations let an overlay assert what it expects of the base.
func applyOverlay(doc map[string]any, overlay []byte) (map[string]any, error) {
	var ops []json.RawMessage
	if err := json.Unmarshal(overlay, &ops); err != nil {
		return nil, fmt.Errorf("%w: want a JSON Patch array (RFC 6902): %w", ErrInvalidOverlay, err)
	}
	cur, err := toJSON(doc)
	if err != nil {
		return nil, err
	}
	opts := jsonpatch.NewApplyOptions()
	opts.EnsurePathExistsOnAdd = false
	opts.AllowMissingPathOnRemove = false
	opts.SupportNegativeIndices = false
	for i, raw := range ops {
		var head struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("%w: operation %d: not an object: %w", ErrInvalidOverlay, i, err)
		}
		switch head.Op {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return nil, fmt.Errorf("%w: operation %d: unknown op %q", ErrInvalidOverlay, i, head.Op)
		}
		patch, err := jsonpatch.DecodePatch(append(append([]byte{'['}, raw...), ']'))
		if err != nil {
			return nil, fmt.Errorf("%w: operation %d: %w", ErrInvalidOverlay, i, err)
		}
		kind := head.Op
		path, _ := patch[0].Path()
		next, err := patch.ApplyWithOptions(cur, opts)
		if err != nil {
			return nil, fmt.Errorf("%w: operation %d (%s %s): %w", ErrInvalidOverlay, i, kind, path, err)
		}
		cur = next
	}
	out, err := decodeObject(cur)
	if err != nil {
		return nil, fmt.Errorf("%w: result: %w", ErrInvalidOverlay, err)
	}
	return out, nil
}

// toJSON moves a document across the byte boundary of the JSON Patch library.
func toJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b, nil
}
