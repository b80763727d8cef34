package svcref_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref"
)

// FuzzMatch checks the glob matcher against a regular expression built from the same pattern.
// Inputs are kept to ASCII, where IAM's case folding and (?i) agree.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"s3:Put*", "s3:PutObject"}, {"ec2:*Tags", "ec2:CreateTags"}, {"*", "iam:PassRole"},
		{"s3:G?tObject", "S3:getobject"}, {"**a*b?", "xxaYbZ"}, {"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		for _, s := range []string{pattern, name} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 || s[i] == '\n' {
					t.Skip()
				}
			}
		}
		var re strings.Builder
		re.WriteString(`(?is)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		want := regexp.MustCompile(re.String()).MatchString(name)
		if got := svcref.Match(pattern, name); got != want {
			t.Fatalf("Match(%q, %q) = %v, regexp %s says %v", pattern, name, got, re.String(), want)
		}
	})
}

// FuzzParseService feeds arbitrary bytes to the service file parser: it must not panic, and a
// service it accepts must index into a catalogue whose actions all expand to themselves.
func FuzzParseService(f *testing.F) {
	for _, name := range []string{"s3", "ec2", "iam"} {
		data, err := os.ReadFile(filepath.Join("testdata", "mini", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Add("s3", []byte(`{"Name": "s3", "Actions": [{"Name": "A"}, {"Name": "a"}]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		s, err := svcref.ParseService(name, data)
		if err != nil {
			return
		}
		c, err := svcref.NewCatalog([]*svcref.Service{s})
		if err != nil {
			return
		}
		for _, a := range c.AllActions() {
			got, err := c.Expand(a)
			if err != nil || len(got) != 1 || got[0] != a {
				t.Fatalf("Expand(%q) = %v, %v", a, got, err)
			}
		}
	})
}

// FuzzParseIndex: no panic, and every accepted name is safe as a file name.
func FuzzParseIndex(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "mini", svcref.IndexFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"service": "../x", "url": "u"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := svcref.ParseIndex(data)
		if err != nil {
			return
		}
		for _, e := range entries {
			if filepath.Base(e.Service+".json") != e.Service+".json" || strings.HasPrefix(e.Service, ".") {
				t.Fatalf("accepted unsafe service name %q", e.Service)
			}
		}
	})
}
