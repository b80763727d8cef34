package schemagen_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// TestBareObjectAlternatives: a bare {"type": "object"} beside a structured alternative is closed
// (it would admit any object); beside scalars it is data, left open and listed.
func TestBareObjectAlternatives(t *testing.T) {
	provider := []byte(`{
  "typeName": "Test::Bare::Thing",
  "additionalProperties": false,
  "definitions": {
    "Key": {"type": "object", "additionalProperties": false, "properties": {"AttributeName": {"type": "string"}}}
  },
  "properties": {
    "KeySchema": {"oneOf": [{"type": "array", "items": {"$ref": "#/definitions/Key"}}, {"type": "object"}]},
    "Shape": {"anyOf": [{"type": "object", "properties": {"Size": {"type": "integer"}}}, {"type": "object"}]},
    "Value": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "object"}]},
    "Cond": {"not": {"oneOf": [{"type": "array", "items": {"$ref": "#/definitions/Key"}}, {"type": "object"}]}}
  }
}`)
	tpl, err := schemagen.Generate(schemagen.Provider{Body: provider}, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/properties/Value/anyOf/2"}; !slices.Equal(tpl.Annotation.OpenObjects, want) {
		t.Errorf("openObjects = %v, want %v", tpl.Annotation.OpenObjects, want)
	}
	doc, _ := schema.Decode(tpl.Body)
	s, err := schema.Compile("bare", doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		props    string
		approved bool
	}{
		{`{"KeySchema": [{"AttributeName": "id"}]}`, true},
		{`{"KeySchema": {"AttributeName": "id"}}`, false},
		{`{"KeySchema": {"Anything": "id"}}`, false},
		{`{"Shape": {"Size": 1}}`, true},
		{`{"Shape": {"Other": 1}}`, false},
		{`{"Value": {"free": "data"}}`, true},
		{`{"Cond": "x"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.props, func(t *testing.T) {
			inst, _ := schema.Decode([]byte(tt.props))
			vs, err := s.Validate(context.Background(), inst, schema.Options{TypeName: "Test::Bare::Thing"})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(vs) == 0; got != tt.approved {
				t.Errorf("approved = %v, want %v: %v", got, tt.approved, vs)
			}
		})
	}
}
