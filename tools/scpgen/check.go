package scpgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
)

// CheckReport is the outcome of checking a folder of policies.
type CheckReport struct {
	Quotas   pack.Quotas    `json:"quotas"`
	Policies []PolicyReport `json:"policies"`
	// Problems are about the folder as a whole, such as too many policies.
	Problems []string `json:"problems,omitempty"`
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
	n := len(r.Problems)
	for _, p := range r.Policies {
		n += len(p.Problems)
	}
	return n
}

// Check checks every *.json policy file at the top level of fsys (the manifest excepted):
// grammar, actions and condition keys against cat, the size of each and their count against q.
// When q is nil the quotas come from the folder's manifest, else the AWS defaults; with a
// manifest, files changed, added or removed since the build are problems. Problems are data in
// the report; an error means the folder or its manifest could not be read.
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
