package pack_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
)

// actions returns n sorted actions of 20 characters each, quoted 22.
func actions(prefix string, n int) policy.List {
	out := make(policy.List, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s:Action%011d", prefix, i)
	}
	return out
}

func stmt(sid string, acts policy.List) policy.Statement {
	return policy.Statement{Sid: sid, Effect: "Deny", Action: acts, Resource: policy.List{"*"}}
}

func TestPack(t *testing.T) {
	t.Parallel()
	q := pack.Quotas{MaxChars: 1000, MaxPolicies: 5}
	tests := []struct {
		name      string
		stmts     []policy.Statement
		q         pack.Quotas
		wantParts [][]pack.Part
		wantErr   error
	}{
		{
			name:  "all in one",
			stmts: []policy.Statement{stmt("A", actions("aaa", 3)), stmt("B", actions("bbb", 1))},
			q:     q,
			wantParts: [][]pack.Part{{
				{Statement: "A", Sid: "A", Actions: 3}, {Statement: "B", Sid: "B", Actions: 1},
			}},
		},
		{
			// 60 actions of 24 characters (quotes and comma) cannot fit in 1,000: the statement is split in two.
			name:  "statement too large for one policy",
			stmts: []policy.Statement{stmt("Big", actions("aaa", 60)), stmt("Small", actions("bbb", 2))},
			q:     q,
			wantParts: [][]pack.Part{
				{{Statement: "Big", Sid: "Big1", Actions: 37}},
				{{Statement: "Big", Sid: "Big2", Actions: 23}, {Statement: "Small", Sid: "Small", Actions: 2}},
			},
		},
		{
			// Three statements of 0.6 of a policy each: whole, they need three policies; split, two.
			name:  "splitting saves a policy",
			stmts: []policy.Statement{stmt("A", actions("aaa", 22)), stmt("B", actions("bbb", 22)), stmt("C", actions("ccc", 22))},
			q:     q,
			wantParts: [][]pack.Part{
				{{Statement: "A", Sid: "A", Actions: 22}, {Statement: "B", Sid: "B1", Actions: 13}},
				{{Statement: "B", Sid: "B2", Actions: 9}, {Statement: "C", Sid: "C", Actions: 22}},
			},
		},
		{
			name:    "more policies than the quota",
			stmts:   []policy.Statement{stmt("Big", actions("aaa", 200))},
			q:       pack.Quotas{MaxChars: 1000, MaxPolicies: 2},
			wantErr: pack.ErrTooManyPolicies,
		},
		{
			name:    "one action too large",
			stmts:   []policy.Statement{stmt("A", actions("aaa", 1))},
			q:       pack.Quotas{MaxChars: 100, MaxPolicies: 5},
			wantErr: pack.ErrStatementTooLarge,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := pack.Pack(tt.stmts, tt.q)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if diff := cmp.Diff(tt.wantParts, res.Parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			assertComplete(t, tt.stmts, res, tt.q)
		})
	}
}

// assertComplete checks sizes against the quota and that every action of every statement is
// placed exactly once, with the statement's other elements intact.
func assertComplete(t *testing.T, in []policy.Statement, res pack.Result, q pack.Quotas) {
	t.Helper()
	got := map[string]policy.List{}
	for i, p := range res.Policies {
		b, err := policy.Minify(p)
		if err != nil {
			t.Fatal(err)
		}
		if n := policy.Size(b); n > q.MaxChars {
			t.Errorf("policy %d is %d characters, quota %d", i, n, q.MaxChars)
		}
		for j, s := range p.Statement {
			orig := res.Parts[i][j].Statement
			got[orig] = append(got[orig], s.Action...)
		}
	}
	for _, s := range in {
		if diff := cmp.Diff(s.Action, got[s.Sid]); diff != "" {
			t.Errorf("%s actions (-in +packed):\n%s", s.Sid, diff)
		}
	}
}

func TestPackInvalid(t *testing.T) {
	t.Parallel()
	q := pack.Quotas{MaxChars: 1000, MaxPolicies: 5}
	unsorted := stmt("A", policy.List{"s3:B", "s3:A"})
	tests := []struct {
		name  string
		stmts []policy.Statement
		q     pack.Quotas
	}{
		{name: "zero quota", stmts: []policy.Statement{stmt("A", actions("a", 1))}, q: pack.Quotas{}},
		{name: "no actions", stmts: []policy.Statement{stmt("A", nil)}, q: q},
		{name: "unsorted", stmts: []policy.Statement{unsorted}, q: q},
		// A split "A" becomes A1 and A2, beside an existing statement "A1".
		{name: "sid clash", stmts: []policy.Statement{stmt("A", actions("aaa", 60)), stmt("A1", actions("bbb", 1))}, q: q},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := pack.Pack(tt.stmts, tt.q); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestPackStable(t *testing.T) {
	t.Parallel()
	stmts := []policy.Statement{stmt("A", actions("aaa", 70)), stmt("B", actions("bbb", 33)), stmt("C", actions("ccc", 5))}
	q := pack.Quotas{MaxChars: 1000, MaxPolicies: 5}
	first, err := pack.Pack(stmts, q)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := pack.Pack(slices.Clone(stmts), q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("packing changed between runs:\n%s", diff)
		}
	}
	assertComplete(t, stmts, first, q)
}

// TestOverflow: what a packing needing too many policies is missing is the size of the policies
// past the quota, as AWS counts it; a packing within the quota misses nothing.
func TestOverflow(t *testing.T) {
	t.Parallel()
	stmts := []policy.Statement{stmt("Big", actions("aaa", 60)), stmt("Small", actions("bbb", 2))}
	tests := []struct {
		name string
		q    pack.Quotas
		over bool
	}{
		{"fits", pack.Quotas{MaxChars: 1000, MaxPolicies: 2}, false},
		{"one policy short", pack.Quotas{MaxChars: 1000, MaxPolicies: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := pack.Pack(stmts, tt.q)
			if errors.Is(err, pack.ErrTooManyPolicies) != tt.over {
				t.Fatalf("err = %v, want ErrTooManyPolicies: %v", err, tt.over)
			}
			got, err := pack.Overflow(res, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, p := range res.Policies[min(tt.q.MaxPolicies, len(res.Policies)):] {
				n, err := policy.SizeOf(p)
				if err != nil {
					t.Fatal(err)
				}
				want += n
			}
			if got != want || (got > 0) != tt.over {
				t.Errorf("Overflow = %d, want %d (over quota: %v)", got, want, tt.over)
			}
		})
	}
}
