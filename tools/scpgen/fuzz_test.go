package scpgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/rcfgenames"
	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/svcref"
)

func configSeeds(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no config fixtures")
	}
	var seeds [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// FuzzLoadConfig: scp/rcfge.yaml either loads into a configuration whose quotas AWS accepts and
// whose names are complete, or fails with ErrConfig or rcfgenames.ErrInvalid.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("names: [1, 2]\nquotas: {maxChars: -1}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := scpgen.LoadConfig(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, scpgen.ErrConfig) && !errors.Is(err, rcfgenames.ErrInvalid) {
				t.Fatalf("error of no documented kind: %v", err)
			}
			return
		}
		if err := scpgen.ValidateQuotas(c.Quotas); err != nil {
			t.Fatalf("loaded a configuration with invalid quotas %+v: %v", c.Quotas, err)
		}
		if c.Digest == "" {
			t.Fatal("loaded configuration without its digest")
		}
	})
}

// FuzzBuild compiles the fixture templates with an arbitrary configuration: never a panic; every
// error is a documented kind; a result always carries at least one policy and its manifest (the
// build proves each policy against its input itself, so success means a proved policy set).
func FuzzBuild(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s)
	}
	cat, err := svcref.LoadDir(context.Background(), filepath.Join("testdata", "svcref"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := scpgen.LoadConfig(bytes.NewReader(b))
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := scpgen.Build(ctx, scpgen.Input{
			Config:    cfg,
			Catalog:   cat,
			Schemas:   os.DirFS(filepath.Join("testdata", "schemas")),
			Templates: os.DirFS(filepath.Join("testdata", "templates", "basic")),
		})
		if err != nil {
			if res != nil {
				t.Fatalf("result and error: %v", err)
			}
			for _, kind := range []error{scpgen.ErrConfig, scpgen.ErrUnknownAction, scpgen.ErrNotInServiceReference, scpgen.ErrProof, scpgen.ErrProviderSchema, scpgen.ErrNoApprovedTypes, svcref.ErrInvalidPattern, svcref.ErrUnknownService, svcref.ErrNoMatch} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("build error of no documented kind: %v", err)
		}
		if len(res.Policies) == 0 || len(res.Policies) > cfg.Quotas.MaxPolicies && cfg.Quotas.MaxPolicies > 0 {
			t.Fatalf("%d policies for quotas %+v", len(res.Policies), cfg.Quotas)
		}
		if _, err := json.Marshal(res.Manifest); err != nil {
			t.Fatalf("manifest does not encode: %v", err)
		}
	})
}
