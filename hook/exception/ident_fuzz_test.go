package exception

import (
	"testing"

	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/ident/identtest"
)

// The checks replace these regexps and must agree with them on every input.
var identChecks = []identtest.Check{
	{Re: `^[0-9]{12}$`, F: ident.AccountID},
	{Re: `^[A-Za-z0-9]{1,255}$`, F: validLogicalID},
	{Re: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, F: validID},
}

func TestIdentChecksMatchRegexps(t *testing.T) {
	t.Parallel()
	for _, c := range identChecks {
		identtest.Exhaustive(t, c.Re, c.F, identtest.Pieces, 4, 300)
	}
}

func FuzzIdentChecks(f *testing.F) {
	identtest.Fuzz(f, identChecks, "111122223333", "Bucket1", "x-1.a_b")
}
