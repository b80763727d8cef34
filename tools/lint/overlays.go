package lint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/rcfge/rcfge/hook/placeholder"
)

// overlays checks the RFC 6902 patches in fsys/overlays: well formed, for a template that exists,
// and every pattern they bring in is RE2. The generator applies them; lint catches a broken one
// before a regeneration does.
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
		if !l.templates[e.Name()] {
			l.add(file, RuleOverlay, Error, "", "no template %s for this overlay to apply to", e.Name())
		}
		l.patch(file, body)
	}
	return nil
}

var patchOps = map[string]bool{"add": true, "remove": true, "replace": true, "move": true, "copy": true, "test": true}

func (l *linter) patch(file string, body []byte) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		l.add(file, RuleOverlay, Error, "", "not an RFC 6902 patch (a JSON array of operations): %v", err)
		return
	}
	patch, err := jsonpatch.DecodePatch(body)
	if err != nil {
		l.add(file, RuleOverlay, Error, "", "not an RFC 6902 patch: %v", err)
		return
	}
	for i, op := range patch {
		ptr := fmt.Sprintf("/%d", i)
		kind := op.Kind()
		if !patchOps[kind] {
			l.add(file, RuleOverlay, Error, ptr, "op %q is not one of add, remove, replace, move, copy, test", kind)
			continue
		}
		p, err := op.Path()
		if err != nil || !validPointer(p) {
			l.add(file, RuleOverlay, Error, ptr, "path %q is not a JSON Pointer", p)
			continue
		}
		if kind == "move" || kind == "copy" {
			if from, err := op.From(); err != nil || !validPointer(from) {
				l.add(file, RuleOverlay, Error, ptr, "%s needs a from JSON Pointer", kind)
			}
		}
		if kind != "add" && kind != "replace" && kind != "test" {
			continue
		}
		if _, ok := raw[i]["value"]; !ok {
			l.add(file, RuleOverlay, Error, ptr, "%s needs a value", kind)
			continue
		}
		v, err := op.ValueInterface()
		if err != nil {
			l.add(file, RuleOverlay, Error, ptr+"/value", "%v", err)
			continue
		}
		l.patchValue(file, ptr+"/value", p, v)
	}
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
