// Package ident checks the syntax of the names and references rcfge accepts from requests,
// templates and exception files: account IDs, logical IDs, file and placeholder names, type names,
// dynamic references. Each check is a hand-written byte scan, equivalent on every input to the
// regular expression its doc comment gives (ident_test.go compares them, exhaustively on short
// strings and by fuzzing): package-level regexps with counted repetitions such as {1,255} compile
// into large RE2 programs, which cost the Lambda milliseconds of package initialisation on every
// cold start and the CLI a megabyte of heap.
package ident

import "strings"

// Set is a set of ASCII bytes; a byte of a multi-byte UTF-8 sequence is never in one, as an
// ASCII character class never matches one.
type Set [2]uint64

// NewSet builds a Set from the body of a regexp character class of ASCII ranges and single
// characters ("A-Za-z0-9._-"; a '-' first or last is literal). It panics on a malformed class:
// sets are package-level values written in source.
func NewSet(class string) Set {
	var s Set
	for i := 0; i < len(class); i++ {
		lo, hi := class[i], class[i]
		if i+2 < len(class) && class[i+1] == '-' {
			hi = class[i+2]
			i += 2
		}
		if lo > hi || hi >= 0x80 {
			panic("ident: bad class " + class)
		}
		for c := lo; ; c++ {
			s[c/64] |= 1 << (c % 64)
			if c == hi {
				break
			}
		}
	}
	return s
}

// Has reports whether c is in s.
func (s Set) Has(c byte) bool { return c < 0x80 && s[c/64]&(1<<(c%64)) != 0 }

// All reports whether every byte of str is in s (true for "").
func (s Set) All(str string) bool {
	for i := 0; i < len(str); i++ {
		if !s.Has(str[i]) {
			return false
		}
	}
	return true
}

// Word reports whether str is one byte of first followed by bytes of rest, minLen..maxLen bytes
// in all (minLen ≥ 1): the regexp ^[first][rest]{minLen-1,maxLen-1}$.
func Word(str string, first, rest Set, minLen, maxLen int) bool {
	return len(str) >= max(minLen, 1) && len(str) <= maxLen && first.Has(str[0]) && rest.All(str[1:])
}

// Run reports whether str is minLen..maxLen bytes of s: the regexp ^[s]{minLen,maxLen}$.
func Run(str string, s Set, minLen, maxLen int) bool {
	return len(str) >= minLen && len(str) <= maxLen && s.All(str)
}

var (
	digits   = NewSet("0-9")
	alnum    = NewSet("A-Za-z0-9")
	lowerDig = NewSet("a-z0-9-")
	lowerArn = NewSet("a-z-")
	secretID = NewSet("A-Za-z0-9/_+=.@-")
	ssmName  = NewSet("A-Za-z0-9/_.-")
)

// AccountID reports whether s is an AWS account ID: ^[0-9]{12}$.
func AccountID(s string) bool { return Run(s, digits, 12, 12) }

// SecretsManagerReference reports whether s, as a whole, is a Secrets Manager dynamic reference:
//
//	^\{\{resolve:secretsmanager:(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)(?::SecretString(?::[^:{}]*(?::[^:{}]*(?::[^:{}]*)?)?)?)?\}\}$
//
// No class of the secret ID holds ':', so each alternative splits at colons one way only.
func SecretsManagerReference(s string) bool {
	body, ok := strings.CutPrefix(s, "{{resolve:secretsmanager:")
	if !ok {
		return false
	}
	if body, ok = strings.CutSuffix(body, "}}"); !ok {
		return false
	}
	if rest, ok := secretARN(body); ok && secretTail(rest) {
		return true
	}
	n := span(body, secretID)
	return n > 0 && secretTail(body[n:])
}

// secretARN consumes arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+
// and returns what follows it.
func secretARN(s string) (string, bool) {
	s, ok := strings.CutPrefix(s, "arn:aws")
	if !ok {
		return "", false
	}
	s = s[span(s, lowerArn):]
	if s, ok = strings.CutPrefix(s, ":secretsmanager:"); !ok {
		return "", false
	}
	n := span(s, lowerDig)
	if n == 0 || n == len(s) || s[n] != ':' {
		return "", false
	}
	s = s[n+1:]
	if n = span(s, digits); n != 12 {
		return "", false
	}
	if s, ok = strings.CutPrefix(s[n:], ":secret:"); !ok {
		return "", false
	}
	if n = span(s, secretID); n == 0 {
		return "", false
	}
	return s[n:], true
}

// secretTail is (?::SecretString(?::[^:{}]*(?::[^:{}]*(?::[^:{}]*)?)?)?)?$: nothing, or
// :SecretString followed by up to three colon-led segments free of ':', '{' and '}'.
func secretTail(s string) bool {
	if s == "" {
		return true
	}
	s, ok := strings.CutPrefix(s, ":SecretString")
	if !ok {
		return false
	}
	return s == "" || s[0] == ':' && strings.Count(s, ":") <= 3 && !strings.ContainsAny(s, "{}")
}

// SSMSecureReference reports whether s, as a whole, is an SSM SecureString dynamic reference:
// ^\{\{resolve:ssm-secure:[A-Za-z0-9/_.-]+(?::[0-9]+)?\}\}$.
func SSMSecureReference(s string) bool {
	body, ok := strings.CutPrefix(s, "{{resolve:ssm-secure:")
	if !ok {
		return false
	}
	if body, ok = strings.CutSuffix(body, "}}"); !ok {
		return false
	}
	name, version, hasVersion := strings.Cut(body, ":")
	return Run(name, ssmName, 1, len(name)) && (!hasVersion || Run(version, digits, 1, len(version)))
}

// span is the length of the longest prefix of str made of bytes in s.
func span(str string, s Set) int {
	for i := 0; i < len(str); i++ {
		if !s.Has(str[i]) {
			return i
		}
	}
	return len(str)
}
