// Package identtest compares a hand-written syntax check with the regular expression it replaces,
// for the tests of the packages that use hook/ident.
package identtest

import (
	"regexp"
	"strings"
	"testing"
)

// Pieces are single bytes that sit on the class boundaries the checks use, separators, braces,
// a multi-byte rune and an invalid UTF-8 byte.
var Pieces = []string{"a", "z", "A", "Z", "0", "9", "_", "-", ".", "@", "/", ":", "{", "}", " ", "é", "\xff", "\n"}

// Exhaustive fails t where f and re disagree on any concatenation of up to depth pieces, or on a
// run of each piece (and of "a" led by each piece) of every length up to maxLen.
func Exhaustive(t *testing.T, re string, f func(string) bool, pieces []string, depth, maxLen int) {
	t.Helper()
	rx := regexp.MustCompile(re)
	check := func(s string) {
		if got, want := f(s), rx.MatchString(s); got != want {
			t.Fatalf("check(%q) = %v, %s says %v", s, got, re, want)
		}
	}
	var walk func(prefix string, d int)
	walk = func(prefix string, d int) {
		check(prefix)
		if d == 0 {
			return
		}
		for _, p := range pieces {
			walk(prefix+p, d-1)
		}
	}
	walk("", depth)
	for _, p := range pieces {
		for n := 0; n <= maxLen; n++ {
			check(strings.Repeat(p, n))
			check(p + strings.Repeat("a", n))
		}
	}
}

// Equal fails t where f and re disagree on s, for fuzz targets.
func Equal(t *testing.T, re *regexp.Regexp, f func(string) bool, s string) {
	t.Helper()
	if got, want := f(s), re.MatchString(s); got != want {
		t.Fatalf("check(%q) = %v, %s says %v", s, got, re, want)
	}
}

// Check pairs a hand-written check with the regexp it replaces.
type Check struct {
	Re string
	F  func(string) bool
}

// Fuzz runs every check against its regexp on each fuzzed string, from the given seeds.
func Fuzz(f *testing.F, checks []Check, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	res := make([]*regexp.Regexp, len(checks))
	for i, c := range checks {
		res[i] = regexp.MustCompile(c.Re)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, c := range checks {
			Equal(t, res[i], c.F, s)
		}
	})
}
