package docstest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/docstest"
)

func fixture(t *testing.T) []docstest.Block {
	t.Helper()
	data, err := os.ReadFile("testdata/fixture.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := docstest.Extract("fixture.md", data)
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

func TestExtract(t *testing.T) {
	t.Parallel()
	type short struct {
		Line       int
		Skip, Text string
	}
	var got []short
	for _, b := range fixture(t) {
		got = append(got, short{b.Line, b.Skip, b.Text})
	}
	want := []short{
		{5, "", "echo ok\n"},
		{10, "", "true\nfalse # exit 1\n"},
		{16, "needs-aws", "aws s3 ls\n"},
		{21, "no-run", "make bench\n"},
		{25, "", "false\n"},
		{29, "", "bin/tool --flag \\\n  arg # exit 2\n"},
		{34, "", "true # exit 1\n"},
		{50, "", "GREETING=\"hello world\"\n"},
		{54, "", "test \"$GREETING\" = \"hello world\"\n"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
	if _, err := docstest.Extract("open.md", []byte("text\n```sh\necho\n")); err == nil {
		t.Error("an unclosed block extracted without error")
	}
}

// TestRun shows that a documented command that fails, or exits otherwise than its text
// promises, fails the docs test.
func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "tool"), []byte("#!/bin/sh\nexit 2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	wantErr := map[int]bool{5: false, 10: false, 25: true, 29: false, 34: true, 50: false, 54: false}
	env := []string{"DOCSTEST_STATE=" + filepath.Join(dir, "state")}
	for _, b := range fixture(t) {
		if b.Skip != "" {
			continue
		}
		// In order, as the page is read: the last block needs the variable of the one before.
		t.Run(b.Name(), func(t *testing.T) {
			r := docstest.Run(t.Context(), dir, env, b)
			if got := r.Err != nil; got != wantErr[b.Line] {
				t.Fatalf("error %v (output %q), want error %v", r.Err, r.Output, wantErr[b.Line])
			}
			if r.Err != nil && !errors.Is(r.Err, docstest.ErrFailed) {
				t.Errorf("error %v is not ErrFailed", r.Err)
			}
		})
	}
	alone := docstest.Block{File: "x.md", Line: 1, Text: "test -n \"$GREETING\"\n"}
	if r := docstest.Run(t.Context(), dir, nil, alone); r.Err == nil {
		t.Error("a variable leaked into a run without DOCSTEST_STATE")
	}
	broken := docstest.Block{File: "x.md", Line: 1, Text: "true # exit 1\n"}
	if r := docstest.Run(t.Context(), dir, nil, broken); !strings.Contains(string(r.Output), "the text promises exit 1: true") {
		t.Errorf("message %q does not say which promise broke", r.Output)
	}
}

// knownBroken are documented blocks that fail today in pages other sessions own. An entry that
// runs fails the test once its block passes, so the list only shrinks; one that does not run
// (run false) is a block that needs an AWS account and lacks its <!-- needs-aws --> marker. An
// entry whose block is gone or marked now is only logged: remove it.
var knownBroken = []struct {
	file, contains, why string
	run                 bool
}{}

// TestDocs runs every shell block of README.md and docs/*.md in a copy of the repository.
func TestDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every documented command; not in -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	tmp := t.TempDir()
	rcfge := filepath.Join(tmp, "rcfge")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", rcfge, "./tools/rcfge")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build rcfge: %v\n%s", err, out)
	}
	tracked := trackedFiles(t, root)
	data := os.Getenv("RCFGE_DATA")
	if data == "" {
		data = filepath.Join(root, "..", "shared", "data")
	}
	_, statErr := os.Stat(data)
	haveData := statErr == nil

	ran := 0
	used := make([]bool, len(knownBroken))
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := docstest.Extract(rel, raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(blocks) == 0 {
			continue
		}
		// One copy per page: its blocks run in order, as a reader follows it.
		base := filepath.Join(tmp, strings.NewReplacer("/", "_", ".", "_").Replace(rel))
		repo := filepath.Join(base, "repo")
		copyTree(t, root, repo, tracked)
		copyFile(t, rcfge, filepath.Join(repo, "bin", "rcfge"), 0o755)
		if haveData {
			if err := os.Symlink(filepath.Dir(data), filepath.Join(base, "shared")); err != nil {
				t.Fatal(err)
			}
		}
		env := []string{
			"PATH=" + filepath.Join(repo, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
			"RCFGE_DATA=" + filepath.Join(base, "shared", "data"),
			"DOCSTEST_STATE=" + filepath.Join(base, "shell-state"),
		}
		for _, b := range blocks {
			t.Run(b.Name(), func(t *testing.T) {
				switch {
				case b.Skip != "":
					t.Skipf("marked %s", b.Skip)
				case !haveData && strings.Contains(b.Text, "shared/data"):
					t.Skipf("needs the real data at %s", data)
				}
				broken, run := "", true
				for i, k := range knownBroken {
					if k.file == b.File && strings.Contains(b.Text, k.contains) {
						broken, run = k.why, k.run
						used[i] = true
					}
				}
				if !run {
					t.Skipf("known broken, owned elsewhere, not run: %s", broken)
				}
				ran++
				ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
				defer cancel()
				r := docstest.Run(ctx, repo, env, b)
				switch {
				case broken != "" && r.Err == nil:
					t.Errorf("listed in knownBroken (%s) but passes: remove the entry", broken)
				case broken != "":
					t.Skipf("known broken, owned elsewhere: %s: %v\n%s", broken, r.Err, tail(r.Output, 5))
				case r.Err != nil:
					t.Errorf("%v\n%s\nscript:\n%s", r.Err, r.Output, b.Text)
				}
			})
		}
	}
	if ran == 0 {
		t.Fatal("no documented command ran")
	}
	for i, k := range knownBroken {
		if !used[i] {
			t.Logf("knownBroken entry for %s (%s) matches no unmarked block: remove it", k.file, k.contains)
		}
	}
}

func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	// Files not yet committed count too, so the test checks the tree as it is.
	cmd := exec.CommandContext(t.Context(), "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): the docs test copies the tracked files", err)
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files
}

func copyTree(t *testing.T, from, to string, files []string) {
	t.Helper()
	for _, f := range files {
		src := filepath.Join(from, f)
		fi, err := os.Lstat(src)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // deleted in the work tree, not yet in the index
			}
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		copyFile(t, src, filepath.Join(to, f), fi.Mode().Perm())
	}
}

func copyFile(t *testing.T, src, dst string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// tail is the last n lines of out, for a message.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
