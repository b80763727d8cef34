package mutation

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Kept is what an earlier report says of the packages a later run leaves alone: each one's table
// row and listed mutants, verbatim, so that rerunning one package (an hour for all of hook/, a few
// minutes for one) updates the report without losing the others.
type Kept struct {
	rows                    map[string]string // package → its table row
	scores                  map[string]float64
	live, equivalent, stale map[string][]string // package → its list lines, in report order
}

// Report sections as Markdown writes them.
const (
	liveHeading       = "## Live mutants (not reviewed as equivalent)"
	equivalentHeading = "## Equivalent survivors (reviewed)"
	staleHeading      = "## Stale reviews (no live mutant matches them any more: remove them)"
)

// ParseReport reads a report that Markdown wrote.
func ParseReport(r io.Reader) (Kept, error) {
	k := Kept{rows: map[string]string{}, scores: map[string]float64{}, live: map[string][]string{}, equivalent: map[string][]string{}, stale: map[string][]string{}}
	var section map[string][]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == liveHeading:
			section = k.live
		case line == equivalentHeading:
			section = k.equivalent
		case line == staleHeading:
			section = k.stale
		case strings.HasPrefix(line, "| hook/") || strings.HasPrefix(line, "| ./") || strings.HasPrefix(line, "| . |"):
			cells := strings.Split(line, "|")
			if len(cells) != 12 {
				return k, fmt.Errorf("line %d: a table row has 10 cells: %q", n, line)
			}
			pkg := strings.TrimSpace(cells[1])
			score, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(cells[8]), "%"), 64)
			if err != nil {
				return k, fmt.Errorf("line %d: score of %s: %w", n, pkg, err)
			}
			k.rows[pkg], k.scores[pkg] = line, score
		case section != nil && strings.HasPrefix(line, "- `"):
			loc, _, _ := strings.Cut(strings.TrimPrefix(line, "- `"), "`")
			file, _, _ := strings.Cut(loc, ":")
			i := strings.LastIndexByte(file, '/')
			if i < 0 {
				return k, fmt.Errorf("line %d: a listed mutant names package/file: %q", n, line)
			}
			section[file[:i]] = append(section[file[:i]], line)
		}
	}
	if err := sc.Err(); err != nil {
		return k, err
	}
	if len(k.rows) == 0 {
		return k, fmt.Errorf("no package rows: not a mutation report")
	}
	return k, nil
}

// Drop forgets the packages a run measures afresh.
func (k Kept) Drop(pkgs []string) {
	for _, p := range pkgs {
		delete(k.rows, p)
		delete(k.scores, p)
		delete(k.live, p)
		delete(k.equivalent, p)
		delete(k.stale, p)
	}
}

// Packages lists the kept packages.
func (k Kept) Packages() []string { return slices.Sorted(maps.Keys(k.rows)) }

// CheckKept returns an error naming every kept package below its threshold, as Check does.
func (k Kept) Check(thresholds map[string]float64) error {
	var msgs []string
	for _, p := range k.Packages() {
		if t, ok := thresholds[p]; ok && k.scores[p] < t {
			msgs = append(msgs, fmt.Sprintf("%s: mutation score %.1f%% is below %.0f%% (kept from the earlier report)", p, k.scores[p], t))
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s", strings.Join(msgs, "\n"))
	}
	return nil
}
