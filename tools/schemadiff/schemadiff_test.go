package schemadiff_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/sampleinst"
	"github.com/rcfge/rcfge/tools/schemadiff"
	"github.com/rcfge/rcfge/tools/schemagen"
)

func repoPath(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", ".."}, elem...)...)
}

// sourceDir returns the provider schemas, skipping the test when the real data is absent.
func sourceDir(tb testing.TB) string {
	tb.Helper()
	root := os.Getenv("RCFGE_DATA")
	if root == "" {
		root = repoPath("..", "shared", "data")
	}
	dir := filepath.Join(root, "cfn-schemas", "us-east-1")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real data not present at %s (set RCFGE_DATA): %v", dir, err)
	}
	return dir
}

// known are the listed disagreements (testdata/known.tsv: template, instance kind, reason).
func known(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/known.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("known.tsv: want template, kind, reason: %q", line)
		}
		out[parts[0]+" "+parts[1]] = parts[2]
	}
	return out
}

func roundTrip(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := schema.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAllTemplates compares both validators over every template generated from AWS's provider
// schemas: sampleinst's valid instances (typed, and stringified as CloudFormation may hand them
// over), instances with an unapproved property at a random depth, and instances with one value
// mutated. Every disagreement must be listed in testdata/known.tsv with its reason.
func TestAllTemplates(t *testing.T) {
	dir := sourceDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider schemas in %s: %v", dir, err)
	}
	seeds := 3
	if testing.Short() {
		seeds = 1
	}
	allow := known(t)
	var (
		mu       sync.Mutex
		problems []string
		counts   = map[string]int{}
		listed   = map[string]bool{}
	)
	note := func(key, msg string) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := allow[key]; ok {
			listed[key] = true
			return
		}
		problems = append(problems, key+": "+msg)
	}
	count := func(kind string) {
		mu.Lock()
		counts[kind]++
		mu.Unlock()
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for f := range work {
				checkTemplate(t, f, seeds, note, count)
			}
		})
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	slices.Sort(problems)
	for _, p := range problems {
		t.Error(p)
	}
	for k := range allow {
		if !listed[k] {
			t.Errorf("known.tsv lists %q but it no longer disagrees: remove it", k)
		}
	}
	t.Logf("%d templates; instances compared: %v", len(files), counts)
}

func checkTemplate(t *testing.T, file string, seeds int, note func(key, msg string), count func(string)) {
	body, err := os.ReadFile(file)
	if err != nil {
		t.Error(err)
		return
	}
	var head struct {
		TypeName string `json:"typeName"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		t.Errorf("%s: %v", file, err)
		return
	}
	tpl, err := schemagen.Generate(schemagen.Provider{TypeName: head.TypeName, Body: body}, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		t.Errorf("%s: generate: %v", head.TypeName, err)
		return
	}
	name := head.TypeName
	doc, err := schema.Decode(tpl.Body)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	p, err := schemadiff.Compile(name, doc)
	if err != nil {
		if errors.Is(err, schemadiff.ErrTheirs) {
			note(name+" compile", err.Error())
		} else {
			note(name+" compile", "rcfge refuses a template v5 compiles: "+err.Error())
		}
		return
	}
	g, err := sampleinst.New(doc, sampleinst.WithMaxDepth(4))
	if err != nil {
		note(name+" sampleinst", err.Error())
		return
	}
	ctx := context.Background()
	// The compact template `make publish` uploads must answer every instance as this one does.
	compact, err := schema.Compile(name, schema.Compact(doc))
	if err != nil {
		note(name+" compact", "the compact template does not compile: "+err.Error())
		return
	}
	sameCompact := func(kind string, inst any, want []verdict.Violation) {
		got, err := compact.Validate(ctx, inst, schema.Options{})
		count("compact")
		if err != nil || !reflect.DeepEqual(got, want) {
			note(name+" compact", fmt.Sprintf("%s: compact template %v %v, annotated %v", kind, got, err, want))
		}
	}
	for seed := range uint64(seeds) {
		v, err := g.Valid(seed)
		if err != nil {
			continue // unsatisfiable by the generator: nothing to compare
		}
		typed := roundTrip(t, v)
		o, err := p.Validate(ctx, typed)
		if err != nil {
			note(name+" valid", err.Error())
			continue
		}
		count("valid")
		sameCompact("valid", typed, o.Ours)
		if len(o.Theirs) > 0 && len(o.Ours) > 0 {
			count("valid-by-neither") // sampleinst missed a rule; both validators agree
			continue
		}
		if !o.Agree() {
			note(name+" valid", fmt.Sprintf("seed %d: rcfge %v, v5 %v", seed, o.Ours, o.Theirs))
		}
		vs, err := p.Ours.Validate(ctx, schemadiff.Stringify(typed), schema.Options{})
		count("stringified")
		sameCompact("stringified", schemadiff.Stringify(typed), vs)
		if err != nil || len(vs) > 0 {
			note(name+" stringified", fmt.Sprintf("seed %d: the stringified twin of a valid instance: %v %v", seed, vs, err))
		}
		inv, ptr, err := g.Invalid(seed)
		if err == nil {
			inv = roundTrip(t, inv)
			o, err := p.Validate(ctx, inv)
			count("unapproved")
			sameCompact("unapproved", inv, o.Ours)
			switch {
			case err != nil:
				note(name+" unapproved", err.Error())
			case !o.Agree() || len(o.Ours) == 0:
				note(name+" unapproved", fmt.Sprintf("seed %d: extra %s: rcfge %v, v5 %v", seed, ptr, o.Ours, o.Theirs))
			case !named(o.Ours, ptr):
				note(name+" unapproved", fmt.Sprintf("seed %d: extra %s not named: %v", seed, ptr, o.Ours))
			}
			vs, err := p.Ours.Validate(ctx, schemadiff.Stringify(inv), schema.Options{})
			count("unapproved-stringified")
			if err != nil || !named(vs, ptr) {
				note(name+" unapproved-stringified", fmt.Sprintf("seed %d: extra %s not named: %v %v", seed, ptr, vs, err))
			}
		}
		mut, ptr := schemadiff.Mutate(typed, seed)
		o, err = p.Validate(ctx, mut)
		count("mutated")
		sameCompact("mutated", mut, o.Ours)
		switch {
		case err != nil:
			note(name+" mutated", err.Error())
		case o.Agree():
		case len(o.Ours) == 0 && (o.TheirsTypeOnly || p.Coercible(mut, ptr)):
			// CloudFormation's coercion: rcfge reads the value as the type the schema wants.
		default:
			note(name+" mutated", fmt.Sprintf("seed %d: %s mutated: rcfge %v, v5 %v", seed, ptr, o.Ours, o.Theirs))
		}
	}
}

// named reports whether a violation names the unapproved property (or an anyOf/oneOf above it
// that failed as a whole).
func named(vs []verdict.Violation, ptr string) bool {
	for _, v := range vs {
		if v.Path == ptr && v.Keyword == "additionalProperties" {
			return true
		}
		if (v.Keyword == "oneOf" || v.Keyword == "anyOf") && strings.HasPrefix(ptr, v.Path+"/") {
			return true
		}
	}
	return false
}
