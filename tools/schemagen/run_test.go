package schemagen_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rcfge/rcfge/tools/schemagen"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }

func TestRun(t *testing.T) {
	ctx := context.Background()
	widgetBody := readFile(t, "testdata/provider/test-widget-thing.json")
	src := schemagen.NewFSSource(fstest.MapFS{
		"test-widget-thing.json": {Data: widgetBody},
		"test-other-thing.json":  {Data: provider("Test::Other::Thing")},
	})
	overlays := fstest.MapFS{"Test-Widget-Thing.json": {Data: readFile(t, "testdata/overlays/Test-Widget-Thing.json")}, "README.md": {Data: []byte("x")}}
	prev := fstest.MapFS{"Test-Widget-Thing.json": {Data: []byte(`{"x-rcfge": {"source": {"digest": "` + schemagen.Digest(widgetBody) + `", "snapshot": "2026-01-15"}}}`)}}

	tpls, err := schemagen.Run(ctx, schemagen.Request{Source: src, Overlays: overlays, Previous: prev, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpls) != 2 || tpls[0].TypeName != "Test::Other::Thing" || tpls[1].TypeName != "Test::Widget::Thing" {
		t.Fatalf("templates %v, want Other then Widget", names(tpls))
	}
	if got := tpls[1].Annotation.Source.Snapshot; got != "2026-01-15" {
		t.Errorf("unchanged source: snapshot %s, want the previous 2026-01-15", got)
	}
	if got := tpls[0].Annotation.Source.Snapshot; got != "2026-11-22" {
		t.Errorf("new source: snapshot %s, want today 2026-11-22", got)
	}
	if tpls[1].Annotation.Overlay == nil || tpls[0].Annotation.Overlay != nil {
		t.Errorf("overlay applied to the wrong templates")
	}

	// A type named in another case still gets its overlay.
	lower, err := schemagen.Run(ctx, schemagen.Request{Source: src, Types: []string{"test::widget::thing"}, Overlays: overlays, Snapshot: "2026-08-03"})
	if err != nil || len(lower) != 1 || lower[0].Annotation.Overlay == nil || lower[0].TypeName != "Test::Widget::Thing" {
		t.Errorf("lower-case --type: %v %v", names(lower), err)
	}

	forced, err := schemagen.Run(ctx, schemagen.Request{Source: src, Types: []string{"Test::Widget::Thing"}, Snapshot: "2026-08-03", Previous: prev})
	if err != nil || len(forced) != 1 || forced[0].Annotation.Source.Snapshot != "2026-08-03" {
		t.Errorf("--snapshot not honoured: %v %v", names(forced), err)
	}
}

func TestRunErrors(t *testing.T) {
	ctx := context.Background()
	src := schemagen.NewFSSource(fstest.MapFS{
		"test-good-thing.json": {Data: provider("Test::Good::Thing")},
		"test-bad-thing.json":  {Data: []byte(`{"typeName": "Test::Bad::Thing"}`)},
	})
	tpls, err := schemagen.Run(ctx, schemagen.Request{Source: src, Snapshot: "2026-08-03"})
	if !errors.Is(err, schemagen.ErrInvalidProvider) || !strings.Contains(err.Error(), "Test::Bad::Thing") {
		t.Errorf("error %v, want the bad type reported", err)
	}
	if len(tpls) != 1 || tpls[0].TypeName != "Test::Good::Thing" {
		t.Errorf("the good type is still generated: got %v", names(tpls))
	}

	orphan := fstest.MapFS{"Test-Gone-Thing.json": {Data: []byte(`[]`)}}
	_, err = schemagen.Run(ctx, schemagen.Request{Source: src, Types: nil, Overlays: orphan, Snapshot: "2026-08-03"})
	if !errors.Is(err, schemagen.ErrInvalidOverlay) || !strings.Contains(err.Error(), "Test-Gone-Thing.json") {
		t.Errorf("orphan overlay: error %v", err)
	}

	_, err = schemagen.Run(ctx, schemagen.Request{Source: src, Types: []string{"Test::Missing::Thing"}, Snapshot: "2026-08-03"})
	if !errors.Is(err, schemagen.ErrTypeNotFound) {
		t.Errorf("missing type: error %v", err)
	}

	dupes := fstest.MapFS{"Test-Good-Thing.json": {Data: []byte(`[]`)}, "test-good-thing.json": {Data: []byte(`[]`)}}
	if _, err := schemagen.Run(ctx, schemagen.Request{Source: src, Overlays: dupes, Snapshot: "2026-08-03"}); !errors.Is(err, schemagen.ErrInvalidOverlay) {
		t.Errorf("two overlays for one type: error %v", err)
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := schemagen.Run(canceled, schemagen.Request{Source: src, Snapshot: "2026-08-03"}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: error %v", err)
	}
}

func TestSnapshotFor(t *testing.T) {
	now := fixedNow()
	tests := []struct {
		name     string
		modified time.Time
		previous string
		want     string
	}{
		{name: "previous wins", modified: now.AddDate(0, -1, 0), previous: "2026-01-01", want: "2026-01-01"},
		{name: "source date in UTC", modified: time.Date(2026, 8, 3, 23, 30, 0, 0, time.FixedZone("x", -2*3600)), want: "2026-08-04"},
		{name: "today", want: "2026-11-22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schemagen.SnapshotFor(schemagen.Provider{Modified: tt.modified}, tt.previous, now)
			if got != tt.want {
				t.Errorf("SnapshotFor = %s, want %s", got, tt.want)
			}
		})
	}
}

func names(tpls []*schemagen.Template) []string {
	var out []string
	for _, t := range tpls {
		out = append(out, t.TypeName)
	}
	return out
}
