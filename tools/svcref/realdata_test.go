package svcref_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

func TestLoadRealSnapshots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date         string
		wantServices int
		wantActions  int
	}{
		// Figures from the data set's README.
		{date: svcreftest.OldDate, wantServices: 460, wantActions: 21038},
		{date: svcreftest.NewDate, wantServices: 466, wantActions: 21983},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			t.Parallel()
			c, err := svcref.LoadDir(context.Background(), svcreftest.Snapshot(t, tt.date))
			if err != nil {
				t.Fatalf("LoadDir: %v", err)
			}
			if got := len(c.Services()); got != tt.wantServices {
				t.Errorf("services = %d, want %d", got, tt.wantServices)
			}
			if got := len(c.AllActions()); got != tt.wantActions {
				t.Errorf("actions = %d, want %d", got, tt.wantActions)
			}
			for _, pattern := range []string{"s3:Put*", "ec2:*Tags", "iam:PassRole", "sts:AssumeRole*"} {
				if _, err := c.Expand(pattern); err != nil {
					t.Errorf("Expand(%q): %v", pattern, err)
				}
			}
			for _, key := range []string{"s3:ExistingObjectTag/env", "ec2:InstanceType", "aws:PrincipalOrgID", "kms:ViaService"} {
				if !c.HasConditionKey(key) {
					t.Errorf("HasConditionKey(%q) = false", key)
				}
			}
		})
	}
}
