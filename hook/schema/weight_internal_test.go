package schema

import (
	"io/fs"
	"runtime"
	"testing"

	"github.com/rcfge/rcfge/schemas"
)

// expand builds every subschema reachable from n: the most a compiled schema can come to hold,
// however many requests reach it.
func (n *node) expand(seen map[*node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	c := n.get()
	kids := []*node{c.ref, c.items, c.additionalItems, c.contains, c.additional, c.propertyNames, c.not, c.ifNode, c.then, c.els}
	kids = append(kids, c.tuple...)
	kids = append(kids, c.allOf...)
	kids = append(kids, c.anyOf...)
	kids = append(kids, c.oneOf...)
	for _, p := range c.propList {
		kids = append(kids, p.node)
	}
	for _, p := range c.patternProps {
		kids = append(kids, p.node)
	}
	for _, d := range c.deps {
		kids = append(kids, d.node)
	}
	for _, k := range kids {
		k.expand(seen)
	}
}

// TestExpandReachesEverySubschema: expand compiles the nodes validation reaches lazily, so the
// weight benchmark measures a fully built schema.
func TestExpandReachesEverySubschema(t *testing.T) {
	doc, err := Decode([]byte(`{"type":"object","properties":{"A":{"$ref":"#/definitions/D"},"B":{"type":"array","items":{"not":{"type":"null"}}}},
		"patternProperties":{"^x":{"anyOf":[{"type":"string"},{"allOf":[{"type":"integer"}]}]}},
		"dependencies":{"A":{"required":["B"]}},"definitions":{"D":{"oneOf":[{"type":"string"},{"enum":[1]}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile("expand", doc)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*node]bool{}
	s.root.expand(seen)
	// root, A, $ref D, D's two branches, B, its items, not, ^x, its anyOf's two, allOf's one, the dependency.
	if len(seen) != 13 {
		t.Errorf("expand built %d subschemas, want 13", len(seen))
	}
}

// BenchmarkCompiledWeight measures what the engine's byte-bounded cache estimates
// (hook/engine compiledFactor, compiledOverhead): the heap a compiled schema can come to keep per
// byte of its template, every subschema built and its patterns compiled (the pattern cache
// emptied first, so shared patterns count for each template: an upper bound), over every shipped
// template. The decoded template counts too: the schema keeps it. Placeholders stay unfilled: a
// filled value is no larger than the request context it came from.
// The engine's estimate, factor·body + 16 KiB, holds while max-(heap-16KiB)/body-byte stays
// under its factor.
// Run: go test -run XXX -bench CompiledWeight -benchtime 1x ./hook/schema
func BenchmarkCompiledWeight(b *testing.B) {
	const overhead = 16 << 10
	files, err := fs.Glob(schemas.FS(), "*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no templates: %v", err)
	}
	for b.Loop() {
		worst, excess, total, bodies := 0.0, 0.0, 0.0, 0
		for _, f := range files {
			body, err := fs.ReadFile(schemas.FS(), f)
			if err != nil {
				b.Fatal(err)
			}
			patterns.Clear()
			parsed.Clear()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			doc, err := Decode(body)
			if err != nil {
				b.Fatal(err)
			}
			s, err := Compile(f, doc)
			if err != nil {
				b.Fatal(err)
			}
			s.root.expand(map[*node]bool{})
			doc = nil
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(s)
			heap := float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
			if heap <= 0 {
				b.Fatalf("%s: a compiled schema measured %v heap bytes", f, heap)
			}
			worst = max(worst, heap/float64(len(body)))
			excess = max(excess, (heap-overhead)/float64(len(body)))
			total += heap
			bodies += len(body)
		}
		b.ReportMetric(worst, "max-heap/body-byte")
		b.ReportMetric(excess, "max-(heap-16KiB)/body-byte")
		b.ReportMetric(total/float64(bodies), "mean-heap/body-byte")
	}
}
