package schema

import "testing"

// TestRegexpCacheShares: the same pattern compiles once for every template in the process; an
// invalid one is an error naming it.
func TestRegexpCacheShares(t *testing.T) {
	a, err := compilePattern("^rcfge-cache-test-[a-z]+$")
	if err != nil {
		t.Fatal(err)
	}
	b, err := compilePattern("^rcfge-cache-test-[a-z]+$")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the second compile of a pattern did not reuse the first")
	}
	if _, err := compilePattern("(?!x)"); err == nil {
		t.Error("an invalid pattern compiled")
	}
}

// TestPatternCheckRemembered: a pattern Compile has checked is not parsed again.
func TestPatternCheckRemembered(t *testing.T) {
	const p = "^rcfge-parse-test-[0-9]+$"
	if err := checkRegexp(p); err != nil {
		t.Fatal(err)
	}
	if _, ok := parsed.Load(p); !ok {
		t.Error("a checked pattern was not remembered")
	}
	if err := checkRegexp("(?<!x)"); err == nil {
		t.Error("an invalid pattern passed the check")
	}
}
