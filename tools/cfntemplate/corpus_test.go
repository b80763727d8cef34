package cfntemplate_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// dataDir returns the shared real data folder, skipping the test when it is absent.
func dataDir(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv("RCFGE_DATA")
	if root == "" {
		_, file, _, _ := runtime.Caller(0)
		root = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	}
	dir := filepath.Join(root, sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real data not present at %s (set RCFGE_DATA): %v", dir, err)
	}
	return dir
}

// corpusEngine generates a template from every provider schema, without overlays, as
// `rcfge schemas generate` does, and serves them from memory.
func corpusEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	src := schemagen.NewFSSource(os.DirFS(dataDir(tb, "cfn-schemas/us-east-1")))
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: src, Snapshot: "2026-01-01"})
	if err != nil {
		tb.Fatalf("generate: %v", err)
	}
	fsys := fstest.MapFS{}
	for _, tpl := range tpls {
		name, err := store.FileName(tpl.TypeName)
		if err != nil {
			tb.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: tpl.Body}
	}
	return engine.New(dirstore.New(fsys), engine.WithCacheSize(4096))
}

func qualifying(tb testing.TB) (string, []string) {
	tb.Helper()
	dir := dataDir(tb, "real-templates")
	f, err := os.Open(filepath.Join(dir, "QUALIFYING.txt"))
	if err != nil {
		tb.Skipf("real templates: %v", err)
	}
	defer f.Close()
	var files []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			files = append(files, l)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return dir, files
}

const (
	corpusAccount = "111122223333"
	corpusRegion  = "us-east-1"
)

// TestRealCorpus: every qualifying real template is approved by templates generated from AWS's
// provider schemas without restrictions.
func TestRealCorpus(t *testing.T) {
	dir, files := qualifying(t)
	eng := corpusEngine(t)
	ctx := context.Background()
	ectx := engine.Context{AccountID: corpusAccount, Region: corpusRegion}
	approved := 0
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		tmpl, err := cfntemplate.Parse(file, data, cfntemplate.Options{AccountID: corpusAccount, Region: corpusRegion})
		if err != nil {
			t.Errorf("%s: parse: %v", file, err)
			continue
		}
		fr, err := cfntemplate.Validate(ctx, eng, tmpl, ectx, nil)
		if err != nil {
			t.Errorf("%s: validate: %v", file, err)
			continue
		}
		var findings []string
		for _, r := range fr.Resources {
			for _, v := range r.Violations {
				findings = append(findings, fmt.Sprintf("%s (%s) %s", r.LogicalID, r.Type, v))
			}
		}
		if len(findings) == 0 {
			approved++
			continue
		}
		t.Errorf("%s: not approved:\n\t%s", file, strings.Join(findings, "\n\t"))
	}
	t.Logf("approved %d/%d", approved, len(files))
	fmt.Printf("real corpus: approved %d/%d\n", approved, len(files))
}
