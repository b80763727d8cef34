package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/verdict"
)

// memStore serves templates from memory; a test may replace one (new body, new version) and
// counts the lookups. It never looks at the context, so only the engine's own checks stop it.
type memStore struct {
	mu    sync.Mutex
	tpls  map[string]store.Template
	gets  atomic.Int32
	onGet func()
}

func newMemStore(bodies map[string]string) *memStore {
	m := &memStore{tpls: map[string]store.Template{}}
	for typ, body := range bodies {
		m.set(typ, body, "v1")
	}
	return m
}

func (m *memStore) set(typeName, body, version string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name, _ := store.FileName(typeName)
	m.tpls[typeName] = store.Template{Key: name, Version: version, Body: []byte(body)}
}

func (m *memStore) Get(_ context.Context, typeName, _ string) (store.Template, error) {
	m.gets.Add(1)
	if m.onGet != nil {
		m.onGet()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tpls[typeName]
	if !ok {
		return store.Template{}, store.ErrNotFound
	}
	return t, nil
}

const closed = `{"type":"object","additionalProperties":false,"properties":{"A":{"type":"string","enum":["a"]}}}`

func TestCancelledBeforeAnyIO(t *testing.T) {
	t.Parallel()
	m := newMemStore(map[string]string{"Test::Mem::Thing": closed})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := engine.New(m).Evaluate(ctx, engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"B":1}`)})
	if engine.KindOf(err) != engine.KindDeadline || !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want a deadline error", err)
	}
	if n := m.gets.Load(); n != 0 {
		t.Errorf("%d store lookups after the deadline, want 0", n)
	}
}

// countingCtx reports the deadline from its n-th Err call on: the test finds n so that exactly
// the engine's last check sees it, as when the deadline passes at the end of validation.
type countingCtx struct {
	context.Context
	calls  atomic.Int32
	expire int32 // 0: never
}

func (c *countingCtx) Err() error {
	if n := c.calls.Add(1); c.expire > 0 && n >= c.expire {
		return context.DeadlineExceeded
	}
	return nil
}

func TestDeadlineAfterValidationKeepsViolations(t *testing.T) {
	t.Parallel()
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"A":"b","B":1}`)}
	probe := &countingCtx{Context: context.Background()}
	e := engine.New(newMemStore(map[string]string{"Test::Mem::Thing": closed}))
	if _, err := e.Evaluate(probe, in); err != nil {
		t.Fatal(err)
	}
	last := probe.calls.Load()
	res, err := e.Evaluate(&countingCtx{Context: context.Background(), expire: last}, in)
	if engine.KindOf(err) != engine.KindDeadline {
		t.Fatalf("deadline at the last check: err %v, want a deadline error", err)
	}
	if got := paths(res.Verdict.Violations); got != "/A,/B" {
		t.Errorf("violations beside the deadline error at %q, want /A,/B", got)
	}
}

func TestDeadlineDuringValidationKeepsViolations(t *testing.T) {
	t.Parallel()
	m := newMemStore(map[string]string{"Test::Mem::Thing": closed})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The deadline passes while the template is fetched: validation then stops at once.
	m.onGet = cancel
	res, err := engine.New(m).Evaluate(ctx, engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"B":1}`)})
	if engine.KindOf(err) != engine.KindDeadline {
		t.Fatalf("err %v, want a deadline error", err)
	}
	if res.TemplateKey != "Test-Mem-Thing.json" {
		t.Errorf("template key %q", res.TemplateKey)
	}
}

func TestChangedTemplateVersionIsReread(t *testing.T) {
	t.Parallel()
	m := newMemStore(map[string]string{"Test::Mem::Thing": closed})
	e := engine.New(m)
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"A":"b"}`)}
	for range 2 { // warm
		if res, err := e.Evaluate(context.Background(), in); err != nil || paths(res.Verdict.Violations) != "/A" {
			t.Fatalf("v1: %v %v", res.Verdict, err)
		}
	}
	m.set("Test::Mem::Thing", strings.Replace(closed, `["a"]`, `["a","b"]`, 1), "v2")
	res, err := e.Evaluate(context.Background(), in)
	if err != nil || !res.Verdict.Approved() || res.TemplateVersion != "v2" || res.CacheHit {
		t.Errorf("after a new version: %+v %v, want approved by v2, compiled afresh", res, err)
	}
}

// TestPreparedCacheWeight: parsed templates get a quarter of the byte budget, each weighing four
// times its body plus 4 KiB.
func TestPreparedCacheWeight(t *testing.T) {
	t.Parallel()
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"A":"a"}`)}
	weight := int64(len(closed))*4 + 4096
	for _, tt := range []struct {
		budget int64
		want   int64
	}{{weight * 4, weight}, {weight*4 - 4, 0}} {
		// The compiled schema (20x) never fits these budgets; only the parsed template is asked about.
		e := engine.New(newMemStore(map[string]string{"Test::Mem::Thing": closed}), engine.WithCacheBytes(tt.budget))
		if _, err := e.Evaluate(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		if got := engine.PreparedBytes(e); got != tt.want {
			t.Errorf("budget %d: prepared cache holds %d bytes, want %d", tt.budget, got, tt.want)
		}
	}
}

func TestCacheBoundedByBytes(t *testing.T) {
	t.Parallel()
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"A":"a"}`)}
	weight := engine.CompiledWeight(len(closed))
	for _, tt := range []struct {
		bytes   int64
		wantHit bool
	}{{weight - 1, false}, {weight * 4, true}} {
		e := engine.New(newMemStore(map[string]string{"Test::Mem::Thing": closed}), engine.WithCacheBytes(tt.bytes))
		_, _ = e.Evaluate(context.Background(), in)
		res, err := e.Evaluate(context.Background(), in)
		if err != nil || res.CacheHit != tt.wantHit {
			t.Errorf("cache of %d bytes for a schema of %d: hit %v (%v), want %v", tt.bytes, weight, res.CacheHit, err, tt.wantHit)
		}
	}
	if w := engine.CompiledWeight(100_000); w < 2_000_000 {
		t.Errorf("a 100 KB template weighs %d, below the measured compiled size", w)
	}
}

func manyProps(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"P%05d":%d`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

func TestMaxViolations(t *testing.T) {
	t.Parallel()
	m := newMemStore(map[string]string{"Test::Mem::Thing": closed})
	tests := []struct {
		name        string
		opts        []engine.Option
		n           int
		wantKept    int
		wantOmitted int
		wantAtLeast bool
	}{
		{"default keeps 100", nil, 250, 100, 150, false},
		{"under the maximum keeps all", nil, 100, 100, 0, false},
		{"a set maximum", []engine.Option{engine.WithMaxViolations(3)}, 10, 3, 7, false},
		{"no maximum", []engine.Option{engine.WithMaxViolations(0)}, 250, 250, 0, false},
		{"exactly as many as counted", []engine.Option{engine.WithMaxViolations(2)}, 10_002, 2, 10_000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := engine.New(m, tt.opts...).Evaluate(context.Background(), engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, manyProps(tt.n))})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Verdict.Violations) != tt.wantKept || res.Omitted < tt.wantOmitted || (!tt.wantAtLeast && res.Omitted != tt.wantOmitted) || res.OmittedAtLeast != tt.wantAtLeast {
				t.Errorf("kept %d, omitted %d (at least %v); want %d, %d (%v)", len(res.Verdict.Violations), res.Omitted, res.OmittedAtLeast, tt.wantKept, tt.wantOmitted, tt.wantAtLeast)
			}
			if res.Verdict.Approved() {
				t.Error("approved")
			}
		})
	}
}

func TestTruncateKeepsEveryKind(t *testing.T) {
	t.Parallel()
	vs := []verdict.Violation{{Path: "/A"}, {Path: "/B"}, {Path: "/C"}, {Path: "/D", Unverifiable: true}, {Path: "/E"}}
	kept, omitted, atLeast := engine.Truncate(2, vs, false)
	if paths(kept) != "/A,/D" || !kept[1].Unverifiable || omitted != 3 || atLeast {
		t.Errorf("kept %v omitted %d %v, want /A and the unverifiable /D, 3 omitted", kept, omitted, atLeast)
	}
	vs = []verdict.Violation{{Path: "/A", Unverifiable: true}, {Path: "/B", Unverifiable: true}, {Path: "/C"}}
	if kept, omitted, atLeast := engine.Truncate(2, vs, true); paths(kept) != "/A,/C" || kept[1].Unverifiable || omitted != 1 || !atLeast {
		t.Errorf("kept %v omitted %d %v, want /A and the plain /C, 1+ omitted", kept, omitted, atLeast)
	}
	if kept, omitted, _ := engine.Truncate(1, vs[:1], false); len(kept) != 1 || omitted != 0 {
		t.Errorf("within the maximum: %v %d", kept, omitted)
	}
	if kept, omitted, _ := engine.Truncate(0, vs, false); len(kept) != 3 || omitted != 0 {
		t.Errorf("no maximum: %v %d", kept, omitted)
	}
	if kept, _, _ := engine.Truncate(1, []verdict.Violation{{Path: "/A"}, {Path: "/B", Unverifiable: true}}, false); paths(kept) != "/B" {
		t.Errorf("one slot: %v, want the unverifiable one (a plain one cannot be missing: none is kept)", kept)
	}
}

func TestShadowMode(t *testing.T) {
	t.Parallel()
	withMode := func(mode string) string {
		return `{"type":"object","additionalProperties":false,"x-rcfge":{"mode":` + mode + `,"onDelete":"deny"},"properties":{"A":{"type":"string"}}}`
	}
	m := newMemStore(map[string]string{
		"Test::Shadow::Thing":   withMode(`"shadow"`),
		"Test::Enforce::Thing":  withMode(`"enforce"`),
		"Test::Default::Thing":  `{"type":"object","additionalProperties":false}`,
		"Test::Audit::Thing":    withMode(`"audit"`),
		"Test::Number::Thing":   withMode(`1`),
		"Test::Shouting::Thing": withMode(`"SHADOW"`),
	})
	e := engine.New(m)
	tests := []struct {
		typeName   string
		op         engine.Operation
		wantShadow bool
		wantErr    string
	}{
		{"Test::Shadow::Thing", engine.Create, true, ""},
		{"Test::Shadow::Thing", engine.Delete, true, ""},
		{"Test::Enforce::Thing", engine.Create, false, ""},
		{"Test::Default::Thing", engine.Create, false, ""},
		{"Test::Audit::Thing", engine.Create, false, `x-rcfge.mode "audit": want "enforce" or "shadow"`},
		{"Test::Number::Thing", engine.Create, false, `x-rcfge.mode 1: want`},
		{"Test::Shouting::Thing", engine.Create, false, `x-rcfge.mode "SHADOW"`},
	}
	for _, tt := range tests {
		res, err := e.Evaluate(context.Background(), engine.Input{TypeName: tt.typeName, Operation: tt.op, Properties: props(t, `{"B":1}`)})
		if tt.wantErr != "" {
			if engine.KindOf(err) != engine.KindInvalidTemplate || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want an invalid template saying %q", tt.typeName, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.typeName, err)
		}
		if res.Shadow != tt.wantShadow || res.Verdict.Approved() {
			t.Errorf("%s %s: shadow %v, violations %v; want shadow %v with the violations kept", tt.typeName, tt.op, res.Shadow, res.Verdict.Violations, tt.wantShadow)
		}
	}
}

// TestDeadlineInsideValidationIsADeadline: when the validator itself stops at the deadline (a large
// resource, the time running out between two of its looks at the context), the engine reports a
// deadline, never an invalid template, and keeps what was found.
func TestDeadlineInsideValidationIsADeadline(t *testing.T) {
	t.Parallel()
	const tpl = `{"type":"object","additionalProperties":false,"properties":{"L":{"type":"array","items":{"type":"string"}}}}`
	e := engine.New(newMemStore(map[string]string{"Test::Mem::Thing": tpl}))
	small := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"L":["a"]}`)}
	probe := &countingCtx{Context: context.Background()}
	if _, err := e.Evaluate(probe, small); err != nil {
		t.Fatal(err)
	}
	// A small resource is validated without a look at the context, so the probe counted the
	// engine's own looks: those before validation and the one after it. With a large resource, the
	// call after the ones before validation is the validator's first look.
	// The one violation is the first item, seen before the validator's first look.
	items := make([]any, 5000)
	for i := range items {
		items[i] = "x"
	}
	items[0] = map[string]any{}
	large := engine.Input{TypeName: "Test::Mem::Thing", Properties: map[string]any{"L": items}}
	res, err := e.Evaluate(&countingCtx{Context: context.Background(), expire: probe.calls.Load()}, large)
	if engine.KindOf(err) != engine.KindDeadline || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v (kind %v), want a deadline error wrapping the validator's", err, engine.KindOf(err))
	}
	if !strings.Contains(err.Error(), "stopped after") {
		t.Errorf("err %q does not come from the validator", err)
	}
	if got := paths(res.Verdict.Violations); got != "/L/0" {
		t.Errorf("violations beside the deadline error at %q, want /L/0", got)
	}
}
