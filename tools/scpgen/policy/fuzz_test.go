package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/tools/scpgen/policy"
)

// FuzzCheck feeds arbitrary bytes to the checker: it must never panic, and a document it
// accepts must be one JSON object that Compact can measure.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:TagKeys":true}}}}`))
	f.Add([]byte(`{"Statement":[{"Sid":1,"Action":[null]}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		problems := policy.Check(doc, catalog{})
		if len(problems) == 0 {
			if _, err := policy.Compact(doc); err != nil {
				t.Fatalf("accepted a document Compact rejects: %v", err)
			}
		}
	})
}
