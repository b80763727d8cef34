package schemagen_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/rcfge/rcfge/tools/schemagen"
)

// FuzzTranslatePattern: a translation, when there is one, always compiles in RE2, and the
// translator never panics on arbitrary input.
func FuzzTranslatePattern(f *testing.F) {
	for _, s := range []string{`^[\u0020-\u007E]{0,2048}\Z`, `^(?!aws:)[a-z]+$`, `[\p{Graph}\x20]*`, `^a+{1,255}$`, `\Q(\E`, `[\uD800\uDC00-\uDBFF\uDFFF]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := schemagen.TranslatePattern(p)
		if err != nil {
			if !errors.Is(err, schemagen.ErrUntranslatable) {
				t.Fatalf("error %v is not ErrUntranslatable", err)
			}
			return
		}
		if _, err := regexp.Compile(got); err != nil {
			t.Fatalf("TranslatePattern(%q) = %q, which RE2 rejects: %v", p, got, err)
		}
	})
}
