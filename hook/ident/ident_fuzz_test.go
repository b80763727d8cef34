package ident

import (
	"regexp"
	"strings"
	"testing"
)

// checks pairs each hand-written check with the regexp it replaces, as written before.
var checks = []struct {
	name string
	re   *regexp.Regexp
	f    func(string) bool
}{
	{"AccountID", regexp.MustCompile(`^[0-9]{12}$`), AccountID},
	{"SecretsManagerReference", regexp.MustCompile(`^\{\{resolve:secretsmanager:(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)(?::SecretString(?::[^:{}]*(?::[^:{}]*(?::[^:{}]*)?)?)?)?\}\}$`), SecretsManagerReference},
	{"SSMSecureReference", regexp.MustCompile(`^\{\{resolve:ssm-secure:[A-Za-z0-9/_.-]+(?::[0-9]+)?\}\}$`), SSMSecureReference},
	{"Word", regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,6}$`), func(s string) bool {
		return Word(s, NewSet("A-Za-z0-9_-"), NewSet("A-Za-z0-9._-"), 1, 7)
	}},
	{"Word from 3", regexp.MustCompile(`^[a-c][@_x-z]{2,4}$`), func(s string) bool { return Word(s, NewSet("a-c"), NewSet("@_x-z"), 3, 5) }},
	{"Run", regexp.MustCompile(`^[A-Za-z0-9]{1,5}$`), func(s string) bool { return Run(s, NewSet("A-Za-z0-9"), 1, 5) }},
	{"Run from 0", regexp.MustCompile(`^[-a]{0,2}$`), func(s string) bool { return Run(s, NewSet("-a"), 0, 2) }},
}

func TestChecksTable(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:secretsmanager:us-east-1:111122223333:secret:db/pass-AbC"
	tests := []struct {
		check string
		in    string
		want  bool
	}{
		{"AccountID", "111122223333", true},
		{"AccountID", "11112222333", false},
		{"AccountID", "1111222233334", false},
		{"AccountID", "11112222333a", false},
		{"AccountID", "", false},
		{"AccountID", "111122223333\n", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:db/pass}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:" + arn + "}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:" + arn + ":SecretString:password:AWSCURRENT:v1}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:" + arn + ":SecretString:::}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:" + arn + ":SecretString::::}}", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:x}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:11112222333:secret:x}}", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:arn:SecretString}}", true},
		{"SecretsManagerReference", "{{resolve:secretsmanager:db:SecretString:a{b}}", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:db:SecretStrin}}", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:}}", false},
		{"SecretsManagerReference", "{{resolve:secretsmanager:db}}x", false},
		{"SecretsManagerReference", "{{resolve:ssm-secure:db}}", false},
		{"SSMSecureReference", "{{resolve:ssm-secure:/app/db.pass}}", true},
		{"SSMSecureReference", "{{resolve:ssm-secure:/app/db:12}}", true},
		{"SSMSecureReference", "{{resolve:ssm-secure:/app/db:}}", false},
		{"SSMSecureReference", "{{resolve:ssm-secure:/app/db:1:2}}", false},
		{"SSMSecureReference", "{{resolve:ssm-secure::1}}", false},
		{"SSMSecureReference", "{{resolve:ssm-secure:a b}}", false},
		{"Word", "-a.b", true},
		{"Word", ".ab", false},
		{"Word", "abcdefg", true},
		{"Word", "abcdefgh", false},
		{"Word from 3", "ab", false},
		{"Word from 3", "ax@", true},
		{"Run from 0", "", true},
	}
	byName := map[string]func(string) bool{}
	for _, c := range checks {
		byName[c.name] = c.f
	}
	for _, tt := range tests {
		if got := byName[tt.check](tt.in); got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.check, tt.in, got, tt.want)
		}
	}
}

// TestChecksExhaustive compares every check with its regexp on every string of up to four pieces
// from pieces that exercise its grammar: class boundaries, separators, braces, non-ASCII and
// invalid UTF-8.
func TestChecksExhaustive(t *testing.T) {
	t.Parallel()
	bytes := []string{"a", "z", "A", "Z", "0", "9", "_", "-", ".", "@", "/", "+", "=", ":", "{", "}", " ", "`", "[", "é", "\xff", "\n"}
	arnPieces := []string{"arn:aws:secretsmanager:us-east-1:111122223333:secret:", "arn:aws-cn:secretsmanager:r:111122223333:secret:",
		"arn:aws:secretsmanager::111122223333:secret:", "arn:aws:secretsmanager:r:11112222333:secret:", "arn:aws:secretsmanager:r:111122223333:secret",
		"arn:aws", ":", "db/x", ":SecretString", "{", "}}", "é"}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pieces, wraps, depth := bytes, []string{""}, 4
			switch c.name {
			case "SecretsManagerReference":
				pieces, wraps, depth = arnPieces, []string{"{{resolve:secretsmanager:"}, 5
			case "SSMSecureReference":
				pieces, wraps, depth = []string{"/a.b", "_", ":", "12", "}}", "{", "é", "x y"}, []string{"{{resolve:ssm-secure:"}, 5
			case "AccountID":
				pieces, depth = []string{"1", "0", "9", "111", "a", "\n"}, 6
			}
			n := 0
			for _, w := range wraps {
				forEach(pieces, depth, func(s string) {
					for _, in := range []string{w + s, w + s + "}}", s} {
						n++
						if got, want := c.f(in), c.re.MatchString(in); got != want {
							t.Fatalf("%s(%q) = %v, regexp says %v", c.name, in, got, want)
						}
					}
				})
			}
			t.Logf("%d inputs", n)
		})
	}
}

// TestLongRuns checks the length bounds where they lie, beyond what the exhaustive walk reaches.
func TestLongRuns(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	first, rest := NewSet("A-Za-z0-9"), NewSet("A-Za-z0-9._-")
	for n := 0; n <= 300; n++ {
		for _, s := range []string{strings.Repeat("a", n), "." + strings.Repeat("a", n), strings.Repeat("a", n) + "é"} {
			if got, want := Word(s, first, rest, 1, 128), re.MatchString(s); got != want {
				t.Fatalf("Word(%d bytes) = %v, regexp says %v", len(s), got, want)
			}
		}
	}
}

func TestNewSetPanics(t *testing.T) {
	t.Parallel()
	for _, class := range []string{"z-a", "a-é"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewSet(%q) did not panic", class)
				}
			}()
			NewSet(class)
		}()
	}
}

// forEach calls f with every concatenation of up to depth pieces.
func forEach(pieces []string, depth int, f func(string)) {
	var walk func(prefix string, d int)
	walk = func(prefix string, d int) {
		f(prefix)
		if d == 0 {
			return
		}
		for _, p := range pieces {
			walk(prefix+p, d-1)
		}
	}
	walk("", depth)
}

func FuzzChecks(f *testing.F) {
	for _, s := range []string{"111122223333", "{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:x:SecretString:a:b:c}}", "{{resolve:ssm-secure:/a:1}}", "a.b-c", "{{resolve:secretsmanager:x:SecretString::}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range checks {
			if got, want := c.f(s), c.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, regexp says %v", c.name, s, got, want)
			}
		}
	})
}
