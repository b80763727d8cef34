package drift_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/drift"
)

// FuzzCompare: provider schemas and templates come from outside. The input is a JSON array of the
// two documents. Property: no panic, no pathological time, and every change is a known kind at a
// JSON Pointer.
func FuzzCompare(f *testing.F) {
	// Small seeds: the fuzzer minimizes every interesting input, which is slow on large ones.
	f.Add([]byte(`[{"properties": {"A": {"$ref": "#/definitions/D"}, "R": {}}, "definitions": {"D": {"properties": {"X": {"enum": ["a", "b"]}, "L": {"items": {"$ref": "#/definitions/D"}}}}}, "readOnlyProperties": ["/properties/R"]},
		{"properties": {"A": {"$ref": "#/definitions/D"}, "Old": {}}, "definitions": {"D": {"properties": {"X": {"enum": ["a"]}}}}}]`))
	f.Add([]byte(`[{"properties": {"T": {"oneOf": [{"properties": {"B": {}}}, {"$ref": "#"}]}}}, {"properties": {"T": {"anyOf": [{"properties": {"Q": {}}}]}}}]`))
	f.Add([]byte(`[{"properties": {"A": {"$ref": "#"}}}, {"properties": {"A": {"$ref": "#/properties/A"}}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var docs []map[string]any
		if json.Unmarshal(data, &docs) != nil || len(docs) != 2 {
			return
		}
		start := time.Now()
		changes := drift.Compare(docs[0], docs[1], drift.Decisions{})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Compare took %v", d)
		}
		for _, c := range changes {
			switch c.Kind {
			case drift.NewProperty, drift.RemovedProperty:
				if !strings.HasPrefix(c.Path, "/") {
					t.Fatalf("property change at %q, not a pointer", c.Path)
				}
			case drift.NewEnumValues, drift.RemovedEnumValues:
				if len(c.Values) == 0 {
					t.Fatal("enum change without values")
				}
				if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
					t.Fatalf("enum change at %q, not a pointer", c.Path)
				}
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
		}
	})
}

// FuzzDecisionsFromPatch: overlays are DevSecOps files. Property: no panic; decisions are pointers.
func FuzzDecisionsFromPatch(f *testing.F) {
	b, err := os.ReadFile("testdata/templates/overlays/AWS-Demo-Thing.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`[{"op": "remove", "path": "/properties/properties/properties/enum"}]`))
	f.Fuzz(func(t *testing.T, patch []byte) {
		d, err := drift.DecisionsFromPatch(patch)
		if err != nil {
			return
		}
		for p := range d.Removed {
			if !strings.HasPrefix(p, "/") {
				t.Fatalf("removal %q is not a pointer", p)
			}
		}
	})
}
