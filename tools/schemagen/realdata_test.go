package schemagen_test

import (
	"context"
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/realdata"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir is a folder of the shared real data (skips without it).
func dataDir(tb testing.TB, sub string) string {
	tb.Helper()
	return realdata.Dir(tb, sub)
}

func generateAll(tb testing.TB) []*schemagen.Template {
	tb.Helper()
	src := schemagen.NewFSSource(os.DirFS(dataDir(tb, "cfn-schemas/us-east-1")))
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: src, Snapshot: "2026-08-03"})
	if err != nil {
		tb.Fatalf("Run: %v", err)
	}
	return tpls
}

// TestGenerateAllRealSchemas: every real provider schema generates, and every result compiles in
// the engine.
func TestGenerateAllRealSchemas(t *testing.T) {
	tpls := generateAll(t)
	if len(tpls) != 1655 {
		t.Errorf("generated %d templates, want 1655", len(tpls))
	}
	dropped, translated, open := 0, 0, 0
	for _, tpl := range tpls {
		doc, err := schema.Decode(tpl.Body)
		if err != nil {
			t.Fatalf("%s: %v", tpl.TypeName, err)
		}
		if _, err := schema.Compile(tpl.TypeName, doc); err != nil {
			t.Errorf("%s: %v", tpl.TypeName, err)
		}
		dropped += len(tpl.Annotation.DroppedPatterns)
		translated += len(tpl.Annotation.TranslatedPatterns)
		open += len(tpl.Annotation.OpenObjects)
	}
	t.Logf("%d templates: %d patterns translated, %d dropped, %d open objects", len(tpls), translated, dropped, open)
}
