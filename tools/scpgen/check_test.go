package scpgen_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dir      string
		quotas   *pack.Quotas
		want     []string
		wantErr  bool
		wantSize int
	}{
		{name: "a build's output", dir: filepath.Join("TestBuild", "basic"), want: nil, wantSize: 3499},
		{name: "edited after the build", dir: filepath.Join("check", "edited"), want: []string{
			"rcfge-scp-1.json: 2030 characters, manifest.json says 2031: changed since the build",
			"manifest.json lists rcfge-scp-2.json, which is missing",
			"rcfge-scp-9.json is not in manifest.json: not from this build",
		}, wantSize: 2030},
		{name: "quota given", dir: filepath.Join("TestBuild", "basic"), quotas: &pack.Quotas{MaxChars: 10240, MaxPolicies: 1}, wantSize: 3499},
		{name: "quota out of range", dir: filepath.Join("TestBuild", "basic"), quotas: &pack.Quotas{MaxChars: 10241, MaxPolicies: 1}, wantErr: true},
		{name: "broken manifest", dir: filepath.Join("check", "brokenmanifest"), wantErr: true},
		{name: "no folder", dir: "absent", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := scpgen.Check(context.Background(), os.DirFS(filepath.Join("testdata", tt.dir)), fixtureCatalog(t), tt.quotas)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, rep.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if rep.Policies[0].Chars != tt.wantSize {
				t.Errorf("size %d, want %d", rep.Policies[0].Chars, tt.wantSize)
			}
		})
	}
}

func TestCheckCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scpgen.Check(ctx, os.DirFS(filepath.Join("testdata", "TestBuild", "basic")), fixtureCatalog(t), nil); err == nil {
		t.Fatal("want the context's error")
	}
}

// TestCheckReprove re-proves built policies against a newer service reference (testdata/
// svcref-newer adds ec2:RotateVpnGateway, which ec2:*ateVpnGateway matches).
func TestCheckReprove(t *testing.T) {
	t.Parallel()
	newer, err := svcref.LoadDir(context.Background(), filepath.Join("testdata", "svcref-newer"))
	if err != nil {
		t.Fatal(err)
	}
	widening := scpgen.Widening{File: "rcfge-scp-1.json", Sid: "AllowedListActions1", Statement: scpgen.SidAllowedListActions,
		Effect: "Allow", Element: "Action", Pattern: "ec2:*ateVpnGateway", NewActions: []string{"ec2:RotateVpnGateway"}}
	tests := []struct {
		name        string
		dir         string
		cat         policy.Catalog
		wantWidened []scpgen.Widening
		wantDenies  bool
	}{
		{name: "minimised allow list widens", dir: "wildcards", cat: newer, wantWidened: []scpgen.Widening{widening}, wantDenies: true},
		{name: "exact allow list does not", dir: "split", cat: newer, wantDenies: true},
		{name: "same snapshot", dir: "wildcards", cat: fixtureCatalog(t)},
		{name: "no snapshot: grammar, sizes and manifest only", dir: "wildcards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := scpgen.Check(context.Background(), os.DirFS(filepath.Join("testdata", "TestBuild", tt.dir)), tt.cat, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantWidened, rep.Widened); diff != "" {
				t.Errorf("widened (-want +got):\n%s", diff)
			}
			if rep.OK() != (len(tt.wantWidened) == 0) {
				t.Errorf("OK() = %v with %d widened", rep.OK(), len(rep.Widened))
			}
			if got := len(rep.DeniesMore) > 0; got != tt.wantDenies {
				t.Errorf("deniesMore = %+v, want some: %v", rep.DeniesMore, tt.wantDenies)
			}
			for _, d := range rep.DeniesMore {
				if d.Effect != "Deny" || !slices.Equal(d.NewActions, []string{"ec2:RotateVpnGateway"}) {
					t.Errorf("deniesMore holds %+v", d)
				}
			}
		})
	}
}
