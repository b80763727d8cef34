package schema

import (
	"regexp"
	"strings"
	"testing"
)

// TestRelax: which repetitions are relaxed, and the input length up to which the relaxed regexp
// decides alone.
func TestRelax(t *testing.T) {
	tests := []struct {
		src     string
		relaxed bool
		limit   int
	}{
		{`^[A-Za-z0-9+=,.@_/-]{1,512}$`, true, 512},
		{`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@-]{1,64}$`, true, 64},
		{`^(ab){0,100}$`, true, 201},              // each iteration is two runes at least
		{`^(a|bc){1,64}$`, true, 64},              // the shorter alternative bounds the width
		{`^(a[0-9]){0,100}$`, true, 201},          // a concatenation's width is its parts' sum
		{`^((ab){3,4}c){0,40}$`, true, 286},       // an inner (ab){3,4} is 6 runes at least: 41·7−1
		{`^(x|[a-z]{2,40}){0,20}$`, true, 40},     // only the inner repetition is wide enough
		{`^[a-z]{1,40}\.[a-z]{0,100}$`, true, 40}, // the tighter of two relaxed bounds
		{`^(?i)[a-z]{0,255}$`, true, 255},
		{`^[a-z]{1,16}$`, false, 0},  // too narrow to be worth it
		{`^[a-f0-9]{64}$`, false, 0}, // no span: relaxing the lower bound would not be exact
		{`^(a*){1,64}$`, false, 0},   // an iteration may be empty: no length bounds the count
		{`^(\b){1,64}$`, false, 0},
		{`^.*$`, false, 0},
		{`^[a-z]{5,}$`, false, 0},
		// Its relaxed text reparses to a differently factored tree, so the exact regexp is used.
		{`^(arn:(?:aws|aws-cn|aws-us-gov|aws-iso-{0,1}[a-z]{0,1}):[a-z0-9-]+:[a-z0-9-]*:[0-9]+:[a-z0-9-]+/[a-zA-Z0-9_~.-]{6,64}|[a-zA-Z0-9_~.-]{6,64})$`, false, 0},
	}
	for _, tt := range tests {
		p, err := newPattern(tt.src)
		if err != nil {
			t.Fatalf("newPattern(%q): %v", tt.src, err)
		}
		if got := p.relaxed != nil; got != tt.relaxed {
			t.Errorf("%q relaxed = %v, want %v", tt.src, got, tt.relaxed)
			continue
		}
		if tt.relaxed && p.limit != tt.limit {
			t.Errorf("%q limit = %d, want %d", tt.src, p.limit, tt.limit)
		}
		if !tt.relaxed && p.exact == nil {
			t.Errorf("%q: not relaxed, yet its exact regexp was not compiled up front", tt.src)
		}
		if p.String() != tt.src {
			t.Errorf("String() = %q, want the template's %q", p.String(), tt.src)
		}
	}
}

// TestPatternAtTheLimit: around each relaxed bound, in bytes and in runes, the pattern answers
// as Go's regexp does, and the exact regexp is compiled only when the relaxed one matched an input
// too long for it to decide.
func TestPatternAtTheLimit(t *testing.T) {
	tests := []struct {
		src string
		in  []string
	}{
		{`^[a-z]{1,64}$`, []string{"", "a", strings.Repeat("a", 64), strings.Repeat("a", 65), strings.Repeat("a", 64) + "1"}},
		{`^.{1,64}$`, []string{
			strings.Repeat("é", 64), strings.Repeat("é", 65), // two bytes a rune
			strings.Repeat("\xff", 64), strings.Repeat("\xff", 65), // an invalid byte is one rune
			strings.Repeat("a", 63) + "\n",
		}},
		{`[a-z]{40,80}`, []string{strings.Repeat("a", 39), strings.Repeat("a", 81), "1" + strings.Repeat("a", 100) + "1"}},
		{`^(ab){0,100}$`, []string{strings.Repeat("ab", 100), strings.Repeat("ab", 100) + "a", strings.Repeat("ab", 101)}},
		{`^[a-z]{1,40}\.[a-z]{0,100}$`, []string{strings.Repeat("a", 40) + ".", strings.Repeat("a", 41) + ".", "a." + strings.Repeat("a", 101)}},
		{`^(x[a-z]{0,32}){0,30}$`, []string{strings.Repeat("x"+strings.Repeat("a", 32), 30), strings.Repeat("x"+strings.Repeat("a", 32), 31), "x" + strings.Repeat("a", 33)}},
	}
	for _, tt := range tests {
		want := regexp.MustCompile(tt.src)
		for _, s := range tt.in {
			p, err := newPattern(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.MatchString(s); got != want.MatchString(s) {
				t.Errorf("%q.MatchString(%q) = %v, regexp says %v", tt.src, s, got, !got)
			}
			need := len([]rune(s)) > p.limit && p.relaxed.MatchString(s)
			if compiled := p.exact != nil; compiled != need {
				t.Errorf("%q on %d runes (limit %d): exact regexp compiled = %v, want %v", tt.src, len([]rune(s)), p.limit, compiled, need)
			}
		}
	}
}

// TestPatternErrors: an invalid pattern is one error naming it; the cache keeps valid ones only.
func TestPatternErrors(t *testing.T) {
	for _, src := range []string{`(?!x)`, `[a-z]{1,1001}`, `(`, `\8`} {
		_, err := compilePattern(src)
		if err == nil || !strings.Contains(err.Error(), "invalid regular expression") || !strings.Contains(err.Error(), src) {
			t.Errorf("compilePattern(%q) error = %v, want one naming the pattern", src, err)
		}
		if _, ok := patterns.Load(src); ok {
			t.Errorf("invalid pattern %q was cached", src)
		}
	}
}

// TestPatternConcurrent: goroutines meeting a long input together compile the exact regexp once
// and all read it safely (run under -race by scripts/test.sh).
func TestPatternConcurrent(t *testing.T) {
	p, err := newPattern(`^[a-z]{1,100}$`)
	if err != nil {
		t.Fatal(err)
	}
	long, short := strings.Repeat("a", 101), strings.Repeat("a", 100)
	errs := make(chan string, 16)
	for i := range 16 {
		go func() {
			in, want := short, true
			if i%2 == 0 {
				in, want = long, false
			}
			if p.MatchString(in) != want {
				errs <- in
				return
			}
			errs <- ""
		}()
	}
	for range 16 {
		if in := <-errs; in != "" {
			t.Errorf("MatchString(%d runes) wrong under concurrency", len(in))
		}
	}
	if p.exact == nil {
		t.Error("the long inputs did not compile the exact regexp")
	}
}
