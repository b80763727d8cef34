package rcfgenames_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/rcfgenames"
)

func TestLoadFile(t *testing.T) {
	t.Parallel()
	valid := rcfgenames.Names{
		HookTypeName:                 "Acme::Config::Enforcer",
		HookAlias:                    "Private::Acme::Enforcer",
		HookFunctionName:             "acme-hook",
		HookExecutionRoleName:        "acme-hook-execution",
		StackSetName:                 "acme-member",
		StackSetExecutionRolePattern: "stacksets-exec-*",
		TemplatesBucketName:          "acme-templates",
		TemplatesPrefix:              "templates",
		ArtifactsBucketPrefix:        "acme-artifacts",
		PipelineRoleName:             "acme-pipeline",
		AlertTopicName:               "acme-alerts",
	}
	tests := []struct {
		name    string
		file    string
		want    rcfgenames.Names
		wantErr error
		wantMsg string
	}{
		{name: "valid", file: "valid.yaml", want: valid},
		{name: "unknown key", file: "unknown-key.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: `unknown key "hookRoleName"`},
		{name: "missing key", file: "missing-key.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "lacks pipelineRoleName"},
		{name: "empty value", file: "empty-value.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "lacks templatesPrefix"},
		{name: "value not a string", file: "not-scalar.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "names.templatesPrefix must be a string"},
		{name: "no names block", file: "no-block.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: `no "names" block`},
		{name: "names not a mapping", file: "block-not-mapping.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: `"names" is not a mapping`},
		{name: "document not a mapping", file: "not-mapping.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "not a mapping"},
		{name: "yaml syntax", file: "syntax.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "yaml"},
		{name: "empty file", file: "empty.yaml", wantErr: rcfgenames.ErrInvalid, wantMsg: "empty document"},
		{name: "no such file", file: "absent.yaml", wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := rcfgenames.LoadFile(filepath.Join("testdata", tt.file))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

// TestShippedConfig keeps scp/rcfge.yaml loadable with the values the StackSets templates rely on.
func TestShippedConfig(t *testing.T) {
	t.Parallel()
	got, err := rcfgenames.LoadFile(filepath.Join("..", "..", "scp", "rcfge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := rcfgenames.Names{
		HookTypeName:                 "Rcfge::Config::Enforcer",
		HookAlias:                    "Private::Rcfge::Enforcer",
		HookFunctionName:             "rcfge-hook",
		HookExecutionRoleName:        "rcfge-hook-execution",
		StackSetName:                 "rcfge-member",
		StackSetExecutionRolePattern: "stacksets-exec-*",
		TemplatesBucketName:          "rcfge-templates",
		TemplatesPrefix:              "templates",
		ArtifactsBucketPrefix:        "rcfge-artifacts",
		PipelineRoleName:             "rcfge-pipeline",
		AlertTopicName:               "rcfge-alerts",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scp/rcfge.yaml names (-want +got):\n%s", diff)
	}
}

func TestLoadReader(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := rcfgenames.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if n.PipelineRoleName != "acme-pipeline" {
		t.Errorf("PipelineRoleName = %q", n.PipelineRoleName)
	}
}
