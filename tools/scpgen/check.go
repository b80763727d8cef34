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
// When q is nil the quotas come from the folder's manifest, else the AWS defaults. Problems are
// data in the report; an error means the folder could not be read.
func Check(ctx context.Context, fsys fs.FS, cat policy.Catalog, q *pack.Quotas) (*CheckReport, error) {
	quotas, err := checkQuotas(fsys, q)
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
	return r, nil
}

// checkQuotas picks the quotas: given, else the manifest's, else the AWS defaults.
func checkQuotas(fsys fs.FS, q *pack.Quotas) (pack.Quotas, error) {
	if q != nil {
		return *q, ValidateQuotas(*q)
	}
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return pack.Quotas{MaxChars: pack.DefaultMaxChars, MaxPolicies: pack.DefaultMaxPolicies}, nil
	}
	if err != nil {
		return pack.Quotas{}, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return pack.Quotas{}, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if err := ValidateQuotas(m.Quotas); err != nil {
		return pack.Quotas{}, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return m.Quotas, nil
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
