package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref/policy"
)

// FuzzParse: arbitrary bytes never panic, and every pattern accepted has IAM's shape.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"policies/deny-data.json", "policies/nested/allow-tags.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Statement": {"Effect": "Allow", "NotAction": ["s3:*", 1]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := policy.Parse("p.json", data)
		if err != nil {
			return
		}
		for _, p := range ps {
			svc, act, ok := strings.Cut(p.Pattern, ":")
			if p.Pattern != "*" && (!ok || svc == "" || act == "") {
				t.Fatalf("accepted pattern %q", p.Pattern)
			}
			if p.Effect != "Allow" && p.Effect != "Deny" {
				t.Fatalf("accepted effect %q", p.Effect)
			}
		}
	})
}
