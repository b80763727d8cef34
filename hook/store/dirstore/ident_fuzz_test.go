package dirstore

import (
	"regexp"
	"testing"

	"github.com/rcfge/rcfge/hook/ident/identtest"
)

// validFile replaces this regexp and must agree with it on every input.
const fileRegexp = `^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`

func TestValidFileMatchesRegexp(t *testing.T) {
	t.Parallel()
	identtest.Exhaustive(t, fileRegexp, validFile, identtest.Pieces, 4, 300)
}

func FuzzValidFile(f *testing.F) {
	f.Add("exceptions.json")
	f.Add("-x")
	re := regexp.MustCompile(fileRegexp)
	f.Fuzz(func(t *testing.T, s string) { identtest.Equal(t, re, validFile, s) })
}
