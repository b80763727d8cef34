package schema

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/rcfge/rcfge/tools/realdata"
)

// patternSeeds are AWS patterns of the shapes the relaxation meets: wide counted repetitions,
// nested and alternated ones, case folding, unanchored ones.
var patternSeeds = []string{
	`^[A-Za-z0-9+=,.@_/-]{1,512}$`,
	`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/[\w+=,.@-]{1,64}$`,
	`^(?i)[a-z0-9-]{0,255}$`,
	`[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t\n\r]{1,1024}`,
	`^([a-z]{1,20}\.){0,40}[a-z]{1,63}$`,
	`^(ab|c){0,100}x$`,
	`^.{0,500}$`,
	`^[^\s]{1,100}\s?$`,
}

// checkPattern fails t when the pattern disagrees with Go's regexp on s.
func checkPattern(t *testing.T, p *pattern, want *regexp.Regexp, s string) {
	t.Helper()
	if got := p.MatchString(s); got != want.MatchString(s) {
		t.Fatalf("pattern %q on %q (%d runes, limit %d): %v, regexp says %v", p.src, s, len([]rune(s)), p.limit, got, !got)
	}
}

// FuzzPattern: any pattern compiles exactly when Go's regexp compiles it, and then matches every
// input, short or past its relaxed bound, as Go's regexp does.
func FuzzPattern(f *testing.F) {
	for _, p := range patternSeeds {
		f.Add(p, "abc", uint16(70))
		f.Add(p, "arn:aws:iam::123456789012:role/x", uint16(1))
		f.Add(p, "é\xff", uint16(300))
	}
	f.Fuzz(func(t *testing.T, src, s string, n uint16) {
		want, werr := regexp.Compile(src)
		p, err := newPattern(src)
		if (err == nil) != (werr == nil) {
			t.Fatalf("newPattern(%q) error %v, regexp.Compile error %v", src, err, werr)
		}
		if err != nil {
			return
		}
		checkPattern(t, p, want, s)
		if s != "" {
			long := strings.Repeat(s, 1+int(n%1100)/len(s))
			checkPattern(t, p, want, long)
			checkPattern(t, p, want, long[:len(long)/2])
		}
	})
}

// TestPatternsAgreeOnRealSchemas: every pattern in AWS's provider schemas that Go parses matches
// as Go's regexp does, on inputs built from the pattern itself with each repetition iterated at
// and just past its bounds, and on their one-rune edits.
func TestPatternsAgreeOnRealSchemas(t *testing.T) {
	srcs := realPatterns(t, realdata.Dir(t, "cfn-schemas/us-east-1"))
	rng := rand.New(rand.NewPCG(1, 2))
	relaxed, inputs := 0, 0
	for _, src := range srcs {
		want, err := regexp.Compile(src)
		if err != nil {
			continue // the generator translates or drops what RE2 rejects
		}
		p, err := newPattern(src)
		if err != nil {
			t.Fatalf("newPattern(%q): %v", src, err)
		}
		if p.relaxed != nil {
			relaxed++
		}
		tree, err := syntax.Parse(src, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for range 12 {
			var b strings.Builder
			generate(&b, tree, rng)
			s := b.String()
			for _, in := range edits(s, rng) {
				checkPattern(t, p, want, in)
				inputs++
			}
		}
	}
	t.Logf("%d real patterns, %d relaxed, %d inputs agree", len(srcs), relaxed, inputs)
	if relaxed == 0 {
		t.Error("no real pattern was relaxed: the test exercises nothing")
	}
}

// realPatterns returns the distinct pattern and patternProperties regular expressions of the
// provider schemas in dir.
func realPatterns(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider schemas in %s: %v", dir, err)
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && k == "pattern" {
					seen[s] = true
				}
				if m, ok := e.(map[string]any); ok && k == "patternProperties" {
					for p := range m {
						seen[p] = true
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v)
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// generate writes a string the regexp tree nearly matches: each repetition iterates at a bound,
// one past it or in between, so inputs land on both sides of every relaxed limit.
func generate(b *strings.Builder, re *syntax.Regexp, rng *rand.Rand) {
	if b.Len() > 1<<13 {
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && rng.IntN(2) == 0 {
				r = unicode.SimpleFold(r)
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return
		}
		i := 2 * rng.IntN(len(re.Rune)/2)
		lo, hi := re.Rune[i], re.Rune[i+1]
		r := lo + rune(rng.IntN(int(min(hi-lo, 64))+1))
		if rng.IntN(2) == 0 {
			r = hi - rune(rng.IntN(int(min(hi-lo, 64))+1))
		}
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteString([]string{"a", "é", "\xff", "\n", "💡"}[rng.IntN(5)])
	case syntax.OpCapture:
		generate(b, re.Sub[0], rng)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			generate(b, sub, rng)
		}
	case syntax.OpAlternate:
		generate(b, re.Sub[rng.IntN(len(re.Sub))], rng)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := re.Min, re.Max
		switch re.Op {
		case syntax.OpStar:
			lo, hi = 0, 3
		case syntax.OpPlus:
			lo, hi = 1, 3
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		if hi < 0 {
			hi = lo + 3
		}
		n := []int{lo, hi, hi + 1, lo + rng.IntN(hi-lo+1), max(lo-1, 0)}[rng.IntN(5)]
		for range n {
			generate(b, re.Sub[0], rng)
		}
	}
}

// edits returns s and a few one-rune edits of it: the inputs a bound is most likely to be wrong on.
func edits(s string, rng *rand.Rand) []string {
	out := []string{s, s + "a", "a" + s}
	if r := []rune(s); len(r) > 0 {
		i := rng.IntN(len(r))
		out = append(out, string(r[:len(r)-1]), string(r[1:]), string(slices.Delete(slices.Clone(r), i, i+1)))
	}
	return out
}
