package schematest_test

import (
	"context"
	"os"
	"testing"

	"github.com/rcfge/rcfge/tools/schematest"
)

// TestShippedSuites runs the unit tests of the templates rcfge ships, so that `go test` catches a
// template change that breaks them, not only `make test`.
func TestShippedSuites(t *testing.T) {
	t.Parallel()
	rep, err := schematest.Run(context.Background(), os.DirFS("../../schemas"), schematest.Options{})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	for _, s := range rep.Suites {
		if s.Error != "" {
			t.Errorf("%s: %s", s.File, s.Error)
		}
		for _, c := range s.Cases {
			if c.Outcome == schematest.Fail || c.Outcome == schematest.Error {
				t.Errorf("%s // %s: %s\n%s", s.File, c.Name, c.Outcome, c.Message)
			}
		}
	}
	if len(rep.Untested) > 0 {
		t.Errorf("shipped templates without a suite: %v", rep.Untested)
	}
	if len(rep.Suites) < 15 {
		t.Errorf("%d suites, want one per shipped type (15)", len(rep.Suites))
	}
}
