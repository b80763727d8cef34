package cfntemplate_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic (a panic recovered inside Parse
// counts as a failure too), must return a template or an error but never both, every error must
// be one of the documented kinds on one line, and every resource must come out with object or
// absent properties.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/parse", "testdata/bad"} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := cfntemplate.Parse("fuzz", data, testOptions)
		if err != nil {
			if tmpl != nil {
				t.Fatalf("template and error: %v", err)
			}
			if strings.Contains(err.Error(), "cannot resolve intrinsic functions") {
				t.Fatalf("recovered panic: %v", err)
			}
			if !errors.Is(err, cfntemplate.ErrSyntax) && !errors.Is(err, cfntemplate.ErrNotTemplate) &&
				!errors.Is(err, cfntemplate.ErrResource) && !errors.Is(err, cfntemplate.ErrIntrinsic) &&
				!errors.Is(err, cfntemplate.ErrUnsupported) {
				t.Fatalf("error of no documented kind: %v", err)
			}
			return
		}
		for _, r := range tmpl.Resources {
			if r.Type == "" {
				t.Fatalf("resource %s without a type", r.LogicalID)
			}
			if r.Properties != nil {
				if _, ok := r.Properties.(map[string]any); !ok {
					t.Fatalf("resource %s: properties %T", r.LogicalID, r.Properties)
				}
			}
			for _, u := range r.Unknown {
				if u.Path != "" && !strings.HasPrefix(u.Path, "/") {
					t.Fatalf("unknown path %q is not a JSON Pointer", u.Path)
				}
			}
		}
	})
}
