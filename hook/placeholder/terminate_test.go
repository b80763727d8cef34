package placeholder_test

import (
	"fmt"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/placeholder"
)

// maxParseAllocs bounds what filling the small strings below may allocate. A parser that stops
// advancing through its string grows its literal without end; this bound turns that into a quick
// failure instead of a machine out of memory.
const maxParseAllocs = 256 << 20

// allocated returns the bytes allocated on the heap since the program started.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// bounded runs f and panics (failing the whole run at once, since f cannot be stopped) when it
// allocates more than maxParseAllocs.
func bounded(what string, f func()) {
	start := allocated()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			if grown := allocated() - start; grown > maxParseAllocs {
				panic(fmt.Sprintf("%s allocated %d MB and is still running: the parser stopped advancing", what, grown>>20))
			}
		}
	}
}

// TestParseTerminates fills strings where each step of the parser must advance: escapes, lone
// dollars and placeholders at the start, the end and back to back, and checks the exact result.
// It is deliberately not parallel: it runs before the parallel tests, so a parser that loops is
// caught here, within maxParseAllocs, before any other test can make it grow unchecked.
func TestParseTerminates(t *testing.T) {
	vs := placeholder.Vars{"a": placeholder.String("A"), "b": placeholder.String("B")}
	tests := []struct{ in, want string }{
		{"$$<", "$<"},
		{"x$$<", "x$<"},
		{"$$<a>", "$<a>"},
		{"$$<a>$<a>", "$<a>A"},
		{"$<a>$$<", "A$<"},
		{"$", "$"},
		{"$<a>$", "A$"},
		{"$$$<a>", "$$<a>"},
		{"$$$$<a>", "$$$<a>"},
		{"$<a>$<b>", "AB"},
		{"$<a>x$<b>", "AxB"},
		{"$x$<a>$", "$xA$"},
		{"pre $<a> post", "pre A post"},
		{strings.Repeat("$$<", 1000), strings.Repeat("$<", 1000)},
		{strings.Repeat("$<a>", 1000), strings.Repeat("A", 1000)},
		{strings.Repeat("$ ", 1000) + "$<b>", strings.Repeat("$ ", 1000) + "B"},
	}
	for _, tt := range tests {
		var got any
		var err error
		bounded(fmt.Sprintf("Fill(%.40q)", tt.in), func() {
			got, err = placeholder.Fill(map[string]any{"description": tt.in}, vs)
		})
		if err != nil {
			t.Errorf("Fill(%.40q): %v", tt.in, err)
			continue
		}
		if d := got.(map[string]any)["description"]; d != tt.want {
			t.Errorf("Fill(%.40q) = %.60q, want %.60q", tt.in, d, tt.want)
		}
	}
}
