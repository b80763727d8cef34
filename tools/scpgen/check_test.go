package scpgen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
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
		{name: "a build's output", dir: filepath.Join("TestBuild", "basic"), want: nil, wantSize: 2247},
		{name: "edited after the build", dir: filepath.Join("check", "edited"), want: []string{
			"rcfge-scp-1.json: 2030 characters, manifest.json says 2031: changed since the build",
			"manifest.json lists rcfge-scp-2.json, which is missing",
			"rcfge-scp-9.json is not in manifest.json: not from this build",
		}, wantSize: 2030},
		{name: "quota given", dir: filepath.Join("TestBuild", "basic"), quotas: &pack.Quotas{MaxChars: 10240, MaxPolicies: 1}, wantSize: 2247},
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
