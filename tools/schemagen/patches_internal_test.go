package schemagen

import (
	"errors"
	"testing"
)

func TestApplySurfacePatches(t *testing.T) {
	doc := func() map[string]any {
		return map[string]any{
			"required": []any{"A", "B"},
			"properties": map[string]any{
				"A": map[string]any{"type": "string", "pattern": "^a$"},
				"B": map[string]any{"type": "string"},
			},
		}
	}
	tests := []struct {
		name    string
		patch   SurfacePatch
		want    int // applied changes
		wantErr bool
	}{
		{name: "unrequire", patch: SurfacePatch{TypeName: "T::T::T", Unrequire: []string{"A"}}, want: 1},
		{name: "drop a value keyword", patch: SurfacePatch{TypeName: "T::T::T", At: "/properties/A", Drop: []string{"pattern"}}, want: 1},
		{name: "type name matched case-insensitively", patch: SurfacePatch{TypeName: "t::t::t", Unrequire: []string{"B"}}, want: 1},
		{name: "another type", patch: SurfacePatch{TypeName: "T::T::U", Unrequire: []string{"A"}}},
		{name: "stale: subschema gone", patch: SurfacePatch{TypeName: "T::T::T", At: "/properties/Z", Drop: []string{"pattern"}}},
		{name: "stale: not required any more", patch: SurfacePatch{TypeName: "T::T::T", Unrequire: []string{"C"}}},
		{name: "stale: keyword gone", patch: SurfacePatch{TypeName: "T::T::T", At: "/properties/B", Drop: []string{"pattern"}}},
		{name: "a patch may not open names", patch: SurfacePatch{TypeName: "T::T::T", Drop: []string{"additionalProperties"}}, wantErr: true},
		{name: "nor drop declared properties", patch: SurfacePatch{TypeName: "T::T::T", Drop: []string{"properties"}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := doc()
			got, err := applySurfacePatches(d, "T::T::T", []SurfacePatch{tt.patch})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != tt.want {
				t.Errorf("applied %v, want %d changes", got, tt.want)
			}
		})
	}
	if _, err := applySurfacePatches(doc(), "T::T::T", []SurfacePatch{{TypeName: "T::T::T", Drop: []string{"$ref"}}}); err == nil || errors.Is(err, ErrInvalidProvider) {
		t.Errorf("dropping $ref: error = %v, want a refusal", err)
	}
}
