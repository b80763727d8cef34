package placeholder

import (
	"regexp"
	"testing"

	"github.com/rcfge/rcfge/hook/ident/identtest"
)

// ValidName replaces this regexp and must agree with it on every input.
const nameRegexp = `^[A-Za-z_][A-Za-z0-9_.-]{0,127}$`

func TestValidNameMatchesRegexp(t *testing.T) {
	t.Parallel()
	identtest.Exhaustive(t, nameRegexp, ValidName, identtest.Pieces, 4, 300)
}

func FuzzValidName(f *testing.F) {
	f.Add("accountID")
	f.Add("_a.b-c")
	re := regexp.MustCompile(nameRegexp)
	f.Fuzz(func(t *testing.T, s string) { identtest.Equal(t, re, ValidName, s) })
}
