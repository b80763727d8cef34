package schemagen_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// The old provider schema, and the new one: a property with a pattern Go cannot compile as is
// (translated), a free-form object and a map with a pattern key, all new.
const (
	oldGadget = `{"typeName": "Test::Gadget::Thing", "additionalProperties": false,
		"properties": {"Name": {"type": "string", "pattern": "^[a-z]{1,10}\\Z"}}}`
	newGadget = `{"typeName": "Test::Gadget::Thing", "additionalProperties": false,
		"properties": {
			"Name": {"type": "string", "pattern": "^[a-z]{1,10}\\Z", "description": "new words"},
			"Code": {"type": "string", "pattern": "^[\\u0041-\\u005A]+$"},
			"Free": {"type": "object"},
			"Labels": {"type": "object", "patternProperties": {"^\\w{1,2000}$": {"type": "string"}}, "additionalProperties": false}
		}}`
)

func gadgetSource(body string) schemagen.SchemaSource {
	return schemagen.NewFSSource(fstest.MapFS{
		"test-gadget-thing.json": {Data: []byte(body)},
		"test-other-thing.json":  {Data: provider("Test::Other::Thing")},
	})
}

// TestRunReviewNarrows regenerates a template from a newer provider schema with the old template
// as the approval record: the new properties stay out, and the annotation lists only the
// patterns and free-form objects the narrowed template still holds.
func TestRunReviewNarrows(t *testing.T) {
	ctx := context.Background()
	old, err := schemagen.Run(ctx, schemagen.Request{Source: gadgetSource(oldGadget), Types: []string{"Test::Gadget::Thing"}, Snapshot: "2026-02-02"})
	if err != nil {
		t.Fatal(err)
	}
	approved := fstest.MapFS{"Test-Gadget-Thing.json": {Data: old[0].Body}}

	tpls, reviews, err := schemagen.RunReview(ctx, schemagen.Request{Source: gadgetSource(newGadget), Snapshot: "2026-08-03", Approved: approved})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpls) != 1 || tpls[0].TypeName != "Test::Gadget::Thing" {
		t.Fatalf("templates %v: want only the templated type", names(tpls))
	}
	var got []string
	for _, r := range reviews {
		got = append(got, r.TypeName+" "+string(r.Status))
		for _, c := range r.Pending {
			got = append(got, "  "+c.Path)
		}
	}
	want := []string{"Test::Gadget::Thing pending", "  /Code", "  /Free", "  /Labels", "Test::Other::Thing new-type"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reviews (-want +got):\n%s", diff)
	}
	body := string(tpls[0].Body)
	if strings.Contains(body, "Code") || strings.Contains(body, "Labels") || !strings.Contains(body, "new words") {
		t.Errorf("narrowed template:\n%s", body)
	}
	ann := tpls[0].Annotation
	if len(ann.TranslatedPatterns) != 1 || ann.TranslatedPatterns[0].Path != "/properties/Name/pattern" || len(ann.OpenObjects) != 0 {
		t.Errorf("annotation not brought in line: %+v", ann)
	}
	var doc struct {
		X schemagen.Annotation `json:"x-rcfge"`
	}
	if err := json.Unmarshal(tpls[0].Body, &doc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ann.TranslatedPatterns, doc.X.TranslatedPatterns); diff != "" || len(doc.X.OpenObjects) != 0 {
		t.Errorf("x-rcfge differs from the annotation (-ann +body):\n%s", diff)
	}

	// Approving everything gives the full generation, byte for byte.
	all := map[string][]approval.Grant{"test::gadget::thing": {{Path: "/Code"}, {Path: "/Free"}, {Path: "/Labels"}}}
	granted, _, err := schemagen.RunReview(ctx, schemagen.Request{Source: gadgetSource(newGadget), Types: []string{"Test::Gadget::Thing"}, Snapshot: "2026-08-03", Approved: approved, Grants: all})
	if err != nil {
		t.Fatal(err)
	}
	full, err := schemagen.Run(ctx, schemagen.Request{Source: gadgetSource(newGadget), Types: []string{"Test::Gadget::Thing"}, Snapshot: "2026-08-03"})
	if err != nil {
		t.Fatal(err)
	}
	if string(granted[0].Body) != string(full[0].Body) {
		t.Error("approving every pending property differs from the full generation")
	}

	// A named type without a template is its first approval: generated whole.
	tpls, reviews, err = schemagen.RunReview(ctx, schemagen.Request{Source: gadgetSource(newGadget), Types: []string{"Test::Other::Thing"}, Snapshot: "2026-08-03", Approved: approved})
	if err != nil || len(tpls) != 1 || reviews[0].Status != approval.FirstApproval {
		t.Errorf("first approval: %v, %+v, %v", names(tpls), reviews, err)
	}
}

func TestRunReviewErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		approved fstest.MapFS
		grants   map[string][]approval.Grant
		wantIs   error
		want     string
	}{
		{name: "approved template not JSON", approved: fstest.MapFS{"Test-Gadget-Thing.json": {Data: []byte("{")}}, want: "approved template Test-Gadget-Thing.json: not JSON"},
		{name: "grant of a path the source lacks", approved: fstest.MapFS{"Test-Gadget-Thing.json": {Data: []byte(`{"properties": {}}`)}},
			grants: map[string][]approval.Grant{"Test::Gadget::Thing": {{Path: "/Nope"}}}, wantIs: approval.ErrNotInSource, want: "Test::Gadget::Thing: /Nope: not in the provider schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := schemagen.RunReview(ctx, schemagen.Request{Source: gadgetSource(newGadget), Types: []string{"Test::Gadget::Thing"}, Snapshot: "2026-08-03", Approved: tt.approved, Grants: tt.grants})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RunReview() error = %v, want %q", err, tt.want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}
