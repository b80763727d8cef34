package drift

import (
	"fmt"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// DecisionsFromPatch reads the deliberate differences an RFC 6902 overlay makes to the generated
// base: a `remove` of …/properties/<name> refuses that property, and any operation on an enum or a
// const narrows that schema's values. The paths are locations in the base, which has the
// provider schema's structure, so they line up with the snapshot side of Compare.
func DecisionsFromPatch(body []byte) (Decisions, error) {
	patch, err := jsonpatch.DecodePatch(body)
	if err != nil {
		return Decisions{}, fmt.Errorf("overlay: %w", err)
	}
	d := Decisions{Removed: map[string]bool{}, Narrowed: map[string]bool{}}
	for i, op := range patch {
		p, err := op.Path()
		if err != nil {
			return Decisions{}, fmt.Errorf("overlay: operation %d: %w", i, err)
		}
		if p != "" && !strings.HasPrefix(p, "/") {
			return Decisions{}, fmt.Errorf("overlay: operation %d: path %q is not a JSON Pointer", i, p)
		}
		if loc, ok := enumOwner(p); ok {
			d.Narrowed[loc] = true
			continue
		}
		if op.Kind() == "remove" && isPropertyLocation(p) {
			d.Removed[p] = true
		}
	}
	return d, nil
}

// enumOwner returns the schema whose enum or const the pointer addresses (…/enum, …/enum/3, …/const).
func enumOwner(p string) (string, bool) {
	toks := strings.Split(p, "/")
	for i := len(toks) - 1; i >= 1 && i >= len(toks)-2; i-- {
		if (toks[i] == "enum" || toks[i] == "const") && !isPropertiesKey(toks, i) {
			return strings.Join(toks[:i], "/"), true
		}
	}
	return "", false
}

// isPropertyLocation reports whether p ends in /properties/<name> with "properties" a keyword, not
// a property that happens to be called "properties".
func isPropertyLocation(p string) bool {
	toks := strings.Split(p, "/")
	n := len(toks)
	return n >= 3 && toks[n-2] == "properties" && !isPropertiesKey(toks, n-2)
}

// isPropertiesKey reports whether toks[i] is a property name (the key right after a "properties"
// keyword) rather than a keyword. Walking from the root keeps "properties/properties" straight.
func isPropertiesKey(toks []string, i int) bool {
	name := false
	for j := 1; j <= i; j++ {
		switch {
		case name:
			name = false
			if j == i {
				return true
			}
		case toks[j] == "properties" || toks[j] == "definitions" || toks[j] == "patternProperties":
			name = true
		}
	}
	return false
}
