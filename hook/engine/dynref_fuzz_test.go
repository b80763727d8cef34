package engine

import (
	"regexp"
	"testing"
)

// DynamicReference replaced these regexps with hook/ident's checks; it must agree with them on
// every input (hook/ident compares each check exhaustively; this covers the dispatch).
var dynRefRegexps = map[string]*regexp.Regexp{
	"secretsmanager": regexp.MustCompile(`^\{\{resolve:secretsmanager:(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]+)(?::SecretString(?::[^:{}]*(?::[^:{}]*(?::[^:{}]*)?)?)?)?\}\}$`),
	"ssm-secure":     regexp.MustCompile(`^\{\{resolve:ssm-secure:[A-Za-z0-9/_.-]+(?::[0-9]+)?\}\}$`),
}

func dynRefByRegexp(s string) (string, bool) {
	for _, svc := range []string{"secretsmanager", "ssm-secure"} {
		if dynRefRegexps[svc].MatchString(s) {
			return svc, true
		}
	}
	return "", false
}

func FuzzDynamicReferenceMatchesRegexps(f *testing.F) {
	for _, s := range []string{
		"{{resolve:secretsmanager:db/pass}}",
		"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbC:SecretString:password::}}",
		"{{resolve:ssm-secure:/app/db:3}}",
		"{{resolve:ssm:/app/db}}",
		"plain",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gotSvc, got := DynamicReference(s)
		wantSvc, want := dynRefByRegexp(s)
		if got != want || gotSvc != wantSvc {
			t.Fatalf("DynamicReference(%q) = %q, %v; regexps say %q, %v", s, gotSvc, got, wantSvc, want)
		}
	})
}
