package store

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/ident/identtest"
)

// The checks replace these regexps and must agree with them on every input.
var identChecks = []identtest.Check{
	{Re: `^[A-Za-z0-9]{1,64}(::[A-Za-z0-9]{1,64}){2,3}$`, F: validRegistryType},
	{Re: `^Custom::[A-Za-z0-9_@-]{1,60}$`, F: validCustomType},
}

func TestIdentChecksMatchRegexps(t *testing.T) {
	t.Parallel()
	pieces := append([]string{"::", "AWS::S3::Bucket", "Custom::"}, identtest.Pieces...)
	for _, c := range identChecks {
		identtest.Exhaustive(t, c.Re, c.F, pieces, 4, 300)
	}
	// Parts at their length bounds, in every position.
	for _, s := range []string{"A::B::" + rep(64), "A::B::" + rep(65), rep(64) + "::B::C::D", rep(65) + "::B::C::D", "A::" + rep(64) + "::C::D::E", "Custom::" + rep(60), "Custom::" + rep(61)} {
		for _, c := range identChecks {
			identtest.Equal(t, regexp.MustCompile(c.Re), c.F, s)
		}
	}
}

func rep(n int) string { return strings.Repeat("x", n) }

func FuzzIdentChecks(f *testing.F) {
	identtest.Fuzz(f, identChecks, "AWS::S3::Bucket", "Custom::My-Thing", "Org::Svc::Name::MODULE")
}
