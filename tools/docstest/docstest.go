// Package docstest runs the shell blocks of the documentation, so that every command README.md
// and docs/*.md print runs as written.
//
// A ```sh or ```bash block runs as one bash script (errexit, pipefail) in a copy of the
// repository, blocks of one file in order, as a reader following the page would. A command
// that is meant to fail says so with a trailing comment on its last line, `# exit N`; any other
// command must exit 0. A block is not run when the line before its fence is a marker:
//
//	<!-- needs-aws -->   the block needs an AWS account (credentials, real resources)
//	<!-- no-run -->      the block is too long for the docs test (make test, make bench)
//
// Anything may follow the marker's name before "-->", as the reason.
package docstest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Block is one shell block of a Markdown file.
type Block struct {
	File string
	// Line is the line of the opening fence, 1-based.
	Line int
	Text string
	// Skip is the marker that keeps the block from running ("needs-aws", "no-run"), or "".
	Skip string
}

// Name is "file:line", for test names and messages.
func (b Block) Name() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

var (
	fence  = regexp.MustCompile("^```+\\s*(\\w*)")
	marker = regexp.MustCompile(`^\s*<!--\s*(needs-aws|no-run)\b.*-->\s*$`)
	// exitNote is the expected status of a command, at the end of its last line.
	exitNote = regexp.MustCompile(`^(.*?)\s+#\s*exit\s+([0-9]+)\s*$`)
)

// Extract returns the sh and bash blocks of a Markdown file, in order. An unclosed block is an
// error: the page would render the rest of the file as code.
func Extract(file string, data []byte) ([]Block, error) {
	var out []Block
	var cur *Block
	var body strings.Builder
	var open string
	prev := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case open == "":
			if m := fence.FindStringSubmatch(trimmed); m != nil {
				open = trimmed[:strings.IndexFunc(trimmed, func(r rune) bool { return r != '`' })]
				if m[1] == "sh" || m[1] == "bash" {
					cur = &Block{File: file, Line: n}
					if mm := marker.FindStringSubmatch(prev); mm != nil {
						cur.Skip = mm[1]
					}
					body.Reset()
				}
			}
		case strings.HasPrefix(trimmed, open) && strings.Trim(trimmed, "`") == "":
			if cur != nil {
				cur.Text = body.String()
				out = append(out, *cur)
				cur = nil
			}
			open = ""
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if open != "" {
		return nil, fmt.Errorf("%s: a code block is not closed", file)
	}
	return out, nil
}

// carry keeps the shell variables a block sets for the blocks after it on the same page, as
// they would stay in a reader's shell: with DOCSTEST_STATE naming a file, a block starts by
// sourcing it and, on exit, writes there every variable it did not inherit from the process.
const carry = `if [ -n "${DOCSTEST_STATE:-}" ]; then
  __docstest_env=" $(compgen -e | tr '\n' ' ') "
  [ -f "$DOCSTEST_STATE" ] && . "$DOCSTEST_STATE"
  __docstest_save() {
    for __v in $(compgen -v); do
      case "$__v" in __*|BASH*|COMP*|FUNCNAME|GROUPS|PIPESTATUS|DIRSTACK|EUID|PPID|SHELLOPTS|UID|RANDOM|SECONDS|LINENO|HISTCMD|EPOCH*|SRANDOM|OPT*|_) continue ;; esac
      case "$__docstest_env" in *" $__v "*) continue ;; esac
      declare -p "$__v" 2>/dev/null
    done > "$DOCSTEST_STATE.new" && mv "$DOCSTEST_STATE.new" "$DOCSTEST_STATE"
  }
  trap __docstest_save EXIT
fi
`

// Script is the block as a bash script: errexit and pipefail on, the page's shell variables
// carried in (see carry), and each command marked `# exit N` checked for exactly that status
// instead of stopping the script.
func Script(b Block) string {
	var s strings.Builder
	s.WriteString(carry)
	s.WriteString("set -eo pipefail\n")
	for _, line := range strings.Split(strings.TrimSuffix(b.Text, "\n"), "\n") {
		m := exitNote.FindStringSubmatch(line)
		if m == nil {
			s.WriteString(line)
			s.WriteByte('\n')
			continue
		}
		want, _ := strconv.Atoi(m[2])
		// An && / || list does not trip errexit, so the status can be compared.
		fmt.Fprintf(&s, "%s && __rc=0 || __rc=$?; if [ \"$__rc\" != %d ]; then echo \"docstest: exit $__rc, the text promises exit %d: %s\" >&2; exit 97; fi\n",
			m[1], want, want, strings.ReplaceAll(strings.TrimSpace(m[1]), `"`, `\"`))
	}
	return s.String()
}

// Result is one block's run.
type Result struct {
	Output []byte
	Err    error
}

// ErrFailed is a block whose script did not exit 0.
var ErrFailed = errors.New("documented command failed")

// Run runs the block's script with bash in dir, with env added to the process environment.
func Run(ctx context.Context, dir string, env []string, b Block) Result {
	cmd := exec.CommandContext(ctx, "bash", "-c", Script(b))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = nil
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return Result{out, fmt.Errorf("%s: %w", b.Name(), ctx.Err())}
		}
		return Result{out, fmt.Errorf("%s: %w: %v", b.Name(), ErrFailed, err)}
	}
	return Result{out, nil}
}
