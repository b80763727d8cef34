package scpgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	svcpolicy "github.com/rcfge/rcfge/tools/svcref/policy"
)

// CheckReport is the outcome of checking a folder of policies.
type CheckReport struct {
	Quotas   pack.Quotas    `json:"quotas"`
	Policies []PolicyReport `json:"policies"`
	// Problems are about the folder as a whole, such as too many policies.
	Problems []string `json:"problems,omitempty"`
	// Widened are the wildcard patterns that grant more than at build time: each matches actions
	// of the service reference checked against that it did not match when the manifest was
	// written. Every one is a problem.
	Widened []Widening `json:"widened,omitempty"`
	// DeniesMore are the wildcard patterns of Deny statements that match more than at build
	// time: they only deny more, by design, and are listed for information, not as problems.
	DeniesMore []Widening `json:"deniesMore,omitempty"`
}

// Widening is a wildcard pattern of a built policy that matches actions it did not match at
// build time.
type Widening struct {
	File      string `json:"file"`
	Sid       string `json:"sid"`
	Statement string `json:"statement"`
	Effect    string `json:"effect"`
	Element   string `json:"element"`
	Pattern   string `json:"pattern"`
	// NewActions are the actions the pattern matches now and did not match at build time.
	NewActions []string `json:"newActions"`
}

// PolicyReport is one checked policy file.
type PolicyReport struct {
	File     string           `json:"file"`
	Chars    int              `json:"chars"`
	Problems []policy.Problem `json:"problems,omitempty"`
}

// OK reports whether no problem was found.
func (r *CheckReport) OK() bool { return r.Count() == 0 }

// Count is the number of problems found.
func (r *CheckReport) Count() int {
	n := len(r.Problems) + len(r.Widened)
	for _, p := range r.Policies {
		n += len(p.Problems)
	}
	return n
}

// Check checks every *.json policy file at the top level of fsys (the manifest excepted):
// grammar, the size of each and their count against q, and, when cat is not nil, actions and
// condition keys against cat. When q is nil the quotas come from the folder's manifest, else the
// AWS defaults; with a manifest, files changed, added or removed since the build are problems,
// and, when cat is given, so is every wildcard pattern that now grants more than it did at build
// time (cat being a newer service reference: the build re-proved). Problems are data in the
// report; an error means the folder or its manifest could not be read.
func Check(ctx context.Context, fsys fs.FS, cat policy.Catalog, q *pack.Quotas) (*CheckReport, error) {
	m, err := readManifest(fsys)
	if err != nil {
		return nil, err
	}
	quotas, err := checkQuotas(m, q)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("policies folder: %w", err)
	}
	r := &CheckReport{Quotas: quotas}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" || e.Name() == ManifestFile {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", e.Name(), err)
		}
		pr := PolicyReport{File: e.Name()}
		pr.Problems = policy.Check(data, cat)
		// Re-proved even when the file has problems (an action AWS removed, say): a widening
		// must not hide behind another finding.
		if m != nil && cat != nil {
			w, d := reprove(e.Name(), data, m, cat)
			r.Widened = append(r.Widened, w...)
			r.DeniesMore = append(r.DeniesMore, d...)
		}
		if compact, err := policy.Compact(data); err == nil {
			pr.Chars = policy.Size(compact)
			if pr.Chars > quotas.MaxChars {
				pr.Problems = append(pr.Problems, policy.Problem{
					Message: fmt.Sprintf("%d characters without whitespace, over the quota of %d", pr.Chars, quotas.MaxChars)})
			}
		}
		r.Policies = append(r.Policies, pr)
	}
	slices.SortFunc(r.Policies, func(a, b PolicyReport) int { return compareNatural(a.File, b.File) })
	switch n := len(r.Policies); {
	case n == 0:
		r.Problems = append(r.Problems, "no policy files (*.json)")
	case n > quotas.MaxPolicies:
		r.Problems = append(r.Problems, fmt.Sprintf("%d policies, over the quota of %d per target", n, quotas.MaxPolicies))
	}
	if m != nil {
		r.Problems = append(r.Problems, manifestProblems(m, r.Policies)...)
	}
	return r, nil
}

// reprove expands each wildcard pattern of one built policy in cat and compares the result with
// what the manifest recorded at build time. Patterns the manifest does not record (literal
// names, "*", statements it does not know) are left out: literal names cannot match more, and a
// statement edited after the build is already a manifest problem.
func reprove(file string, data []byte, m *Manifest, cat policy.Catalog) (widened, deniesMore []Widening) {
	pats, err := svcpolicy.Parse(file, data)
	if err != nil {
		return nil, nil // policy.Check has reported it
	}
	stmtOf := make(map[string]string) // part Sid -> statement Sid
	for _, pe := range m.Policies {
		if pe.File != file {
			continue
		}
		for _, part := range pe.Statements {
			stmtOf[part.Sid] = part.Statement
		}
	}
	recorded := make(map[string]map[string][]string, len(m.Statements))
	for _, se := range m.Statements {
		recorded[se.Sid] = se.Wildcards
	}
	for _, p := range pats {
		stmt := stmtOf[p.Statement]
		before, ok := recorded[stmt][p.Pattern]
		if !ok {
			continue
		}
		now, err := cat.Expand(p.Pattern)
		if err != nil {
			continue // no match at all any more: it cannot match more
		}
		was := make(map[string]bool, len(before))
		for _, a := range before {
			was[strings.ToLower(a)] = true
		}
		var added []string
		for _, a := range now {
			if !was[strings.ToLower(a)] {
				added = append(added, a)
			}
		}
		if len(added) == 0 {
			continue
		}
		w := Widening{File: file, Sid: p.Statement, Statement: stmt, Effect: p.Effect, Element: p.Element, Pattern: p.Pattern, NewActions: added}
		if p.GrantsMore() {
			widened = append(widened, w)
		} else {
			deniesMore = append(deniesMore, w)
		}
	}
	return widened, deniesMore
}

// readManifest reads the folder's manifest; nil when there is none.
func readManifest(fsys fs.FS) (*Manifest, error) {
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return &m, nil
}

// manifestProblems compares the policies found with the ones the build recorded, so that a
// policy edited, added or removed by hand after the build does not pass unnoticed.
func manifestProblems(m *Manifest, found []PolicyReport) []string {
	var out []string
	chars := make(map[string]int, len(found))
	for _, p := range found {
		chars[p.File] = p.Chars
	}
	listed := make(map[string]bool, len(m.Policies))
	for _, e := range m.Policies {
		listed[e.File] = true
		n, ok := chars[e.File]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s lists %s, which is missing", ManifestFile, e.File))
		case n != e.Chars:
			out = append(out, fmt.Sprintf("%s: %d characters, %s says %d: changed since the build", e.File, n, ManifestFile, e.Chars))
		}
	}
	for _, p := range found {
		if !listed[p.File] {
			out = append(out, fmt.Sprintf("%s is not in %s: not from this build", p.File, ManifestFile))
		}
	}
	return out
}

// checkQuotas picks the quotas: given, else the manifest's, else the AWS defaults.
func checkQuotas(m *Manifest, q *pack.Quotas) (pack.Quotas, error) {
	switch {
	case q != nil:
		return *q, ValidateQuotas(*q)
	case m != nil:
		if err := ValidateQuotas(m.Quotas); err != nil {
			return pack.Quotas{}, fmt.Errorf("%s: %w", ManifestFile, err)
		}
		return m.Quotas, nil
	default:
		return pack.Quotas{MaxChars: pack.DefaultMaxChars, MaxPolicies: pack.DefaultMaxPolicies}, nil
	}
}

// compareNatural orders shorter names first, so rcfge-scp-2.json comes before rcfge-scp-10.json.
func compareNatural(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}
