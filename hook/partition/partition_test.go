package partition

import "testing"

func TestForRegion(t *testing.T) {
	tests := []struct{ region, id, suffix string }{
		{"eu-west-1", "aws", "amazonaws.com"},
		{"us-east-1", "aws", "amazonaws.com"},
		{"cn-north-1", "aws-cn", "amazonaws.com.cn"},
		{"us-gov-west-1", "aws-us-gov", "amazonaws.com"},
		{"us-iso-east-1", "aws-iso", "c2s.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"},
		{"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"},
		{"us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"},
		{"eusc-de-east-1", "aws-eusc", "amazonaws.eu"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Of(tt.region); got != tt.id {
			t.Errorf("Of(%q) = %q, want %q", tt.region, got, tt.id)
		}
		if got := URLSuffix(tt.region); got != tt.suffix {
			t.Errorf("URLSuffix(%q) = %q, want %q", tt.region, got, tt.suffix)
		}
	}
	if len(All) != 8 {
		t.Fatalf("%d partitions, want 8", len(All))
	}
	for _, p := range All {
		got, ok := ByID(p.ID)
		if !ok || got != p {
			t.Errorf("ByID(%q) = %v, %v", p.ID, got, ok)
		}
	}
	if _, ok := ByID("aws-mars"); ok {
		t.Error("ByID found an unknown partition")
	}
}
