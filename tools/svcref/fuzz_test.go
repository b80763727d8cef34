package svcref_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref"
)

// readSeeds returns every file matching the globs under testdata: the good snapshot and each
// broken one the load tests reject.
func readSeeds(f *testing.F, glob string) map[string][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no seeds match testdata/%s", glob)
	}
	out := make(map[string][]byte, len(files))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out[p] = b
	}
	return out
}

// FuzzParseIndex: service-list.json either parses into unique, path-safe service names or fails
// with ErrInvalidSnapshot.
func FuzzParseIndex(f *testing.F) {
	for _, b := range readSeeds(f, "*/service-list.json") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := svcref.ParseIndex(b)
		if err != nil {
			if !errors.Is(err, svcref.ErrInvalidSnapshot) {
				t.Fatalf("error is not ErrInvalidSnapshot: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if e.Service == "" || strings.ContainsAny(e.Service, `/\`) || e.Service == "." || e.Service == ".." {
				t.Fatalf("unsafe service name %q accepted", e.Service)
			}
			if seen[strings.ToLower(e.Service)] {
				t.Fatalf("service %q accepted twice", e.Service)
			}
			seen[strings.ToLower(e.Service)] = true
		}
	})
}

// FuzzParseService: a service file either parses into the promised service with sorted,
// wildcard-free, unique action names or fails with ErrInvalidSnapshot.
func FuzzParseService(f *testing.F) {
	for p, b := range readSeeds(f, "*/*.json") {
		if filepath.Base(p) != svcref.IndexFile {
			f.Add(strings.TrimSuffix(filepath.Base(p), ".json"), b)
		}
	}
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		s, err := svcref.ParseService(name, b)
		if err != nil {
			if s != nil {
				t.Fatalf("service and error: %v", err)
			}
			if !errors.Is(err, svcref.ErrInvalidSnapshot) {
				t.Fatalf("error is not ErrInvalidSnapshot: %v", err)
			}
			return
		}
		if !strings.EqualFold(s.Name, name) {
			t.Fatalf("asked for %q, accepted the file of %q", name, s.Name)
		}
		names := make([]string, len(s.Actions))
		for i, a := range s.Actions {
			if a.Name == "" || svcref.HasWildcard(a.Name) {
				t.Fatalf("action name %q accepted", a.Name)
			}
			names[i] = a.Name
		}
		if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) && !slices.IsSorted(names) {
			t.Fatalf("actions not sorted: %v", names)
		}
	})
}

// globRE is an independent model of IAM wildcard matching, for ASCII text.
func globRE(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)\A`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzMatch compares Match with a regular-expression model of the same rules, and checks that
// every action Expand returns for a pattern is one Match accepts.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"s3:Get*", "s3:GetObject"}, {"s3:*Object", "s3:PutObject"}, {"S3:get?bject", "s3:GetObject"},
		{"*", "iam:PassRole"}, {"ec2:*", "ec2"}, {"s3:Get*Tag*", "s3:GetObjectTagging"}, {"**?*", ""},
		{"iam:Pass*Role?", "iam:PassRole"}, {"*:*", "a:b"},
	} {
		f.Add(s[0], s[1])
	}
	cat := loadMini(f)
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !isASCII(pattern) || !isASCII(name) || len(pattern) > 256 {
			return
		}
		if got, want := svcref.Match(pattern, name), globRE(pattern).MatchString(name); got != want {
			t.Fatalf("Match(%q, %q) = %v, model says %v", pattern, name, got, want)
		}
		actions, err := cat.Expand(pattern)
		if err != nil {
			if !errors.Is(err, svcref.ErrInvalidPattern) && !errors.Is(err, svcref.ErrUnknownService) && !errors.Is(err, svcref.ErrNoMatch) {
				t.Fatalf("Expand(%q): error of no documented kind: %v", pattern, err)
			}
			return
		}
		if len(actions) == 0 {
			t.Fatalf("Expand(%q) matched nothing without ErrNoMatch", pattern)
		}
		for _, a := range actions {
			if !svcref.Match(pattern, a) {
				t.Fatalf("Expand(%q) returned %q, which Match rejects", pattern, a)
			}
		}
	})
}
