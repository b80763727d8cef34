package verdict_test

import (
	"testing"

	"github.com/rcfge/rcfge/hook/verdict"
)

func TestParseMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    verdict.Mode
		wantErr bool
	}{
		{"", verdict.Fail, false},
		{"FAIL", verdict.Fail, false},
		{"fail", verdict.Fail, false},
		{"Fail", verdict.Fail, false},
		{"WARN", verdict.Warn, false},
		{"warn", verdict.Warn, false},
		{"Warn", verdict.Warn, false},
		{"WaRn", "", true},
		{" WARN", "", true},
		{"OFF", "", true},
		{"PASS", "", true},
	}
	for _, tt := range tests {
		got, err := verdict.ParseMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && err.Error() != `failure mode "`+tt.in+`": want FAIL or WARN` {
			t.Errorf("ParseMode(%q) error %q", tt.in, err)
		}
	}
}

func TestPolicyMode(t *testing.T) {
	t.Parallel()
	classes := []verdict.Class{verdict.ClassViolation, verdict.ClassMissingTemplate, verdict.ClassEngineError, verdict.ClassUnverifiable}
	set := func(c verdict.Class, m verdict.Mode) verdict.Policy {
		var p verdict.Policy
		switch c {
		case verdict.ClassViolation:
			p.OnViolation = m
		case verdict.ClassMissingTemplate:
			p.OnMissingTemplate = m
		case verdict.ClassEngineError:
			p.OnEngineError = m
		case verdict.ClassUnverifiable:
			p.OnUnverifiable = m
		}
		return p
	}
	for _, c := range classes {
		// Each knob decides its own class and no other.
		p := set(c, verdict.Warn)
		for _, other := range classes {
			want := verdict.Fail
			if other == c {
				want = verdict.Warn
			}
			if got := p.Mode(other); got != want {
				t.Errorf("policy %+v: Mode(%v) = %q, want %q", p, other, got, want)
			}
		}
		// Unset, explicit FAIL and unknown values all fail closed.
		for _, m := range []verdict.Mode{"", verdict.Fail, "warn", "OFF"} {
			if got := set(c, m).Mode(c); got != verdict.Fail {
				t.Errorf("%v set to %q: Mode = %q, want FAIL", c, m, got)
			}
		}
	}
	// A class the policy does not know fails closed even when every knob says WARN.
	all := verdict.Policy{OnViolation: verdict.Warn, OnMissingTemplate: verdict.Warn, OnEngineError: verdict.Warn, OnUnverifiable: verdict.Warn}
	for _, c := range []verdict.Class{0, 99} {
		if got := all.Mode(c); got != verdict.Fail {
			t.Errorf("Mode(%d) = %q, want FAIL", c, got)
		}
	}
	if got := (verdict.Policy{}).Mode(verdict.ClassViolation); got != verdict.Fail {
		t.Errorf("zero policy: %q, want FAIL", got)
	}
}

func TestClassString(t *testing.T) {
	t.Parallel()
	for c, want := range map[verdict.Class]string{
		verdict.ClassViolation: "violation", verdict.ClassMissingTemplate: "missing template",
		verdict.ClassEngineError: "engine error", verdict.ClassUnverifiable: "unverifiable value", 0: "unknown", 42: "unknown",
	} {
		if got := c.String(); got != want {
			t.Errorf("Class(%d).String() = %q, want %q", c, got, want)
		}
	}
}

func TestApproved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    verdict.Verdict
		want bool
	}{
		{"nothing", verdict.Verdict{TypeName: "AWS::S3::Bucket"}, true},
		{"empty slice", verdict.Verdict{Violations: []verdict.Violation{}}, true},
		{"unverified only", verdict.Verdict{Unverified: []verdict.Unverified{{Path: "/A", Reason: "Fn::GetAtt"}}}, true},
		{"excepted only", verdict.Verdict{Excepted: []verdict.Excepted{{Violation: verdict.Violation{Path: "/A"}, Exception: "EX-1"}}}, true},
		{"one violation", verdict.Verdict{Violations: []verdict.Violation{{Path: "/A"}}}, false},
		{"a pre-existing violation still counts", verdict.Verdict{Violations: []verdict.Violation{{Path: "/A", PreExisting: true}}}, false},
		{"an unverifiable violation still counts", verdict.Verdict{Violations: []verdict.Violation{{Path: "/A", Unverifiable: true}}}, false},
		{"a root violation counts", verdict.Verdict{Violations: []verdict.Violation{{Path: ""}}}, false},
	}
	for _, tt := range tests {
		if got := tt.v.Approved(); got != tt.want {
			t.Errorf("%s: Approved = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestViolationString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    verdict.Violation
		want string
	}{
		{verdict.Violation{Path: "", Message: "required property Name is missing"}, "/: required property Name is missing"},
		{verdict.Violation{Path: "/Tags/0/Key", Message: "too long"}, "/Tags/0/Key: too long"},
		{verdict.Violation{Path: "/a~1b", Message: "m"}, "/a~1b: m"},
	} {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
