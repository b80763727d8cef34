package lint

import (
	"maps"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/placeholder"
)

// meaning warns where a placeholder will not do what it reads as. Both are legal templates, so
// they are warnings, not errors:
//   - a list variable inside a larger pattern that is not anchored at both ends: the engine
//     writes the list as (?:a|b), and an unanchored pattern then admits any string that merely
//     contains one of the items ("arn:.*:$<keys>" admits "arn:x:k1-and-anything"). A pattern that
//     is exactly one list placeholder is anchored by the engine (^(?:a|b)$) and needs nothing.
//   - "$$<name>" where name is a placeholder the template knows: "$$<" is the escape for a
//     literal "$<", so the placeholder is swallowed and the text "$<name>" stays. In a pattern,
//     "\$$<accountID>" (a dollar sign, then the account) is the usual way to fall into it.
func (l *linter) meaning(file string, doc any, vars placeholder.Vars, declared map[string]bool) {
	known := func(name string) bool {
		_, ok := vars[name]
		return ok || declared[name] || placeholder.IsBuiltin(name)
	}
	var visit func(v any, ptr string, key string)
	visit = func(v any, ptr, key string) {
		switch t := v.(type) {
		case string:
			l.swallowed(file, ptr, t, known)
			if key == "pattern" {
				l.unanchoredList(file, ptr, t, vars)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if ptr == "" && k == "x-rcfge" {
					continue
				}
				child := jsonptr.Append(ptr, k)
				l.swallowed(file, child, k, known)
				if key == "patternProperties" {
					l.unanchoredList(file, child, k, vars)
				}
				visit(t[k], child, k)
			}
		case []any:
			for i, it := range t {
				visit(it, jsonptr.AppendIndex(ptr, i), "")
			}
		}
	}
	visit(doc, "", "")
}

// swallowed warns about each "$$<name>" whose name is a known placeholder, scanning as the engine
// parses: "$$<" first, then "$<name>", else a plain "$".
func (l *linter) swallowed(file, ptr, s string, known func(string) bool) {
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "$$<"):
			if k := strings.IndexByte(rest[3:], '>'); k >= 0 {
				name := rest[3 : 3+k]
				if placeholder.ValidName(name) && known(name) {
					l.add(file, RulePlaceholderMeaning, Warning, ptr,
						"$$<%s> is the literal text \"$<%s>\", not the placeholder: \"$$<\" escapes \"$<\" (for a dollar sign before the value in a pattern, write [$]$<%s>)", name, name, name)
				}
			}
			i += 3
		case strings.HasPrefix(rest, "$<"):
			k := strings.IndexByte(rest, '>')
			if k < 0 {
				return
			}
			i += k + 1
		default:
			i++
		}
	}
}

// unanchoredList warns about a list variable inside a pattern that is not anchored at both ends.
func (l *linter) unanchoredList(file, ptr, p string, vars placeholder.Vars) {
	var lists []string
	for name, v := range vars {
		if v.IsList() && strings.Contains(p, "$<"+name+">") && !strings.Contains(p, "$$<"+name+">") {
			lists = append(lists, name)
		}
	}
	if len(lists) == 0 {
		return
	}
	if len(lists) == 1 && p == "$<"+lists[0]+">" {
		return // the engine anchors a whole-pattern list: ^(?:a|b)$
	}
	if anchored(p) {
		return
	}
	slices.Sort(lists)
	l.add(file, RulePlaceholderMeaning, Warning, ptr,
		"list placeholder %s in a pattern not anchored at both ends: the pattern admits any string that contains one of the values; write ^…$ around it",
		"$<"+strings.Join(lists, ">, $<")+">")
}

// anchored reports whether a pattern starts with ^ and ends with an unescaped $ or \z, and has no
// top-level alternation that would leave a branch unanchored.
func anchored(p string) bool {
	if !strings.HasPrefix(p, "^") {
		return false
	}
	end := strings.HasSuffix(p, `\z`)
	if strings.HasSuffix(p, "$") {
		backslashes := 0
		for i := len(p) - 2; i >= 0 && p[i] == '\\'; i-- {
			backslashes++
		}
		end = backslashes%2 == 0
	}
	return end && !topLevelAlternation(p)
}

func topLevelAlternation(p string) bool {
	depth, class := 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			return true
		}
	}
	return false
}
