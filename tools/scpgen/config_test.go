package scpgen_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/rcfgenames"
	"github.com/rcfge/rcfge/tools/scpgen"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
)

func TestLoadConfigFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		wantQuotas pack.Quotas
		wantErr    error
		wantMsg    string
	}{
		{file: "basic.yaml", wantQuotas: pack.Quotas{MaxChars: 5120, MaxPolicies: 5}},
		{file: "raised.yaml", wantQuotas: pack.Quotas{MaxChars: 10240, MaxPolicies: 3}},
		{file: "too-large.yaml", wantErr: scpgen.ErrConfig, wantMsg: "maxChars 20480: AWS allows 1 to 10240"},
		{file: "max.yaml", wantQuotas: pack.Quotas{MaxChars: 10240, MaxPolicies: 10}},
		{file: "too-many.yaml", wantErr: scpgen.ErrConfig, wantMsg: "quotas.maxPolicies 11: AWS allows 1 to 10 SCPs per target (5 unless your organisation's quota was raised)"},
		{file: "unknown-key.yaml", wantErr: scpgen.ErrConfig, wantMsg: "field quota not found"},
		{file: "missing-name.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "lacks alertTopicName"},
		{file: "absent.yaml", wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			c, err := scpgen.LoadConfigFile(filepath.Join("testdata", "config", tt.file))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Quotas != tt.wantQuotas {
				t.Errorf("quotas = %+v, want %+v", c.Quotas, tt.wantQuotas)
			}
			if c.Names.PipelineRoleName != "rcfge-pipeline" || !strings.HasPrefix(c.Digest, "sha256:") {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

// TestShippedConfig keeps scp/rcfge.yaml a valid compiler configuration.
func TestShippedConfig(t *testing.T) {
	t.Parallel()
	if _, err := scpgen.LoadConfigFile(filepath.Join("..", "..", "scp", "rcfge.yaml")); err != nil {
		t.Fatal(err)
	}
}
