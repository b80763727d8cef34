// Package pack places SCP statements into as few policies as the quotas allow, splitting a
// statement's action list across policies when it does not fit in one.
package pack

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/rcfge/rcfge/tools/scpgen/policy"
)

// ErrTooManyPolicies means the statements need more policies than one target may have.
var ErrTooManyPolicies = errors.New("statements need more policies than the quota allows")

// ErrStatementTooLarge means a statement does not fit in a policy even with a single action.
var ErrStatementTooLarge = errors.New("statement does not fit in one policy")

// Quotas are the AWS Organizations limits that packing respects.
type Quotas struct {
	// MaxChars is the maximum policy size in characters, whitespace not counted (AWS: 5,120,
	// or 10,240 where the raised quota applies).
	MaxChars int `json:"maxChars" yaml:"maxChars"`
	// MaxPolicies is how many SCPs may be attached to one target (AWS: 5, or up to 10 where the
	// raised quota applies). FullAWSAccess and AWS Control Tower's SCPs take slots too.
	MaxPolicies int `json:"maxPolicies" yaml:"maxPolicies"`
}

// Quotas of AWS Organizations: the defaults, and the most an organisation may raise them to
// (AWS raised both limits in May 2026).
const (
	DefaultMaxChars    = 5120
	RaisedMaxChars     = 10240
	DefaultMaxPolicies = 5
	RaisedMaxPolicies  = 10
)

// Overflow is how many characters the policies past the quota hold: what a packing that needs
// too many policies is missing.
func Overflow(r Result, q Quotas) (int, error) {
	n := 0
	for i := q.MaxPolicies; i < len(r.Policies); i++ {
		size, err := policy.SizeOf(r.Policies[i])
		if err != nil {
			return 0, err
		}
		n += size
	}
	return n, nil
}

// Part records where a piece of a statement went.
type Part struct {
	// Statement is the Sid of the statement as given; Sid is the part's own, numbered when split.
	Statement string `json:"statement"`
	Sid       string `json:"sid"`
	Actions   int    `json:"actions"`
}

// Result is a packing: the policies, in order, and what each holds.
type Result struct {
	Policies []policy.Policy
	Parts    [][]Part
}

// maxSplitDigits is room reserved in a Sid for the part number, so that numbering a split
// statement can never push a policy over the size the packer measured.
const maxSplitDigits = 2

// Pack places the statements. Each must have a unique Sid of letters and digits and a non-empty,
// sorted Action list; statements keep their relative order within a policy. Two strategies run:
// first-fit decreasing with whole statements (splitting only what fits no policy), and a
// sequential fill that splits at every policy boundary. The one needing fewer policies wins; on a
// tie the first, whose statements stay whole more often.
func Pack(stmts []policy.Statement, q Quotas) (Result, error) {
	if q.MaxChars <= 0 || q.MaxPolicies <= 0 {
		return Result{}, fmt.Errorf("quotas must be positive: %+v", q)
	}
	items := make([]item, len(stmts))
	for i, s := range stmts {
		it, err := measure(i, s)
		if err != nil {
			return Result{}, err
		}
		items[i] = it
	}
	env, err := policy.SizeOf(policy.Policy{Version: policy.Version, Statement: []policy.Statement{}})
	if err != nil {
		return Result{}, err
	}
	// Each statement costs its size plus a comma; the first one's comma is paid for here.
	capacity := q.MaxChars - env + 1
	for _, it := range items {
		for j := range it.acts {
			if n := it.size(j, j+1) + 1; n > capacity {
				return Result{}, fmt.Errorf("%w: %s needs %d characters with only %s, the quota leaves %d",
					ErrStatementTooLarge, it.stmt.Sid, n, it.stmt.Action[j], capacity)
			}
		}
	}
	best := firstFitDecreasing(items, capacity)
	if seq := sequentialFill(items, capacity); len(seq) < len(best) {
		best = seq
	}
	res, err := assemble(stmts, best)
	if err != nil {
		return Result{}, err
	}
	for i, p := range res.Policies {
		n, err := policy.SizeOf(p)
		if err != nil {
			return Result{}, err
		}
		if n > q.MaxChars {
			return Result{}, fmt.Errorf("packing bug: policy %d is %d characters, over %d", i+1, n, q.MaxChars)
		}
	}
	if len(res.Policies) > q.MaxPolicies {
		return res, fmt.Errorf("%w: %d policies of at most %d characters needed, %d allowed per target",
			ErrTooManyPolicies, len(res.Policies), q.MaxChars, q.MaxPolicies)
	}
	return res, nil
}

// item is a statement measured once: the size without actions and each action's cost.
type item struct {
	index int
	stmt  policy.Statement
	// base is the statement's size with an empty Action array ("[]").
	base int
	// acts[i] is len of the quoted action i.
	acts []int
}

func measure(i int, s policy.Statement) (item, error) {
	if len(s.Action) == 0 {
		return item{}, fmt.Errorf("statement %s has no actions", s.Sid)
	}
	if !slices.IsSorted(s.Action) {
		return item{}, fmt.Errorf("statement %s: actions are not sorted", s.Sid)
	}
	probe := s
	probe.Action = policy.List{}
	probe.Sid += "99"[:maxSplitDigits]
	base, err := policy.SizeOf(probe)
	if err != nil {
		return item{}, fmt.Errorf("statement %s: %w", s.Sid, err)
	}
	it := item{index: i, stmt: s, base: base, acts: make([]int, len(s.Action))}
	for j, a := range s.Action {
		n, err := policy.SizeOf(a)
		if err != nil {
			return item{}, err
		}
		it.acts[j] = n
	}
	return it, nil
}

// size is the statement's size holding actions [lo, hi); a single action is a bare string.
func (it item) size(lo, hi int) int {
	if hi-lo == 1 {
		return it.base - 2 + it.acts[lo]
	}
	n := it.base + hi - lo - 1
	for _, a := range it.acts[lo:hi] {
		n += a
	}
	return n
}

// chunk is a run of one statement's actions placed in a policy.
type chunk struct{ item, lo, hi int }

type bin struct {
	free   int
	chunks []chunk
}

// fill returns the largest hi such that actions [lo, hi) fit in free characters, or lo if none.
func (it item) fill(lo, free int) int {
	hi := lo
	for hi < len(it.acts) && it.size(lo, hi+1)+1 <= free {
		hi++
	}
	return hi
}

func firstFitDecreasing(items []item, capacity int) []bin {
	order := make([]item, len(items))
	copy(order, items)
	slices.SortStableFunc(order, func(a, b item) int {
		return b.size(0, len(b.acts)) - a.size(0, len(a.acts))
	})
	var bins []bin
	for _, it := range order {
		lo := 0
		for lo < len(it.acts) {
			whole := it.size(lo, len(it.acts)) + 1
			placed := false
			for i := range bins {
				if whole <= bins[i].free {
					bins[i].chunks = append(bins[i].chunks, chunk{it.index, lo, len(it.acts)})
					bins[i].free -= whole
					placed = true
					break
				}
			}
			if placed {
				break
			}
			bins = append(bins, bin{free: capacity})
			b := &bins[len(bins)-1]
			hi := it.fill(lo, b.free)
			b.chunks = append(b.chunks, chunk{it.index, lo, hi})
			b.free -= it.size(lo, hi) + 1
			lo = hi
		}
	}
	return bins
}

func sequentialFill(items []item, capacity int) []bin {
	bins := []bin{{free: capacity}}
	for _, it := range items {
		lo := 0
		for lo < len(it.acts) {
			b := &bins[len(bins)-1]
			hi := it.fill(lo, b.free)
			if hi == lo {
				bins = append(bins, bin{free: capacity})
				continue
			}
			b.chunks = append(b.chunks, chunk{it.index, lo, hi})
			b.free -= it.size(lo, hi) + 1
			lo = hi
		}
	}
	return bins
}

// assemble turns bins into policies. Statements keep their input order inside a policy, and the
// parts of a split statement are numbered in action order.
func assemble(stmts []policy.Statement, bins []bin) (Result, error) {
	parts := make(map[int]int) // statement index -> number of parts
	for _, b := range bins {
		for _, c := range b.chunks {
			parts[c.item]++
		}
	}
	for i, n := range parts {
		if len(strconv.Itoa(n)) > maxSplitDigits {
			return Result{}, fmt.Errorf("statement %s would be split into %d parts", stmts[i].Sid, n)
		}
	}
	// Number parts by their first action, so numbering follows the action list.
	number := make(map[chunk]int)
	for i, n := range parts {
		if n < 2 {
			continue
		}
		var cs []chunk
		for _, b := range bins {
			for _, c := range b.chunks {
				if c.item == i {
					cs = append(cs, c)
				}
			}
		}
		slices.SortFunc(cs, func(a, b chunk) int { return a.lo - b.lo })
		for k, c := range cs {
			number[c] = k + 1
		}
	}
	var res Result
	sids := make(map[string]bool) // unique across policies, so the manifest names each part once
	for _, b := range bins {
		cs := slices.Clone(b.chunks)
		slices.SortFunc(cs, func(a, b chunk) int {
			if a.item != b.item {
				return a.item - b.item
			}
			return a.lo - b.lo
		})
		p := policy.Policy{Version: policy.Version}
		var ps []Part
		for _, c := range cs {
			s := stmts[c.item]
			s.Action = slices.Clone(s.Action[c.lo:c.hi])
			orig := s.Sid
			if k := number[c]; k > 0 {
				s.Sid += strconv.Itoa(k)
			}
			if sids[s.Sid] {
				return Result{}, fmt.Errorf("two statements would both be %s; rename one", s.Sid)
			}
			sids[s.Sid] = true
			p.Statement = append(p.Statement, s)
			ps = append(ps, Part{Statement: orig, Sid: s.Sid, Actions: c.hi - c.lo})
		}
		res.Policies = append(res.Policies, p)
		res.Parts = append(res.Parts, ps)
	}
	return res, nil
}
