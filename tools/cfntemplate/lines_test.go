package cfntemplate_test

import (
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

func TestLocate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, id, ptr string
		key           bool
		want          cfntemplate.Position
	}{
		{"template.yaml", "Bucket", "/NewFeature", true, cfntemplate.Position{Line: 7, Column: 7}},
		{"template.yaml", "Bucket", "/NewFeature", false, cfntemplate.Position{Line: 7, Column: 19}},
		{"template.yaml", "Bucket", "/Tags/0/Key", false, cfntemplate.Position{Line: 9, Column: 16}},
		{"template.yaml", "Bucket", "/Tags/0/Value", false, cfntemplate.Position{Line: 10, Column: 18}},
		{"template.yaml", "Bucket", "/a~1b~0c", true, cfntemplate.Position{Line: 11, Column: 7}},
		{"template.yaml", "Bucket", "/Alias/Inner", false, cfntemplate.Position{Line: 13, Column: 16}},
		// Not written (a default, or inside an intrinsic): the deepest node on the way.
		{"template.yaml", "Bucket", "/Tags/0/Value/Deeper", false, cfntemplate.Position{Line: 10, Column: 18}},
		{"template.yaml", "Bucket", "/Tags/7", false, cfntemplate.Position{Line: 9, Column: 9}},
		{"template.yaml", "Bucket", "", false, cfntemplate.Position{Line: 7, Column: 7}},
		{"template.yaml", "NoProps", "/X", false, cfntemplate.Position{}},
		{"template.yaml", "Missing", "/X", false, cfntemplate.Position{}},
		{"template.yaml", "Bucket", "no-slash", false, cfntemplate.Position{}},
		{"template.json", "Bucket", "/NewFeature", true, cfntemplate.Position{Line: 6, Column: 9}},
		{"template.json", "Bucket", "/Tags/0/Value", false, cfntemplate.Position{Line: 7, Column: 43}},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.id+tt.ptr, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile("testdata/locate/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			l, err := cfntemplate.NewLocator(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Locate(tt.id, tt.ptr, tt.key); got != tt.want {
				t.Errorf("Locate(%s, %q, key=%v) = %+v, want %+v", tt.id, tt.ptr, tt.key, got, tt.want)
			}
		})
	}
}

func TestFileResultLocate(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/locate/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fr := cfntemplate.FileResult{Resources: []cfntemplate.ResourceResult{{
		LogicalID:  "Bucket",
		Violations: []verdict.Violation{{Path: "/NewFeature", Keyword: "additionalProperties"}, {Path: "/Tags/0/Key", Keyword: "enum"}},
		Unverified: []verdict.Unverified{{Path: "/Tags/0/Value"}},
	}}}
	fr.Locate(data)
	want := map[string]cfntemplate.Position{"/NewFeature": {Line: 7, Column: 7}, "/Tags/0/Key": {Line: 9, Column: 16}, "/Tags/0/Value": {Line: 10, Column: 18}}
	for ptr, p := range want {
		if got := fr.Resources[0].Positions[ptr]; got != p {
			t.Errorf("%s at %+v, want %+v", ptr, got, p)
		}
	}
	bad := cfntemplate.FileResult{Resources: []cfntemplate.ResourceResult{{LogicalID: "Bucket", Violations: []verdict.Violation{{Path: "/X"}}}}}
	bad.Locate([]byte("{not: [yaml"))
	if bad.Resources[0].Positions != nil {
		t.Errorf("positions from a file that does not parse: %v", bad.Resources[0].Positions)
	}
}
