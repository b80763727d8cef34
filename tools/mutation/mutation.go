// Package mutation turns gremlins' machine-readable results into rcfge's mutation report: a score
// per package, the live mutants listed one by one with their source line, and the survivors that
// were reviewed and judged equivalent (a mutant no test can kill because it does not change
// behaviour), each with its reason. `make mutate` runs it over the runtime; docs/mutation.md is
// its output.
package mutation

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Statuses gremlins gives a mutant.
const (
	Killed     = "KILLED"
	Lived      = "LIVED"
	NotCovered = "NOT COVERED"
	TimedOut   = "TIMED OUT"
	NotViable  = "NOT VIABLE"
)

// Mutant is one mutation gremlins tried.
type Mutant struct {
	Package string `json:"package"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	// Source is the trimmed source line, which identifies the mutant across edits elsewhere.
	Source string `json:"source,omitempty"`
	// Equivalent is the reviewed reason why this survivor cannot be killed; empty if not reviewed.
	Equivalent string `json:"equivalent,omitempty"`
}

// gremlinsOutput is the part of `gremlins unleash -o` that rcfge reads.
type gremlinsOutput struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// Parse reads one gremlins result file for the package in dir (relative to the module root),
// filling each mutant's source line from dir.
func Parse(r io.Reader, pkg, dir string) ([]Mutant, error) {
	var out gremlinsOutput
	// gremlins writes nothing when every file of the package was excluded.
	if err := json.NewDecoder(r).Decode(&out); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("gremlins result for %s: %w", pkg, err)
	}
	var ms []Mutant
	lines := map[string][]string{}
	for _, f := range out.Files {
		src, ok := lines[f.FileName]
		if !ok {
			src = readLines(filepath.Join(dir, filepath.Base(f.FileName)))
			lines[f.FileName] = src
		}
		for _, m := range f.Mutations {
			mu := Mutant{Package: pkg, File: filepath.Base(f.FileName), Line: m.Line, Column: m.Column, Type: m.Type, Status: m.Status}
			if m.Line >= 1 && m.Line <= len(src) {
				mu.Source = strings.TrimSpace(src[m.Line-1])
			}
			ms = append(ms, mu)
		}
	}
	return ms, nil
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return strings.Split(string(b), "\n")
}

// Equivalent is one reviewed survivor: the mutant is identified by package, file, mutator and
// the trimmed source line (not the line number, which moves with every edit above it).
type Equivalent struct {
	Package, File, Type, Source, Reason string
}

// ParseEquivalents reads the reviewed list: tab-separated package, file, mutator, source line,
// reason; '#' starts a comment line.
func ParseEquivalents(r io.Reader) ([]Equivalent, error) {
	var out []Equivalent
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 || slices.Contains(f, "") {
			return nil, fmt.Errorf("equivalents line %d: want 5 non-empty tab-separated fields (package, file, mutator, source, reason), got %d", n, len(f))
		}
		out = append(out, Equivalent{Package: f[0], File: f[1], Type: f[2], Source: f[3], Reason: f[4]})
	}
	return out, sc.Err()
}

// Apply marks the surviving mutants (live, or not covered: coverage cannot see a constant) that
// the reviewed list names, and returns the entries that no survivor matched any more (stale
// reviews, to be removed).
func Apply(ms []Mutant, eq []Equivalent) (stale []Equivalent) {
	used := make([]bool, len(eq))
	ran := map[string]bool{}
	for _, m := range ms {
		ran[m.Package] = true
	}
	for i := range ms {
		if ms[i].Status != Lived && ms[i].Status != NotCovered {
			continue
		}
		for j, e := range eq {
			if e.Package == ms[i].Package && e.File == ms[i].File && e.Type == ms[i].Type && e.Source == ms[i].Source {
				ms[i].Equivalent = e.Reason
				used[j] = true
				break
			}
		}
	}
	for j, e := range eq {
		// A review of a package this run did not mutate (a bounded run) is not stale.
		if !used[j] && ran[e.Package] {
			stale = append(stale, e)
		}
	}
	return stale
}

// Score is one package's result.
type Score struct {
	Package                                                    string
	Killed, Lived, Equivalent, NotCovered, TimedOut, NotViable int
	// liveEquivalent are the reviewed equivalents among the live mutants.
	liveEquivalent int
}

// Coverage is the share of mutants some test runs, in percent.
func (s Score) Coverage() float64 {
	all := s.Killed + s.TimedOut + s.Lived + s.NotCovered
	if all == 0 {
		return 100
	}
	return 100 * float64(all-s.NotCovered) / float64(all)
}

// Efficacy is killed over killed plus live mutants, in percent, as gremlins counts it (and as the
// scores of issue #18 were measured); a reviewed equivalent does not count, and a timed-out
// mutant counts as killed (it made the tests hang, which a run notices). Mutants no test covers
// are reported apart (Coverage) and listed one by one: gremlins' coverage misses some lines tests
// do run (the case lines of a switch), so they are reviewed rather than scored.
func (s Score) Efficacy() float64 {
	den := s.Killed + s.TimedOut + s.Lived - s.liveEquivalent
	if den == 0 {
		return 100
	}
	return 100 * float64(s.Killed+s.TimedOut) / float64(den)
}

// Scores sums mutants per package, in package order.
func Scores(ms []Mutant) []Score {
	by := map[string]*Score{}
	for _, m := range ms {
		s := by[m.Package]
		if s == nil {
			s = &Score{Package: m.Package}
			by[m.Package] = s
		}
		switch m.Status {
		case Killed:
			s.Killed++
		case Lived:
			s.Lived++
			if m.Equivalent != "" {
				s.Equivalent++
				s.liveEquivalent++
			}
		case NotCovered:
			s.NotCovered++
			if m.Equivalent != "" {
				s.Equivalent++
			}
		case TimedOut:
			s.TimedOut++
		case NotViable:
			s.NotViable++
		}
	}
	out := make([]Score, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Score) int { return cmp.Compare(a.Package, b.Package) })
	return out
}

// Check returns an error naming every package below its threshold (percent).
func Check(scores []Score, thresholds map[string]float64) error {
	var errs []error
	for _, s := range scores {
		if t, ok := thresholds[s.Package]; ok && s.Efficacy() < t {
			errs = append(errs, fmt.Errorf("%s: mutation score %.1f%% is below %.0f%%", s.Package, s.Efficacy(), t))
		}
	}
	return errors.Join(errs...)
}

// Markdown writes the report: the mutants of this run, and what kept says of the packages it
// left alone (the zero Kept for a report of this run only).
func Markdown(w io.Writer, ms []Mutant, thresholds map[string]float64, stale []Equivalent, header string, kept Kept) error {
	var b strings.Builder
	b.WriteString(header)
	rows := maps.Clone(kept.rows)
	if rows == nil {
		rows = map[string]string{}
	}
	for _, s := range Scores(ms) {
		target := "–"
		if t, ok := thresholds[s.Package]; ok {
			target = fmt.Sprintf("%.0f%%", t)
		}
		rows[s.Package] = fmt.Sprintf("| %s | %d | %d | %d | %d | %d | %d | %.1f%% | %.1f%% | %s |", s.Package, s.Killed, s.Lived, s.Equivalent, s.NotCovered, s.TimedOut, s.NotViable, s.Efficacy(), s.Coverage(), target)
	}
	b.WriteString("\n| package | killed | lived | reviewed | not covered | timed out | not viable | score | coverage | target |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range slices.Sorted(maps.Keys(rows)) {
		b.WriteString(rows[p] + "\n")
	}
	b.WriteString("\nScore = (killed + timed out) / (killed + timed out + lived − reviewed equivalents), as gremlins counts efficacy. Coverage = the share of mutants some test runs; the mutants no test covers are listed below with the live ones.\n")

	live := byPackage(kept.live)
	for _, m := range filter(ms, func(m Mutant) bool { return (m.Status == Lived || m.Status == NotCovered) && m.Equivalent == "" }) {
		live[m.Package] = append(live[m.Package], fmt.Sprintf("- `%s/%s:%d:%d` %s (%s): `%s`", m.Package, m.File, m.Line, m.Column, m.Type, strings.ToLower(m.Status), m.Source))
	}
	writeSection(&b, liveHeading, live, true)
	eq := byPackage(kept.equivalent)
	for _, m := range filter(ms, func(m Mutant) bool { return (m.Status == Lived || m.Status == NotCovered) && m.Equivalent != "" }) {
		eq[m.Package] = append(eq[m.Package], fmt.Sprintf("- `%s/%s:%d` %s: `%s` — %s", m.Package, m.File, m.Line, m.Type, m.Source, m.Equivalent))
	}
	writeSection(&b, equivalentHeading, eq, true)
	st := byPackage(kept.stale)
	for _, e := range stale {
		st[e.Package] = append(st[e.Package], fmt.Sprintf("- `%s/%s` %s: `%s`", e.Package, e.File, e.Type, e.Source))
	}
	writeSection(&b, staleHeading, st, false)
	_, err := io.WriteString(w, b.String())
	return err
}

func byPackage(kept map[string][]string) map[string][]string {
	out := map[string][]string{}
	for p, lines := range kept {
		out[p] = slices.Clone(lines)
	}
	return out
}

// writeSection writes a list by package order; an empty one says None, or is left out when
// always is false.
func writeSection(b *strings.Builder, heading string, lines map[string][]string, always bool) {
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	if n == 0 && !always {
		return
	}
	b.WriteString("\n" + heading + "\n\n")
	if n == 0 {
		b.WriteString("None.\n")
	}
	for _, p := range slices.Sorted(maps.Keys(lines)) {
		for _, l := range lines[p] {
			b.WriteString(l + "\n")
		}
	}
}

func filter(ms []Mutant, keep func(Mutant) bool) []Mutant {
	var out []Mutant
	for _, m := range ms {
		if keep(m) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Mutant) int {
		return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return out
}
