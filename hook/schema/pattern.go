package schema

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// pattern is a template's regular expression, matched as Go's regexp matches it.
//
// AWS patterns bound lengths with counted repetitions such as [A-Za-z0-9+=,.@_/-]{1,512}. RE2
// compiles X{m,n} into n copies of X: in a fresh process one such compile costs milliseconds,
// hundreds of page faults and a goroutine stack of up to 1 MB, and matching runs 3× slower. So a
// pattern is first compiled relaxed, every wide X{m,n} turned into X{m,}. The relaxed language
// holds the exact one, so a relaxed non-match is exact. A relaxed match is exact too while the
// input is shorter than any relaxed repetition could overflow: k iterations of X consume k·w runes
// at least, w being X's least width, so an input of at most (n+1)·w−1 runes never iterates X more
// than n times. Longer inputs, rare in CloudFormation, use the exact regexp, compiled on first need.
type pattern struct {
	src     string
	relaxed *regexp.Regexp // nil when no repetition was relaxed: exact is then compiled eagerly
	limit   int            // inputs of at most limit runes are decided by relaxed alone

	once  sync.Once
	exact *regexp.Regexp // nil when its compile failed: every long input then fails to match
}

// relaxSpan is how wide n−m must be before X{m,n} is relaxed: narrower repetitions such as
// \d{1,3} or [a-f0-9]{8} cost little to compile exactly.
const relaxSpan = 32

// MatchString reports whether s holds a match of the pattern.
func (p *pattern) MatchString(s string) bool {
	if p.relaxed != nil {
		if !p.relaxed.MatchString(s) {
			return false
		}
		if len(s) <= p.limit || utf8.RuneCountInString(s) <= p.limit {
			return true
		}
	}
	re := p.exactRegexp()
	return re != nil && re.MatchString(s)
}

// String returns the pattern as the template wrote it.
func (p *pattern) String() string { return p.src }

func (p *pattern) exactRegexp() *regexp.Regexp {
	p.once.Do(func() {
		// newPattern parsed src already, and Go's parser enforces RE2's size limits, so this
		// compile does not fail in practice; if it ever did, the nil regexp matches nothing.
		p.exact, _ = regexp.Compile(p.src)
	})
	return p.exact
}

// newPattern compiles src as Go's regexp.Compile would, relaxing wide repetitions.
func newPattern(src string) (*pattern, error) {
	tree, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", src, err)
	}
	p := &pattern{src: src, limit: maxWidth}
	if relax(tree, &p.limit) {
		// Go has no compile from a syntax tree: the relaxed tree goes back through its text,
		// used only if it parses to the very same tree.
		text := tree.String()
		if back, err := syntax.Parse(text, syntax.Perl); err == nil && back.Equal(tree) {
			p.relaxed, _ = regexp.Compile(text) // nil if it failed: the exact regexp then serves
		}
	}
	if p.relaxed == nil {
		p.once.Do(func() { p.exact, err = regexp.Compile(src) })
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression %q: %w", src, err)
		}
	}
	return p, nil
}

// maxWidth caps width arithmetic; no CloudFormation string is that long.
const maxWidth = 1 << 30

// relax turns every X{m,n} with n−m ≥ relaxSpan and a least width w ≥ 1 into X{m,}, lowering
// limit to (n+1)·w−1. It reports whether any repetition was relaxed.
func relax(re *syntax.Regexp, limit *int) bool {
	changed := false
	for _, sub := range re.Sub {
		if relax(sub, limit) {
			changed = true
		}
	}
	if re.Op == syntax.OpCharClass {
		// The parser already folded the class's ranges, and Go's compiler ignores FoldCase on a
		// class; cleared, a (?i) class compares equal to its reparsed text.
		re.Flags &^= syntax.FoldCase
	}
	// X{m,} (Max −1) and the narrow repetitions stay as they are.
	if re.Op != syntax.OpRepeat || re.Max-re.Min < relaxSpan {
		return changed
	}
	w := minWidth(re.Sub[0])
	if w < 1 {
		return changed
	}
	*limit = min(*limit, min(maxWidth, (re.Max+1)*w)-1)
	re.Max = -1
	return true
}

// minWidth is the fewest runes a match of re consumes (a lower bound, capped at maxWidth).
func minWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minWidth(re.Sub[0])
	case syntax.OpRepeat:
		return min(maxWidth, re.Min*minWidth(re.Sub[0]))
	case syntax.OpConcat:
		w := 0
		for _, sub := range re.Sub {
			w = min(maxWidth, w+minWidth(sub))
		}
		return w
	case syntax.OpAlternate:
		w := maxWidth
		for _, sub := range re.Sub {
			w = min(w, minWidth(sub))
		}
		return w
	default: // empty matches, assertions, X* and X?; and no-match, for which 0 is a safe bound
		return 0
	}
}

// patterns is shared by every template in the process: the same AWS patterns recur across types,
// and a compiled pattern is safe for concurrent use. It stops growing at maxCached patterns
// (templates come from the approved store, so that is a bound never met in practice).
var (
	patterns sync.Map
	cached   atomic.Int64
)

const maxCached = 1 << 14

func compilePattern(src string) (*pattern, error) {
	if p, ok := patterns.Load(src); ok {
		return p.(*pattern), nil
	}
	p, err := newPattern(src)
	if err != nil {
		return nil, err
	}
	if cached.Add(1) <= maxCached {
		patterns.Store(src, p)
	}
	return p, nil
}
