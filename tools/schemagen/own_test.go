package schemagen_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/schemagen"
)

const ownProvider = `{
  "typeName": "Test::Own::Thing",
  "additionalProperties": false,
  "definitions": {
    "Target": {"type": "object", "additionalProperties": false, "properties": {
      "Arn": {"type": "string", "pattern": "^arn:.*$"},
      "Kind": {"type": "string", "enum": ["A", "B", "C"]}
    }}
  },
  "properties": {
    "Algorithm": {"type": "string", "enum": ["AES256", "aws:kms", "aws:kms:dsse"]},
    "Mode": {"type": "string", "enum": ["X", "Y"]},
    "Size": {"type": "integer", "minimum": 1},
    "Target": {"$ref": "#/definitions/Target"},
    "Open": {"type": "string"}
  }
}`

const ownOverlay = `[
  {"op": "replace", "path": "/properties/Algorithm/enum", "value": ["aws:kms", "aws:kms:dsse"]},
  {"op": "add", "path": "/definitions/Target/properties/Arn/pattern", "value": "^arn:$<partition>:sns:$<region>:$<accountID>:[A-Za-z0-9_-]{1,256}$"},
  {"op": "add", "path": "/properties/Open/not", "value": {"enum": ["bad"]}},
  {"op": "add", "path": "/required", "value": ["Algorithm"]},
  {"op": "remove", "path": "/properties/Size"}
]`

func ownMarkers(t *testing.T, body []byte) map[string][]string {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if k == schemagen.OwnKeyword {
					for _, kw := range c.([]any) {
						got[ptr] = append(got[ptr], kw.(string))
					}
					continue
				}
				walk(c, jsonptr.Append(ptr, k))
			}
		case []any:
			for i, c := range x {
				walk(c, jsonptr.AppendIndex(ptr, i))
			}
		}
	}
	walk(doc, "")
	return got
}

// TestMarkOwn: what an overlay adds or narrows is marked on its subschema; what AWS's schema
// already says is not, and neither is the name gate (a removed property, additionalProperties).
func TestMarkOwn(t *testing.T) {
	tpl, err := schemagen.Generate(schemagen.Provider{Body: []byte(ownProvider)}, schemagen.Options{Snapshot: "2026-08-03", Overlay: []byte(ownOverlay)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"":                                   {"required"},
		"/properties/Algorithm":              {"enum"},
		"/definitions/Target/properties/Arn": {"pattern"},
		"/properties/Open":                   {"not"},
		"/properties/Open/not":               {"enum"},
	}
	if diff := cmp.Diff(want, ownMarkers(t, tpl.Body)); diff != "" {
		t.Errorf("x-rcfge-own markers (-want +got):\n%s", diff)
	}
	doc, _ := schema.Decode(tpl.Body)
	x := doc.(map[string]any)["x-rcfge"].(map[string]any)
	if x["generated"] != true {
		t.Errorf(`x-rcfge.generated = %v, want true`, x["generated"])
	}

	// Without an overlay nothing is rcfge's own, and Base is the template itself.
	plain, err := schemagen.Generate(schemagen.Provider{Body: []byte(ownProvider)}, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ownMarkers(t, plain.Body); len(got) != 0 {
		t.Errorf("markers without an overlay: %v", got)
	}

	// A later narrowing (approval) is marked against the same base, and MarkOwn recomputes.
	var narrowed map[string]any
	if err := json.Unmarshal(tpl.Body, &narrowed); err != nil {
		t.Fatal(err)
	}
	props := narrowed["properties"].(map[string]any)
	props["Mode"].(map[string]any)["enum"] = []any{"X"}
	props["Algorithm"].(map[string]any)["enum"] = []any{"AES256", "aws:kms", "aws:kms:dsse"}
	body, _ := json.Marshal(narrowed)
	remarked, err := schemagen.MarkOwnJSON(tpl.Base, body)
	if err != nil {
		t.Fatal(err)
	}
	got := ownMarkers(t, remarked)
	if !cmp.Equal(got["/properties/Mode"], []string{"enum"}) {
		t.Errorf("narrowed Mode enum: markers %v, want [enum]", got["/properties/Mode"])
	}
	if _, marked := got["/properties/Algorithm"]; marked {
		t.Errorf("Algorithm enum back to AWS's: still marked %v", got["/properties/Algorithm"])
	}
	if _, err := schemagen.MarkOwnJSON([]byte(`[`), body); err == nil {
		t.Error("MarkOwnJSON accepted a base that is not JSON")
	}
	if _, err := schemagen.MarkOwnJSON(tpl.Base, []byte(`5`)); err == nil {
		t.Error("MarkOwnJSON accepted a final template that is not an object")
	}
}

// TestMarkOwnRefReplaced: an overlay that inlines a $ref is compared with the definition it named.
func TestMarkOwnRefReplaced(t *testing.T) {
	overlay := `[{"op": "replace", "path": "/properties/Target", "value": {"type": "object", "additionalProperties": false, "properties": {
		"Arn": {"type": "string", "pattern": "^arn:.*$"}, "Kind": {"type": "string", "enum": ["A"]}}}}]`
	tpl, err := schemagen.Generate(schemagen.Provider{Body: []byte(ownProvider)}, schemagen.Options{Snapshot: "2026-08-03", Overlay: []byte(overlay)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"/properties/Target/properties/Kind": {"enum"}}
	if diff := cmp.Diff(want, ownMarkers(t, tpl.Body)); diff != "" {
		t.Errorf("x-rcfge-own markers (-want +got):\n%s", diff)
	}
}
