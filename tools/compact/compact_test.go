package compact_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/compact"
	"github.com/rcfge/rcfge/tools/lint"
)

func repoPath(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", ".."}, elem...)...)
}

// The shipped templates compact to about a fifth, each file is Template of its source, and the
// linter says of the compact folder what it says of the annotated one.
func TestDirShippedTemplates(t *testing.T) {
	t.Parallel()
	src, dst := repoPath("schemas"), filepath.Join(t.TempDir(), "published")
	st, err := compact.Dir(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	top, _ := filepath.Glob(filepath.Join(src, "*.json"))
	if st.Files != len(top) || st.Files == 0 {
		t.Fatalf("wrote %d files, want the %d templates", st.Files, len(top))
	}
	if st.After*3 > st.Before {
		t.Errorf("compact %d bytes of %d: want under a third", st.After, st.Before)
	}
	var after int64
	for _, p := range top {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := compact.Template(body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dst, filepath.Base(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: written %d bytes (%v), want Template's %d", filepath.Base(p), len(got), err, len(want))
		}
		after += int64(len(got))
	}
	if after != st.After {
		t.Errorf("Stats.After = %d, files hold %d", st.After, after)
	}
	ctx := context.Background()
	annotated, err := lint.Lint(ctx, os.DirFS(src), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	compacted, err := lint.Lint(ctx, os.DirFS(dst), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if annotated.HasFindings() || compacted.HasFindings() || len(compacted.Findings) != len(annotated.Findings) {
		t.Errorf("lint: annotated %v, compact %v", annotated.Findings, compacted.Findings)
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	got, err := compact.Template([]byte(`{
  "typeName": "AWS::Test::Thing",
  "description": "prose <b>",
  "properties": {"Arn": {"type": "string", "pattern": "^arn:$<partition>:sns:$<region>:$<accountID>:[a-z&]+$", "description": "d"}},
  "additionalProperties": false
}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"additionalProperties":false,"properties":{"Arn":{"pattern":"^arn:$<partition>:sns:$<region>:$<accountID>:[a-z&]+$","type":"string"}},"typeName":"AWS::Test::Thing"}` + "\n"
	if string(got) != want {
		t.Errorf("Template:\n got %s\nwant %s", got, want)
	}
	for _, bad := range []struct{ body, msg string }{
		{`[1]`, "a template is a JSON object"},
		{`{"a":`, "not JSON"},
		{`{"a":1,"a":2}`, `"a"`},
	} {
		if _, err := compact.Template([]byte(bad.body)); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("Template(%s): %v, want an error saying %q", bad.body, err, bad.msg)
		}
	}
}

// Account overrides keep their place; other folders and files are not templates.
func TestDirOverrides(t *testing.T) {
	t.Parallel()
	src := t.TempDir()
	write(t, src, "AWS-S3-Bucket.json", `{"description":"d","type":"object"}`)
	write(t, src, "accounts/111122223333/AWS-S3-Bucket.json", `{"title":"t","type":"object"}`)
	write(t, src, "accounts/notanaccount/AWS-S3-Bucket.json", `not json`)
	write(t, src, "overlays/AWS-S3-Bucket.json", `[{"op":"remove","path":"/x"}]`)
	write(t, src, "README.md", `# not a template`)
	dst := filepath.Join(t.TempDir(), "out")
	st, err := compact.Dir(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 2 {
		t.Errorf("wrote %d files, want 2", st.Files)
	}
	for rel, want := range map[string]string{
		"AWS-S3-Bucket.json":                       `{"type":"object"}` + "\n",
		"accounts/111122223333/AWS-S3-Bucket.json": `{"type":"object"}` + "\n",
	} {
		if got, err := os.ReadFile(filepath.Join(dst, rel)); err != nil || string(got) != want {
			t.Errorf("%s: %q %v, want %q", rel, got, err, want)
		}
	}
	for _, rel := range []string{"accounts/notanaccount", "overlays", "README.md"} {
		if _, err := os.Stat(filepath.Join(dst, rel)); err == nil {
			t.Errorf("%s was written", rel)
		}
	}
}

func TestDirErrors(t *testing.T) {
	t.Parallel()
	good := t.TempDir()
	write(t, good, "AWS-S3-Bucket.json", `{"type":"object"}`)
	bad := t.TempDir()
	write(t, bad, "AWS-S3-Bucket.json", `{"type":"object"}`)
	write(t, bad, "AWS-SNS-Topic.json", `{"type":`)
	full := t.TempDir()
	write(t, full, "keep.txt", "mine")
	tests := []struct {
		name, src, dst, want string
	}{
		{"missing templates", filepath.Join(good, "nope"), filepath.Join(t.TempDir(), "o"), "no such file"},
		{"templates a file", filepath.Join(good, "AWS-S3-Bucket.json"), filepath.Join(t.TempDir(), "o"), "is not a folder"},
		{"no templates", t.TempDir(), filepath.Join(t.TempDir(), "o"), "holds no templates"},
		{"output is the templates", good, good, "inside the templates"},
		{"output inside the templates", good, filepath.Join(good, "published"), "inside the templates"},
		{"output not empty", good, full, "is not empty"},
		{"output a file", good, filepath.Join(full, "keep.txt"), "the output"},
		{"a template not JSON", bad, filepath.Join(t.TempDir(), "o"), "AWS-SNS-Topic.json: "},
	}
	for _, tt := range tests {
		st, err := compact.Dir(tt.src, tt.dst)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		}
		if st.Files != 0 {
			t.Errorf("%s: %d files written", tt.name, st.Files)
		}
		if tt.dst != full && tt.dst != good && !strings.HasPrefix(tt.dst, full) {
			if _, err := os.Stat(tt.dst); err == nil {
				t.Errorf("%s: the output %s was created", tt.name, tt.dst)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(full, "keep.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the non-empty output was touched: %q %v", b, err)
	}
	if entries, _ := os.ReadDir(good); len(entries) != 1 {
		t.Errorf("the templates folder changed: %v", entries)
	}
}

// The compact form compiles to a schema that gives the same answers (tools/schemadiff checks
// that over every generated template).
func TestTemplateSameAnswers(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(repoPath("schemas", "AWS-SQS-Queue.json"))
	if err != nil {
		t.Fatal(err)
	}
	small, err := compact.Template(body)
	if err != nil {
		t.Fatal(err)
	}
	a, err := schema.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := schema.Decode(small)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(schema.Compact(a), b) {
		t.Error("the written form does not decode to Compact of the template")
	}
}

func write(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
