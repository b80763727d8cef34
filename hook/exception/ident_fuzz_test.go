package exception

import (
	"regexp"
	"testing"

	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/ident/identtest"
)

// The checks replace these regexps and must agree with them on every input.
var identChecks = []struct {
	re string
	f  func(string) bool
}{
	{`^[0-9]{12}$`, ident.AccountID},
	{`^[A-Za-z0-9]{1,255}$`, validLogicalID},
	{`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, validID},
}

func TestIdentChecksMatchRegexps(t *testing.T) {
	t.Parallel()
	for _, c := range identChecks {
		identtest.Exhaustive(t, c.re, c.f, identtest.Pieces, 4, 300)
	}
}

func FuzzIdentChecks(f *testing.F) {
	f.Add("111122223333")
	f.Add("Bucket1")
	f.Add("x-1.a_b")
	res := make([]*regexp.Regexp, len(identChecks))
	for i, c := range identChecks {
		res[i] = regexp.MustCompile(c.re)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, c := range identChecks {
			identtest.Equal(t, res[i], c.f, s)
		}
	})
}
