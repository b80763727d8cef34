package shared_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/shared"
	"github.com/rcfge/rcfge/tools/schemagen"
)

func TestOpenSource(t *testing.T) {
	t.Parallel()
	failing := func(context.Context) (aws.Config, error) { return aws.Config{}, errors.New("no profile") }
	tests := []struct {
		name     string
		spec     string
		cfg      func(context.Context) (aws.Config, error)
		wantFlag bool
		wantErr  bool
	}{
		{name: "folder", spec: t.TempDir()},
		{name: "missing folder is a usage error", spec: "/nonexistent/schemas", wantErr: true, wantFlag: true},
		{name: "not a zip is a usage error", spec: "source_test.go", wantErr: true, wantFlag: true},
		{name: "live without AWS configuration", spec: schemagen.LiveSource, wantErr: true},
		{name: "live with a failing AWS configuration", spec: schemagen.LiveSource, cfg: failing, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, closeFn, err := shared.OpenSource(context.Background(), "--source", tt.spec, tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var fe *cli.FlagError
			if errors.As(err, &fe) != tt.wantFlag {
				t.Errorf("FlagError = %v, want %v (%v)", !tt.wantFlag, tt.wantFlag, err)
			}
			if err == nil {
				if src == nil || closeFn() != nil {
					t.Error("no source, or close failed")
				}
			}
		})
	}
}
