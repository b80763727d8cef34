// Package minimize replaces IAM action lists with shorter wildcard patterns that match exactly
// the same actions over a known universe (the service reference): a pattern is only ever built
// when no action outside the list matches it, so nothing is allowed or denied by accident.
//
// Candidates are, for each listed action, its shortest prefix (`Put*`) and shortest suffix
// (`*Tagging`) that match no unlisted action, plus the name itself; a greedy weighted set cover
// then picks the candidates that cover the list for the fewest characters. Greedy is not always
// optimal, but it is exact, fast and deterministic. Infix patterns (`*Bucket*`) are not tried.
package minimize

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ErrNotInUniverse is wrapped by errors about an action the universe does not list.
var ErrNotInUniverse = errors.New("action not in the universe")

// Universe returns the canonical action names (without the service prefix) of a service.
type Universe func(service string) (names []string, ok bool)

// Actions minimises canonical "service:Action" names and returns sorted patterns. A service whose
// every action is listed becomes "service:*". Duplicates, including case variants, are merged.
func Actions(actions []string, universe Universe) ([]string, error) {
	bySvc := make(map[string][]string)
	var order []string
	for _, a := range actions {
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" {
			return nil, fmt.Errorf("%w: %q is not service:Action", ErrNotInUniverse, a)
		}
		k := strings.ToLower(svc)
		if _, seen := bySvc[k]; !seen {
			order = append(order, k)
		}
		bySvc[k] = append(bySvc[k], name)
	}
	var out []string
	for _, k := range order {
		all, ok := universe(k)
		if !ok {
			return nil, fmt.Errorf("%w: unknown service %q", ErrNotInUniverse, k)
		}
		pats, err := Service(all, bySvc[k])
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", k, err)
		}
		for _, p := range pats {
			out = append(out, k+":"+p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Service minimises selected action names of one service whose actions are all. It returns
// patterns without the service prefix, sorted; "*" when selected covers all.
func Service(all, selected []string) ([]string, error) {
	canon := make(map[string]string, len(all)) // lower -> canonical
	for _, a := range all {
		if !isASCII(a) {
			// Byte offsets of the lower-case name index the canonical one only for ASCII.
			return nil, fmt.Errorf("action name %q is not ASCII", a)
		}
		canon[strings.ToLower(a)] = a
	}
	in := make(map[string]bool, len(selected))
	for _, s := range selected {
		l := strings.ToLower(s)
		if _, ok := canon[l]; !ok {
			return nil, fmt.Errorf("%w: %q", ErrNotInUniverse, s)
		}
		in[l] = true
	}
	if len(in) == 0 {
		return nil, nil
	}
	if len(in) == len(canon) {
		return []string{"*"}, nil
	}
	var sel, rest []string // lower case, sorted
	for l := range canon {
		if in[l] {
			sel = append(sel, l)
		} else {
			rest = append(rest, l)
		}
	}
	slices.Sort(sel)
	slices.Sort(rest)
	selRev, restRev := reverseAll(sel), reverseAll(rest)
	slices.Sort(selRev)
	slices.Sort(restRev)

	// Candidates keyed by pattern text, each with the selected actions it covers.
	cands := make(map[string][]string)
	for _, a := range sel {
		cands[canon[a]] = []string{a}
		if n := maxLCP(restRev, reverse(a)) + 1; n <= len(a) {
			suf := a[len(a)-n:]
			p := "*" + canon[a][len(a)-n:]
			if _, done := cands[p]; !done {
				cands[p] = withSuffix(selRev, suf)
			}
		}
		if n := maxLCP(rest, a) + 1; n <= len(a) {
			p := canon[a][:n] + "*"
			if _, done := cands[p]; !done {
				cands[p] = withPrefix(sel, a[:n])
			}
		}
	}
	return cover(sel, cands), nil
}

// cover runs a greedy weighted set cover: each round takes the candidate with the most newly
// covered actions per character, ties broken by length and then text, so output is stable.
func cover(sel []string, cands map[string][]string) []string {
	names := make([]string, 0, len(cands))
	for p := range cands {
		names = append(names, p)
	}
	slices.Sort(names)
	covered := make(map[string]bool, len(sel))
	var picked []string
	for len(covered) < len(sel) {
		best, bestGain, bestCost := "", 0, 1
		for _, p := range names {
			gain := 0
			for _, a := range cands[p] {
				if !covered[a] {
					gain++
				}
			}
			if gain == 0 {
				continue
			}
			cost := len(p) + 3 // the quotes and the comma it costs in JSON
			if best == "" || gain*bestCost > bestGain*cost ||
				(gain*bestCost == bestGain*cost && (cost < bestCost || cost == bestCost && rank(p) < rank(best))) {
				best, bestGain, bestCost = p, gain, cost
			}
		}
		for _, a := range cands[best] {
			covered[a] = true
		}
		picked = append(picked, best)
	}
	// A later pick can make an earlier one redundant; drop those, latest first.
	count := make(map[string]int, len(sel))
	for _, p := range picked {
		for _, a := range cands[p] {
			count[a]++
		}
	}
	keep := make([]string, 0, len(picked))
	for i := len(picked) - 1; i >= 0; i-- {
		p := picked[i]
		redundant := true
		for _, a := range cands[p] {
			if count[a] < 2 {
				redundant = false
				break
			}
		}
		if redundant {
			for _, a := range cands[p] {
				count[a]--
			}
			continue
		}
		keep = append(keep, p)
	}
	slices.Sort(keep)
	return keep
}

// rank prefers, among equally good candidates, the plain name, then a prefix, then a suffix
// pattern: the order a reviewer reads most easily. Names are sorted, so text breaks the last tie.
func rank(p string) int {
	switch {
	case !strings.Contains(p, "*"):
		return 0
	case strings.HasSuffix(p, "*"):
		return 1
	default:
		return 2
	}
}

// maxLCP is the longest common prefix of s with any element of sorted; the neighbours of s's
// insertion point are the only candidates.
func maxLCP(sorted []string, s string) int {
	i := sort.SearchStrings(sorted, s)
	best := 0
	for _, j := range []int{i - 1, i} {
		if j >= 0 && j < len(sorted) {
			best = max(best, lcp(sorted[j], s))
		}
	}
	return best
}

func lcp(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// withPrefix returns the elements of sorted that start with p (a contiguous run).
func withPrefix(sorted []string, p string) []string {
	i := sort.SearchStrings(sorted, p)
	j := i
	for j < len(sorted) && strings.HasPrefix(sorted[j], p) {
		j++
	}
	return slices.Clone(sorted[i:j])
}

// withSuffix returns the elements, un-reversed, whose reversal in sortedRev starts with suf reversed.
func withSuffix(sortedRev []string, suf string) []string {
	run := withPrefix(sortedRev, reverse(suf))
	for i, r := range run {
		run[i] = reverse(r)
	}
	return run
}

func reverseAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = reverse(s)
	}
	return out
}

// reverse reverses bytes; action names are ASCII.
func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
