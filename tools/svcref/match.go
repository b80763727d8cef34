package svcref

import (
	"fmt"
	"slices"
	"strings"
)

// Match reports whether an IAM action pattern matches an action name, as IAM evaluates the Action
// element: the whole string is compared case-insensitively, '*' matches any run of characters
// (including none) and '?' exactly one.
func Match(pattern, name string) bool { return matchFold(pattern, name) }

// HasWildcard reports whether a pattern contains '*' or '?'.
func HasWildcard(pattern string) bool { return strings.ContainsAny(pattern, "*?") }

// Expand returns the canonical names of the actions a pattern matches, sorted. The pattern is "*"
// or "service:action" where either part may hold wildcards. A literal service prefix the catalogue
// does not know is ErrUnknownService; a pattern that matches nothing is ErrNoMatch; a malformed
// pattern is ErrInvalidPattern.
func (c *Catalog) Expand(pattern string) ([]string, error) {
	if pattern == "*" {
		return c.AllActions(), nil
	}
	svcPat, actPat, ok := strings.Cut(pattern, ":")
	if !ok || svcPat == "" || actPat == "" || strings.Contains(actPat, ":") {
		return nil, fmt.Errorf("%w %q: want \"service:Action\" or \"*\"", ErrInvalidPattern, pattern)
	}
	var services []*Service
	if HasWildcard(svcPat) {
		for _, s := range c.services {
			if matchFold(svcPat, s.Name) {
				services = append(services, s)
			}
		}
		if len(services) == 0 {
			return nil, fmt.Errorf("pattern %q: %w matches %q", pattern, ErrUnknownService, svcPat)
		}
	} else {
		s, ok := c.Service(svcPat)
		if !ok {
			return nil, fmt.Errorf("pattern %q: %w %q", pattern, ErrUnknownService, svcPat)
		}
		services = []*Service{s}
	}
	var out []string
	for _, s := range services {
		for i := range s.Actions {
			if matchFold(actPat, s.Actions[i].Name) {
				out = append(out, s.Actions[i].FullName())
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pattern %q: %w", pattern, ErrNoMatch)
	}
	slices.Sort(out)
	return out, nil
}

// matchFold is a glob match with ASCII case folding that does not allocate. It backtracks only to
// the most recent '*', which is enough for '*' and '?' and keeps it linear in practice.
func matchFold(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || lowerASCII(pattern[p]) == lowerASCII(s[i])):
			p++
			i++
		case starP >= 0:
			starI++
			p, i = starP+1, starI
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// templateGlob turns a templated condition key such as "aws:resourcetag/${tagkey}" or
// "s3:existingobjecttag/<key>" into a glob where each variable must match at least one character.
// ok is false for a key without variables.
func templateGlob(key string) (glob string, ok bool) {
	var b strings.Builder
	for {
		start, end := nextVariable(key)
		if start < 0 {
			break
		}
		ok = true
		b.WriteString(key[:start])
		b.WriteString("?*")
		key = key[end:]
	}
	if !ok {
		return "", false
	}
	b.WriteString(key)
	return b.String(), true
}

// nextVariable finds the first "${...}" or "<...>" in a key.
func nextVariable(key string) (start, end int) {
	for i := 0; i < len(key); i++ {
		var closer byte
		switch {
		case key[i] == '$' && i+1 < len(key) && key[i+1] == '{':
			closer = '}'
		case key[i] == '<':
			closer = '>'
		default:
			continue
		}
		if j := strings.IndexByte(key[i:], closer); j > 0 {
			return i, i + j + 1
		}
	}
	return -1, -1
}
