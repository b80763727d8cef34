package schema

import "testing"

// TestRegexpCacheShares: the same pattern compiles once for every template in the process; an
// invalid one is an error naming it.
func TestRegexpCacheShares(t *testing.T) {
	a, err := compileRegexp("^rcfge-cache-test-[a-z]+$")
	if err != nil {
		t.Fatal(err)
	}
	b, err := compileRegexp("^rcfge-cache-test-[a-z]+$")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the second compile of a pattern did not reuse the first")
	}
	if _, err := compileRegexp("(?!x)"); err == nil {
		t.Error("an invalid pattern compiled")
	}
}
