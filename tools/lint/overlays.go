package lint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
)

// overlays checks the RFC 6902 patches in fsys/overlays: well formed (each operation as RFC 6902
// section 4 requires, so the generator's json-patch library accepts it), for a template that
// exists, and every pattern they bring in is RE2. Lint catches a broken overlay before a
// regeneration does.
func (l *linter) overlays(ctx context.Context, fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, "overlays")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("overlays: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		file := path.Join("overlays", e.Name())
		body, err := fs.ReadFile(fsys, file)
		if err != nil {
			return fmt.Errorf("overlay %s: %w", file, err)
		}
		l.rep.Overlays++
		l.bodies[file] = body
		if !l.templates[e.Name()] {
			l.add(file, RuleOverlay, Error, "", "no template %s for this overlay to apply to", e.Name())
		}
		l.patch(file, body)
	}
	return nil
}

var patchOps = map[string]bool{"add": true, "remove": true, "replace": true, "move": true, "copy": true, "test": true}

func (l *linter) patch(file string, body []byte) {
	var ops []map[string]json.RawMessage
	if err := json.Unmarshal(body, &ops); err != nil {
		l.add(file, RuleOverlay, Error, "", "not an RFC 6902 patch (a JSON array of operations): %v", err)
		return
	}
	for i, op := range ops {
		l.operation(file, fmt.Sprintf("/%d", i), op)
	}
}

func (l *linter) operation(file, ptr string, op map[string]json.RawMessage) {
	str := func(key string) (string, bool) {
		raw, ok := op[key]
		if !ok {
			return "", false
		}
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	}
	kind, _ := str("op")
	if !patchOps[kind] {
		l.add(file, RuleOverlay, Error, ptr+"/op", "op %q is not one of add, remove, replace, move, copy, test", kind)
		return
	}
	target, ok := str("path")
	if !ok || !validPointer(target) {
		l.add(file, RuleOverlay, Error, ptr+"/path", "%s needs a path that is a JSON Pointer (\"/properties/Name\")", kind)
		return
	}
	switch kind {
	case "move", "copy":
		if from, ok := str("from"); !ok || !validPointer(from) {
			l.add(file, RuleOverlay, Error, ptr, "%s needs a from that is a JSON Pointer", kind)
		}
		return
	case "remove":
		return
	}
	raw, ok := op["value"]
	if !ok {
		l.add(file, RuleOverlay, Error, ptr, "%s needs a value", kind)
		return
	}
	v, err := schema.Decode(raw)
	if err != nil {
		l.add(file, RuleOverlay, Error, ptr+"/value", "%v", err)
		return
	}
	l.patchValue(file, ptr+"/value", target, v)
}

// patchValue checks the patterns an operation brings in: policy patterns are never loosened to
// something the engine cannot run. Placeholders are filled with samples first, as in templates.
func (l *linter) patchValue(file, ptr, target string, v any) {
	last := target[strings.LastIndex(target, "/")+1:]
	doc := v
	if last == "pattern" {
		doc = map[string]any{"pattern": v}
	}
	names, err := placeholder.Names(doc)
	if err != nil {
		l.add(file, RulePlaceholder, Error, ptr, "%v", err)
		return
	}
	vars := placeholder.Vars{}
	for _, n := range names {
		vars[n] = placeholder.String("sample")
	}
	for _, b := range placeholder.Builtins {
		vars[b] = placeholder.String(builtinSample(b, "AWS::Sample::Type"))
	}
	filled, err := placeholder.Fill(doc, vars)
	if err != nil {
		l.add(file, RulePlaceholder, Error, ptr, "%v", err)
		return
	}
	w := &walk{file: file, l: l}
	if last == "pattern" {
		if p, ok := filled.(map[string]any)["pattern"].(string); ok {
			if err := compileRE2(p); err != nil {
				l.add(file, RulePattern, Error, ptr, "pattern %q is not RE2 (the engine's regex syntax): %v", p, errText(err))
			}
		}
		return
	}
	// A value that is a whole schema (a property replaced or added).
	if _, ok := filled.(map[string]any); ok {
		w.patterns(filled, ptr)
	}
}

func validPointer(p string) bool {
	if p == "" {
		return true
	}
	if !strings.HasPrefix(p, "/") {
		return false
	}
	// "~" must be followed by 0 or 1.
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || (p[i+1] != '0' && p[i+1] != '1')) {
			return false
		}
	}
	return true
}
