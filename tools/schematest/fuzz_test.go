package schematest_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/tools/schematest"
)

// FuzzParseSuite: suites are files people write. Property: no panic; an error is always ErrSuite;
// an accepted suite names a type and has cases with names.
func FuzzParseSuite(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/tests/*.yaml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("typeName: T::T::T\ncases:\n  - {name: a, expect: approved}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := schematest.ParseSuite(data)
		if err != nil {
			if !errors.Is(err, schematest.ErrSuite) {
				t.Fatalf("error %v is not ErrSuite", err)
			}
			return
		}
		if s.TypeName == "" || len(s.Cases) == 0 {
			t.Fatalf("accepted a suite without type or cases: %+v", s)
		}
		for _, c := range s.Cases {
			if c.Name == "" {
				t.Fatal("accepted a case without a name")
			}
		}
	})
}
