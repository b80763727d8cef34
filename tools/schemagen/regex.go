package schemagen

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// CloudFormation validates provider schemas with java.util.regex (through everit-org/json-schema),
// so a pattern RE2 rejects is read here with Java's rules and rewritten only where RE2 can express
// exactly the same language. Anything else is refused with an UntranslatableError and the caller
// drops the pattern: a dropped pattern loosens nothing AWS itself does not still enforce when it
// provisions, whereas a guessed translation could silently approve or deny the wrong values.

// ErrUntranslatable is the sentinel behind every UntranslatableError.
var ErrUntranslatable = errors.New("no exact RE2 equivalent")

// UntranslatableError says why a pattern has no exact RE2 equivalent.
type UntranslatableError struct {
	Reason string
}

func (e *UntranslatableError) Error() string { return ErrUntranslatable.Error() + ": " + e.Reason }

// Unwrap makes errors.Is(err, ErrUntranslatable) work.
func (e *UntranslatableError) Unwrap() error { return ErrUntranslatable }

func untranslatable(format string, args ...any) error {
	return &UntranslatableError{Reason: fmt.Sprintf(format, args...)}
}

// maxRepeat is RE2's limit on a single repeat count.
const maxRepeat = 1000

// maxExpandedRepeat bounds the counts rewritten as concatenations (the real schemas go up to
// 8192), so that a hostile pattern cannot blow up the compiled program.
const maxExpandedRepeat = 10000

// javaLineEnd is what Java's \Z (and non-multiline $) allows before the end of input: one line
// terminator out of the six Java recognises without UNIX_LINES.
const javaLineEnd = `(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?\z`

// javaDot is Java's . without DOTALL: anything but a line terminator. RE2's . only excludes \n.
const javaDot = `[^\n\r\x{85}\x{2028}\x{2029}]`

// javaSpace is Java's \s: RE2's \s lacks \x0B.
const javaSpace = `\t\n\x0B\f\r\x20`

// TranslatePattern rewrites a Java regular expression as an RE2 one that matches exactly the same
// strings, or returns an *UntranslatableError. A pattern RE2 already accepts should be kept as it is;
// this is for the ones it rejects. The result always compiles with regexp.Compile.
func TranslatePattern(p string) (string, error) {
	t := &translator{src: []rune(p)}
	out, err := t.alternation(0)
	if err != nil {
		return "", err
	}
	if t.pos < len(t.src) {
		return "", untranslatable("unbalanced ')' at offset %d", t.pos)
	}
	if _, err := regexp.Compile(out); err != nil {
		return "", untranslatable("rewrite rejected by RE2: %v", err)
	}
	return out, nil
}

type translator struct {
	src []rune
	pos int
}

func (t *translator) eof() bool { return t.pos >= len(t.src) }

func (t *translator) peek() rune {
	if t.eof() {
		return 0
	}
	return t.src[t.pos]
}

func (t *translator) peekAt(off int) rune {
	if t.pos+off >= len(t.src) {
		return 0
	}
	return t.src[t.pos+off]
}

func (t *translator) hasPrefix(s string) bool {
	r := []rune(s)
	if t.pos+len(r) > len(t.src) {
		return false
	}
	for i, c := range r {
		if t.src[t.pos+i] != c {
			return false
		}
	}
	return true
}

// alternation parses branches separated by | up to a ')' (not consumed) or the end.
func (t *translator) alternation(depth int) (string, error) {
	var b strings.Builder
	for {
		seq, err := t.sequence(depth)
		if err != nil {
			return "", err
		}
		b.WriteString(seq)
		if t.peek() == '|' && !t.eof() {
			t.pos++
			b.WriteByte('|')
			continue
		}
		return b.String(), nil
	}
}

// atom is one translated unit that a quantifier may follow.
type atom struct {
	text       string // a single RE2 atom: safe to follow with a quantifier
	quantified bool   // false for anchors, which take no quantifier
}

func (t *translator) sequence(depth int) (string, error) {
	var b strings.Builder
	for !t.eof() {
		c := t.peek()
		if c == '|' || c == ')' {
			if c == ')' && depth == 0 {
				return "", untranslatable("unbalanced ')' at offset %d", t.pos)
			}
			break
		}
		a, err := t.atom(depth)
		if err != nil {
			return "", err
		}
		q, err := t.quantifier(a)
		if err != nil {
			return "", err
		}
		b.WriteString(q)
	}
	return b.String(), nil
}

func (t *translator) atom(depth int) (atom, error) {
	c := t.src[t.pos]
	switch c {
	case '(':
		return t.group(depth)
	case '[':
		s, err := t.class()
		return atom{text: s, quantified: true}, err
	case '.':
		t.pos++
		return atom{text: javaDot, quantified: true}, nil
	case '^':
		t.pos++
		return atom{text: "^"}, nil
	case '$':
		t.pos++
		// Kept as RE2's end of text, as for the patterns RE2 accepts unchanged: JSON Schema
		// defines pattern as ECMA-262, where $ is the end of input.
		return atom{text: "$"}, nil
	case '*', '+', '?':
		return atom{}, untranslatable("dangling quantifier %q at offset %d", c, t.pos)
	case '{':
		// Java reads a { with nothing before it as a repeat of the empty string: the quantifier
		// that follows applies to nothing. Only a quantifier directly after another is seen here.
		return atom{}, untranslatable("repeat count with nothing to repeat at offset %d", t.pos)
	case '\\':
		return t.escape()
	}
	t.pos++
	return atom{text: literal(c), quantified: true}, nil
}

func (t *translator) group(depth int) (atom, error) {
	start := t.pos
	t.pos++ // (
	open := "("
	switch {
	case t.hasPrefix("?:"):
		t.pos += 2
		open = "(?:"
	case t.hasPrefix("?="), t.hasPrefix("?!"):
		return atom{}, untranslatable("lookahead %q", string(t.src[start:start+3]))
	case t.hasPrefix("?<="), t.hasPrefix("?<!"):
		return atom{}, untranslatable("lookbehind %q", string(t.src[start:start+4]))
	case t.hasPrefix("?>"):
		return atom{}, untranslatable("atomic group")
	case t.hasPrefix("?<"):
		end := t.pos + 2
		for end < len(t.src) && t.src[end] != '>' {
			end++
		}
		if end >= len(t.src) {
			return atom{}, untranslatable("unterminated group name")
		}
		name := string(t.src[t.pos+2 : end])
		t.pos = end + 1
		open = "(?P<" + name + ">"
	case t.peek() == '?':
		// Inline flags differ: Java's (?i) folds ASCII only, (?U) means Unicode classes, (?x)
		// comments; RE2's (?i) folds Unicode and (?U) means ungreedy.
		return atom{}, untranslatable("inline flags at offset %d", start)
	}
	inner, err := t.alternation(depth + 1)
	if err != nil {
		return atom{}, err
	}
	if t.peek() != ')' || t.eof() {
		return atom{}, untranslatable("unterminated group at offset %d", start)
	}
	t.pos++
	return atom{text: open + inner + ")", quantified: true}, nil
}

// quantifier parses an optional quantifier after a and returns the translated term.
func (t *translator) quantifier(a atom) (string, error) {
	q, lo, hi, ok, err := t.readQuantifier()
	if err != nil || !ok {
		return a.text, err
	}
	if !a.quantified {
		return "", untranslatable("quantifier on an anchor at offset %d", t.pos)
	}
	switch t.peek() {
	case '?':
		t.pos++ // lazy: the same language, and a pattern only asks whether a match exists
	case '+':
		return "", untranslatable("possessive quantifier at offset %d", t.pos)
	}
	// Java applies a count written straight after a quantifier to the empty string, which
	// always matches; read as a nested repeat instead it gives the same language whenever the
	// inner quantifier is * or + and the count's minimum is at least 1 (or the inner is *).
	// Only then is the count dropped.
	if q2, lo2, _, again, err := t.readQuantifier(); err != nil {
		return "", err
	} else if again {
		if q2 != "{" || (q != "*" && q != "+") || (q == "+" && lo2 == 0) || t.peek() == '?' || t.peek() == '+' {
			return "", untranslatable("nested repetition at offset %d", t.pos)
		}
	}
	if q != "{" {
		return a.text + q, nil
	}
	return repeat(a.text, lo, hi), nil
}

// readQuantifier reads *, +, ? or {n}, {n,}, {n,m}; hi is -1 when unbounded.
func (t *translator) readQuantifier() (q string, lo, hi int, ok bool, err error) {
	if t.eof() {
		return "", 0, 0, false, nil
	}
	switch c := t.peek(); c {
	case '*', '+', '?':
		t.pos++
		return string(c), 0, 0, true, nil
	case '{':
	default:
		return "", 0, 0, false, nil
	}
	start := t.pos
	end := start + 1
	for end < len(t.src) && t.src[end] != '}' {
		end++
	}
	if end >= len(t.src) {
		return "", 0, 0, false, untranslatable("illegal repetition at offset %d", start)
	}
	body := string(t.src[start+1 : end])
	loText, hiText, hasComma := strings.Cut(body, ",")
	lo, err1 := strconv.Atoi(loText)
	hi = lo
	var err2 error
	if hasComma {
		hi = -1
		if hiText != "" {
			hi, err2 = strconv.Atoi(hiText)
		}
	}
	if err1 != nil || err2 != nil || lo < 0 || (hi >= 0 && hi < lo) || strings.ContainsAny(body, " +-") {
		return "", 0, 0, false, untranslatable("illegal repetition %q at offset %d", "{"+body+"}", start)
	}
	if lo > maxExpandedRepeat || hi > maxExpandedRepeat {
		return "", 0, 0, false, untranslatable("repeat count %q above %d at offset %d", "{"+body+"}", maxExpandedRepeat, start)
	}
	t.pos = end + 1
	return "{", lo, hi, true, nil
}

// repeat writes x{lo,hi} (hi -1: unbounded). Counts above RE2's limit become a concatenation of
// smaller repeats, which is the same language; nesting them instead would trip RE2's limit on the
// product of nested counts.
func repeat(x string, lo, hi int) string {
	var b strings.Builder
	write := func(lo, hi int) {
		switch {
		case lo == hi:
			fmt.Fprintf(&b, "%s{%d}", x, lo)
		case hi < 0:
			fmt.Fprintf(&b, "%s{%d,}", x, lo)
		default:
			fmt.Fprintf(&b, "%s{%d,%d}", x, lo, hi)
		}
	}
	for lo > maxRepeat {
		write(maxRepeat, maxRepeat)
		lo -= maxRepeat
		if hi > 0 {
			hi -= maxRepeat
		}
	}
	switch {
	case hi < 0:
		write(lo, -1)
	case hi <= maxRepeat:
		if lo > 0 || hi > 0 {
			write(lo, hi)
		}
	default:
		if lo > 0 {
			write(lo, lo)
		}
		for rest := hi - lo; rest > 0; rest -= maxRepeat {
			write(0, min(rest, maxRepeat))
		}
	}
	return b.String()
}

func (t *translator) escape() (atom, error) {
	start := t.pos
	t.pos++ // backslash
	if t.eof() {
		return atom{}, untranslatable("trailing backslash")
	}
	c := t.src[t.pos]
	switch c {
	case 'A':
		t.pos++
		return atom{text: `\A`}, nil
	case 'z':
		t.pos++
		return atom{text: `\z`}, nil
	case 'Z':
		t.pos++
		if !t.inTail() {
			return atom{}, untranslatable(`\Z before the end of its branch at offset %d`, start)
		}
		// Java's \Z is the end of input but for one final line terminator. In tail position
		// nothing after it looks at the position, so consuming that terminator is equivalent.
		return atom{text: javaLineEnd}, nil
	case 'd', 'D', 'w', 'W':
		t.pos++
		return atom{text: `\` + string(c), quantified: true}, nil
	case 's':
		t.pos++
		return atom{text: "[" + javaSpace + "]", quantified: true}, nil
	case 'S':
		t.pos++
		return atom{text: "[^" + javaSpace + "]", quantified: true}, nil
	case 'p', 'P':
		set, err := t.property()
		if err != nil {
			return atom{}, err
		}
		return atom{text: set.outside(), quantified: true}, nil
	case 'Q':
		t.pos++
		var b strings.Builder
		n := 0
		for !t.eof() && !t.hasPrefix(`\E`) {
			b.WriteString(literal(t.src[t.pos]))
			t.pos++
			n++
		}
		if t.hasPrefix(`\E`) {
			t.pos += 2
		}
		if n == 1 {
			return atom{text: b.String(), quantified: true}, nil
		}
		return atom{text: "(?:" + b.String() + ")", quantified: true}, nil
	}
	r, err := t.charEscape()
	if err != nil {
		return atom{}, err
	}
	return atom{text: literal(r), quantified: true}, nil
}

// inTail reports whether, from the current position, only group ends and branch ends follow: the
// position then ends the whole match.
func (t *translator) inTail() bool {
	for i := t.pos; i < len(t.src); i++ {
		switch t.src[i] {
		case '|':
			return true
		case ')':
			if n := i + 1; n < len(t.src) && strings.ContainsRune("*+?{", t.src[n]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// charEscape reads an escape that stands for one character; t.pos is on the letter after '\'.
func (t *translator) charEscape() (rune, error) {
	start := t.pos - 1
	c := t.src[t.pos]
	t.pos++
	switch c {
	case 't':
		return '\t', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 'f':
		return '\f', nil
	case 'a':
		return '\a', nil
	case 'e':
		return 0x1B, nil
	case 'u':
		r, err := t.hex(4, start)
		if err != nil {
			return 0, err
		}
		// Java joins an escaped high surrogate and an escaped low surrogate into one code point.
		if utf16.IsSurrogate(r) && r < 0xDC00 && t.hasPrefix(`\u`) {
			save := t.pos
			t.pos += 2
			lo, err := t.hex(4, save)
			if err == nil && lo >= 0xDC00 && lo <= 0xDFFF {
				return utf16.DecodeRune(r, lo), nil
			}
			t.pos = save
		}
		return r, nil
	case 'x':
		if t.peek() == '{' {
			end := t.pos + 1
			for end < len(t.src) && t.src[end] != '}' {
				end++
			}
			v, err := strconv.ParseUint(string(t.src[t.pos+1:end]), 16, 32)
			if end >= len(t.src) || err != nil || v > 0x10FFFF {
				return 0, untranslatable("bad \\x{...} escape at offset %d", start)
			}
			t.pos = end + 1
			return rune(v), nil
		}
		return t.hex(2, start)
	case '0':
		n, v := 0, 0
		for n < 3 && t.peek() >= '0' && t.peek() <= '7' && !t.eof() {
			v = v*8 + int(t.peek()-'0')
			t.pos++
			n++
		}
		if n == 0 || v > 0377 {
			return 0, untranslatable("bad octal escape at offset %d", start)
		}
		return rune(v), nil
	case 'c':
		if t.eof() {
			return 0, untranslatable("bad control escape at offset %d", start)
		}
		r := t.src[t.pos] ^ 64
		t.pos++
		return r, nil
	}
	switch {
	case c >= '1' && c <= '9', c == 'k':
		return 0, untranslatable("backreference at offset %d", start)
	case c == 'b' || c == 'B' || c == 'G':
		return 0, untranslatable(`\%c has no exact RE2 equivalent (offset %d)`, c, start)
	case c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
		return 0, untranslatable(`escape \%c at offset %d`, c, start)
	}
	return c, nil // an escaped non-letter is that character
}

func (t *translator) hex(n, start int) (rune, error) {
	if t.pos+n > len(t.src) {
		return 0, untranslatable("short hex escape at offset %d", start)
	}
	v, err := strconv.ParseUint(string(t.src[t.pos:t.pos+n]), 16, 32)
	if err != nil {
		return 0, untranslatable("bad hex escape at offset %d", start)
	}
	t.pos += n
	return rune(v), nil
}

// literal writes one character as an RE2 atom outside a class.
func literal(r rune) string {
	if r >= ' ' && r < 0x7F {
		return regexp.QuoteMeta(string(r))
	}
	return controlOrHex(r)
}

// classChar writes one character for use inside an RE2 class.
func classChar(r rune) string {
	switch {
	case strings.ContainsRune(`\]^-[`, r):
		return `\` + string(r)
	case r >= ' ' && r < 0x7F:
		return string(r)
	}
	return controlOrHex(r)
}

func controlOrHex(r rune) string {
	switch r {
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\f':
		return `\f`
	}
	return fmt.Sprintf(`\x{%X}`, r)
}

// charSet is a translated \p{...} or \P{...}: a body usable inside an RE2 class, negated or not.
type charSet struct {
	body    string // class contents, e.g. `\x21-\x7E` or `\p{L}`
	negated bool
}

func (s charSet) outside() string {
	if s.negated {
		return "[^" + s.body + "]"
	}
	return "[" + s.body + "]"
}

// posixClasses are Java's POSIX property names: US-ASCII only unless UNICODE_CHARACTER_CLASS.
var posixClasses = map[string]string{
	"Lower":  `a-z`,
	"Upper":  `A-Z`,
	"ASCII":  `\x00-\x7F`,
	"Alpha":  `A-Za-z`,
	"Digit":  `0-9`,
	"Alnum":  `0-9A-Za-z`,
	"Punct":  `!-/:-@\[-\x60\{-~`,
	"Graph":  `\x21-\x7E`,
	"Print":  `\x20-\x7E`,
	"Blank":  `\t\x20`,
	"Cntrl":  `\x00-\x1F\x7F`,
	"XDigit": `0-9A-Fa-f`,
	"Space":  javaSpace,
}

// unicodeCategories are the general categories both engines know by the same name.
var unicodeCategories = map[string]bool{
	"L": true, "Lu": true, "Ll": true, "Lt": true, "Lm": true, "Lo": true,
	"M": true, "Mn": true, "Mc": true, "Me": true,
	"N": true, "Nd": true, "Nl": true, "No": true,
	"P": true, "Pc": true, "Pd": true, "Ps": true, "Pe": true, "Pi": true, "Pf": true, "Po": true,
	"S": true, "Sm": true, "Sc": true, "Sk": true, "So": true,
	"Z": true, "Zs": true, "Zl": true, "Zp": true,
	"C": true, "Cc": true, "Cf": true, "Co": true, "Cs": true,
}

// property reads \p{Name}, \pL, \P{...}; t.pos is on the p or P.
func (t *translator) property() (charSet, error) {
	start := t.pos - 1
	negated := t.src[t.pos] == 'P'
	t.pos++
	var name string
	if t.peek() == '{' {
		end := t.pos + 1
		for end < len(t.src) && t.src[end] != '}' {
			end++
		}
		if end >= len(t.src) {
			return charSet{}, untranslatable("unterminated property at offset %d", start)
		}
		name = string(t.src[t.pos+1 : end])
		t.pos = end + 1
	} else if !t.eof() {
		name = string(t.src[t.pos])
		t.pos++
	}
	if body, ok := posixClasses[name]; ok {
		return charSet{body: body, negated: negated}, nil
	}
	cat := strings.TrimPrefix(name, "Is")
	cat = strings.TrimPrefix(cat, "general_category=")
	if unicodeCategories[cat] {
		return charSet{body: `\p{` + cat + `}`, negated: negated}, nil
	}
	return charSet{}, untranslatable("character property %q at offset %d", name, start)
}

// class translates a Java character class; t.pos is on '['.
func (t *translator) class() (string, error) {
	start := t.pos
	t.pos++
	var b strings.Builder
	b.WriteByte('[')
	if t.peek() == '^' && !t.eof() {
		b.WriteByte('^')
		t.pos++
	}
	if t.peek() == ']' {
		return "", untranslatable("']' first in a class at offset %d", start)
	}
	items := 0
	for {
		if t.eof() {
			return "", untranslatable("unterminated class at offset %d", start)
		}
		c := t.peek()
		switch {
		case c == ']':
			t.pos++
			if items == 0 {
				return "", untranslatable("empty class at offset %d", start)
			}
			b.WriteByte(']')
			return b.String(), nil
		case c == '[':
			return "", untranslatable("nested class (union) at offset %d", t.pos)
		case c == '&' && t.peekAt(1) == '&':
			return "", untranslatable("class intersection at offset %d", t.pos)
		}
		lo, set, err := t.classAtom()
		if err != nil {
			return "", err
		}
		items++
		if set != "" {
			b.WriteString(set)
			continue
		}
		// Java: a single character followed by '-' and anything but ']' or '[' is a range.
		if t.peek() == '-' && t.peekAt(1) != ']' && t.peekAt(1) != '[' && t.pos+1 < len(t.src) {
			t.pos++
			hi, hiSet, err := t.classAtom()
			if err != nil {
				return "", err
			}
			if hiSet != "" || hi < lo {
				return "", untranslatable("illegal class range at offset %d", t.pos)
			}
			b.WriteString(classChar(lo) + "-" + classChar(hi))
			continue
		}
		b.WriteString(classChar(lo))
	}
}

// classAtom reads one class member: a character (set == "") or a predefined set.
func (t *translator) classAtom() (r rune, set string, err error) {
	c := t.src[t.pos]
	if c != '\\' {
		t.pos++
		return c, "", nil
	}
	start := t.pos
	t.pos++
	if t.eof() {
		return 0, "", untranslatable("trailing backslash")
	}
	switch e := t.src[t.pos]; e {
	case 'd', 'D', 'w', 'W':
		t.pos++
		return 0, `\` + string(e), nil
	case 's':
		t.pos++
		return 0, javaSpace, nil
	case 'S':
		t.pos++
		// Everything but Java's \s, spelled out: RE2's \S would admit \x0B.
		return 0, `\x00-\x08\x0E-\x1F\x21-\x{10FFFF}`, nil
	case 'p', 'P':
		s, err := t.property()
		if err != nil {
			return 0, "", err
		}
		if s.negated {
			return 0, "", untranslatable("negated property inside a class at offset %d", start)
		}
		return 0, s.body, nil
	case 'Q':
		return 0, "", untranslatable(`\Q inside a class at offset %d`, start)
	}
	r, err = t.charEscape()
	return r, "", err
}
