package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of reporting them, so the test
// can check what Assert would have said. Fatalf does not stop the goroutine; Assert returns
// right after it.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.fatal = true
}

func (r *recorder) Fatal(args ...any) {
	r.errors = append(r.errors, fmt.Sprint(args...))
	r.fatal = true
}

func writeGolden(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAssert(t *testing.T) {
	if Update() {
		t.Skip("checks comparison, not -update")
	}
	t.Run("match", func(t *testing.T) {
		path := writeGolden(t, "a\nb\n")
		r := &recorder{TB: t}
		Assert(r, path, []byte("a\nb\n"))
		AssertString(r, path, "a\nb\n")
		if len(r.errors) != 0 {
			t.Errorf("errors = %q, want none", r.errors)
		}
	})
	t.Run("mismatch", func(t *testing.T) {
		path := writeGolden(t, "same\nwanted\n")
		r := &recorder{TB: t}
		AssertString(r, path, "same\nproduced\n")
		if len(r.errors) != 1 || r.fatal {
			t.Fatalf("errors = %q, fatal = %v, want one non-fatal error", r.errors, r.fatal)
		}
		for _, want := range []string{path, "(-want +got)", "wanted", "produced"} {
			if !strings.Contains(r.errors[0], want) {
				t.Errorf("error %q does not contain %q", r.errors[0], want)
			}
		}
	})
	t.Run("missing", func(t *testing.T) {
		r := &recorder{TB: t}
		Assert(r, filepath.Join(t.TempDir(), "none.golden"), []byte("x"))
		if len(r.errors) != 1 || !r.fatal {
			t.Fatalf("errors = %q, fatal = %v, want one fatal error", r.errors, r.fatal)
		}
		if !strings.Contains(r.errors[0], "(run go test -update to create it)") {
			t.Errorf("error %q does not say how to create the file", r.errors[0])
		}
	})
}

func TestPath(t *testing.T) {
	if got, want := Path(t), filepath.Join("testdata", "TestPath.golden"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	t.Run("sub case", func(t *testing.T) {
		if got, want := Path(t), filepath.Join("testdata", "TestPath", "sub_case.golden"); got != want {
			t.Errorf("Path = %q, want %q", got, want)
		}
	})
}
