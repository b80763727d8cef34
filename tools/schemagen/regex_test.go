package schemagen_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/schemagen"
)

func TestTranslatePattern(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		match   []string // strings the translation must match, as Java's pattern does
		noMatch []string // strings it must not match
	}{
		{name: "\\u escapes in a class", in: `^[\u0020-\u007E]+$`, want: `^[ -~]+$`, match: []string{"a b"}, noMatch: []string{"\t", "é"}},
		{name: "\\u escape outside a class", in: `^a\u002Fb$`, want: `^a/b$`, match: []string{"a/b"}},
		{name: "surrogate pair joins into one code point", in: `^[\uD800\uDC00-\uDBFF\uDFFF]$`, want: `^[\x{10000}-\x{10FFFF}]$`, match: []string{"😀"}, noMatch: []string{"a"}},
		{name: "lone surrogates stay (they match nothing Go can decode)", in: `^[a\uD800]$`, want: `^[a\x{D800}]$`, match: []string{"a"}},
		{name: "five hex digits are four plus a literal, as in Java", in: `^[\u10000]$`, want: `^[\x{1000}0]$`, match: []string{"0"}},
		{name: "\\Z at the end allows one final line terminator", in: `^[a-z]+\Z`, want: `^[a-z]+(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?\z`, match: []string{"abc", "abc\n", "abc\r\n", "abc\u2028"}, noMatch: []string{"abc\n\n", "abc\nx"}},
		{name: "\\Z at the end of a branch", in: `^(a)|(b)\Z`, want: `^(a)|(b)(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?\z`, match: []string{"b\n"}},
		{name: "repeat count over 1000 becomes a concatenation", in: `^a{1,2048}$`, want: `^a{1}a{0,1000}a{0,1000}a{0,47}$`, match: []string{"a", strings.Repeat("a", 2048)}, noMatch: []string{"", strings.Repeat("a", 2049)}},
		{name: "large minimum", in: `^a{1500,}$`, want: `^a{1000}a{500,}$`, match: []string{strings.Repeat("a", 1500), strings.Repeat("a", 3000)}, noMatch: []string{strings.Repeat("a", 1499)}},
		{name: "large exact count", in: `^a{2000}$`, want: `^a{1000}a{1000}$`, match: []string{strings.Repeat("a", 2000)}, noMatch: []string{strings.Repeat("a", 1999)}},
		{name: "large group count", in: `^(ab){0,1001}$`, want: `^(ab){0,1000}(ab){0,1}$`, match: []string{"", strings.Repeat("ab", 1001)}, noMatch: []string{strings.Repeat("ab", 1002)}},
		{name: "count after + applies to nothing", in: `^[a-z0-9-]+{1,255}$`, want: `^[a-z0-9\-]+$`, match: []string{strings.Repeat("a", 300)}, noMatch: []string{""}},
		{name: "count after * applies to nothing", in: `^[a-z]*{1,1000}$`, want: `^[a-z]*$`, match: []string{""}},
		{name: "dot excludes Java's line terminators", in: `^.{2}$`, want: `^[^\n\r\x{85}\x{2028}\x{2029}]{2}$`, match: []string{"ab"}, noMatch: []string{"a\r", "a\u0085"}},
		{name: "\\p{Graph} is ASCII", in: `^[\p{Graph}\x20]*$`, want: `^[\x21-\x7E ]*$`, match: []string{"a b~"}, noMatch: []string{"é", "\t"}},
		{name: "\\p{Graph} outside a class", in: `^\p{Graph}$`, want: `^[\x21-\x7E]$`, match: []string{"!"}},
		{name: "\\P{Alpha}", in: `^\P{Alpha}$`, want: `^[^A-Za-z]$`, match: []string{"1"}, noMatch: []string{"a"}},
		{name: "Unicode categories kept", in: `^[\p{L}\p{N}]{0,1024}$`, want: `^[\p{L}\p{N}]{0,1000}[\p{L}\p{N}]{0,24}$`, match: []string{"é1"}},
		{name: "\\s is Java's, with \\x0B", in: `^\s{1,2000}$`, want: `^[\t\n\x0B\f\r\x20]{1}[\t\n\x0B\f\r\x20]{0,1000}[\t\n\x0B\f\r\x20]{0,999}$`, match: []string{"\x0b"}},
		{name: "\\S in a class excludes \\x0B", in: `^[\S]{1,1001}$`, want: `^[\x00-\x08\x0E-\x1F\x21-\x{10FFFF}]{1}[\x00-\x08\x0E-\x1F\x21-\x{10FFFF}]{0,1000}$`, match: []string{"a"}, noMatch: []string{"\x0b"}},
		{name: "\\Q...\\E quotes", in: `^\Q.*\E\u0041$`, want: `^(?:\.\*)A$`, match: []string{".*A"}, noMatch: []string{"xxA"}},
		{name: "octal, hex and control escapes", in: `^\0101\x42\x{43}\cJ\e\u0044$`, want: `^ABC\n\x{1B}D$`, match: []string{"ABC\n\x1bD"}},
		{name: "named group", in: `^(?<n>a)\u0062$`, want: `^(?P<n>a)b$`, match: []string{"ab"}},
		{name: "lazy quantifier", in: `^a+?\u0062$`, want: `^a+b$`, match: []string{"aab"}},
		{name: "escaped punctuation and class specials", in: `^[\[\]\^\-\\]\/\u0020$`, want: `^[\[\]\^\-\\]/ $`, match: []string{"]/ ", "\\/ "}},
		{name: "dash before a range end is literal", in: `^[a-z-_]\u0020$`, want: `^[a-z\-_] $`, match: []string{"- ", "_ "}, noMatch: []string{"^ "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := schemagen.TranslatePattern(tt.in)
			if err != nil {
				t.Fatalf("TranslatePattern(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("TranslatePattern(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			re := regexp.MustCompile(got)
			for _, s := range tt.match {
				if !re.MatchString(s) {
					t.Errorf("%q does not match %q", got, s)
				}
			}
			for _, s := range tt.noMatch {
				if re.MatchString(s) {
					t.Errorf("%q matches %q", got, s)
				}
			}
		})
	}
}

func TestTranslatePatternRefuses(t *testing.T) {
	tests := []struct {
		in   string
		want string // part of the reason
	}{
		{`^(?!aws:).+$`, "lookahead"},
		{`^(?=.{2,256}$)[a-z]+$`, "lookahead"},
		{`^[a-z]*(?<!\.)$`, "lookbehind"},
		{`^(?<=a)b$`, "lookbehind"},
		{`^(?>a+)b$`, "atomic group"},
		{`^(?i)aws$`, "inline flags"},
		{`^(a)\1$`, "backreference"},
		{`^\k<n>$`, "backreference"},
		{`^a*+b$`, "possessive"},
		{`^a?{2}$`, "nested repetition"},
		{`^a+{0,3}$`, "nested repetition"},
		{`^a{2}{3}$`, "nested repetition"},
		{`^a**$`, "nested repetition"},
		{`^a\Zb$`, `\Z before the end`},
		{`^(a\Z)+$`, `\Z before the end`},
		{`^\bword$`, `\b has no exact RE2 equivalent`},
		{`^\p{IsLatin}$`, "character property"},
		{`^[a[b]]$`, "nested class"},
		{`^[a-z&&[^x]]$`, "intersection"},
		{`^[\P{L}]$`, "negated property inside a class"},
		{`^[z-a]$`, "illegal class range"},
		{`^a{3,2}$`, "illegal repetition"},
		{`^a{x}$`, "illegal repetition"},
		{`^a{2$`, "illegal repetition"},
		{`^a{0,10001}$`, "above 10000"},
		{`{2}a`, "nothing to repeat"},
		{`*a`, "dangling quantifier"},
		{`a|+b`, "dangling quantifier"},
		{`^$+`, "quantifier on an anchor"},
		{`^(a$`, "unterminated group"},
		{`^a)$`, "unbalanced"},
		{`^[abc$`, "unterminated class"},
		{`^[]a]$`, "']' first"},
		{`^\u12G4$`, "bad hex escape"},
		{`^\u12$`, "short hex escape"},
		{`^\x{110000}$`, `bad \x{...} escape`},
		{`^\09$`, "bad octal"},
		{`^\y$`, `escape \y`},
		{`a\`, "trailing backslash"},
		{`^[\Qab\E]$`, `\Q inside a class`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := schemagen.TranslatePattern(tt.in)
			if err == nil {
				t.Fatalf("TranslatePattern(%q) = %q, want an error", tt.in, got)
			}
			if !errors.Is(err, schemagen.ErrUntranslatable) {
				t.Errorf("error %v is not ErrUntranslatable", err)
			}
			var ue *schemagen.UntranslatableError
			if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.want) {
				t.Errorf("reason %q, want it to mention %q", err, tt.want)
			}
		})
	}
}
