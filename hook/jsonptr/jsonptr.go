// Package jsonptr is rcfge's one implementation of RFC 6901 JSON Pointers: escaping reference
// tokens, building pointers, splitting them and asking whether one is at or below another. It
// imports only the standard library, so the Lambda and the tools share it.
package jsonptr

import (
	"errors"
	"strconv"
	"strings"
)

// Escape encodes one reference token ("~" → "~0", "/" → "~1").
func Escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// Unescape decodes one reference token ("~1" → "/", "~0" → "~"), in that order as RFC 6901 says.
func Unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// Append returns ptr followed by the escaped token.
func Append(ptr, tok string) string { return ptr + "/" + Escape(tok) }

// AppendIndex returns ptr followed by an array index.
func AppendIndex(ptr string, i int) string { return ptr + "/" + strconv.Itoa(i) }

// Format builds a pointer from unescaped tokens; no tokens is the root, "".
func Format(toks ...string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// ErrSyntax means a pointer is neither empty nor starts with "/".
var ErrSyntax = errors.New("JSON Pointer must be empty or start with /")

// Split returns a pointer's unescaped tokens; the root "" has none.
func Split(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, ErrSyntax
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = Unescape(t)
	}
	return toks, nil
}

// Under reports whether path is prefix itself or lies below it, token by token: /Tags/10 is not
// under /Tags/1. The root "" is above everything.
func Under(path, prefix string) bool {
	if prefix == "" || path == prefix {
		return true
	}
	return len(path) > len(prefix) && path[len(prefix)] == '/' && path[:len(prefix)] == prefix
}

// Parent returns the pointer of the enclosing value and the last (unescaped) token; the root
// has no parent and returns ("", "").
func Parent(ptr string) (parent, last string) {
	i := strings.LastIndexByte(ptr, '/')
	if i < 0 {
		return "", ""
	}
	return ptr[:i], Unescape(ptr[i+1:])
}

// Lookup resolves a pointer in a decoded JSON document (maps, slices); ok is false when a token
// names nothing.
func Lookup(doc any, ptr string) (v any, ok bool) {
	toks, err := Split(ptr)
	if err != nil {
		return nil, false
	}
	cur := doc
	for _, tok := range toks {
		switch t := cur.(type) {
		case map[string]any:
			c, found := t[tok]
			if !found {
				return nil, false
			}
			cur = c
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) || (len(tok) > 1 && tok[0] == '0') {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
