package engine_test

import (
	"reflect"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
)

func TestDynamicReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" means a literal
	}{
		{"{{resolve:secretsmanager:MySecret}}", "secretsmanager"},
		{"{{resolve:secretsmanager:MySecret:SecretString}}", "secretsmanager"},
		{"{{resolve:secretsmanager:MySecret:SecretString:password}}", "secretsmanager"},
		{"{{resolve:secretsmanager:MySecret:SecretString:password:AWSPREVIOUS}}", "secretsmanager"},
		{"{{resolve:secretsmanager:MySecret:SecretString:password::0123-abcd}}", "secretsmanager"},
		{"{{resolve:secretsmanager:MySecret:SecretString:::}}", "secretsmanager"},
		{"{{resolve:secretsmanager:prod/db/a_b+c=d.e@f-g}}", "secretsmanager"},
		{"{{resolve:secretsmanager:arn:aws:secretsmanager:us-west-2:123456789012:secret:MySecret-asCTFs:SecretString:password::}}", "secretsmanager"},
		{"{{resolve:secretsmanager:arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:s-1}}", "secretsmanager"},
		{"{{resolve:ssm-secure:/app/db/password}}", "ssm-secure"},
		{"{{resolve:ssm-secure:IAMUserPassword:10}}", "ssm-secure"},
		// Literals: a marker inside a longer string, a plain ssm reference (resolved before the
		// hook), malformed shapes.
		{"x{{resolve:secretsmanager:MySecret}}", ""},
		{"{{resolve:secretsmanager:MySecret}}x", ""},
		{"{{resolve:secretsmanager:a}} {{resolve:secretsmanager:b}}", ""},
		{"{{resolve:ssm:/app/name}}", ""},
		{"{{resolve:ssm:/app/name:1}}", ""},
		{"{{resolve:secretsmanager:}}", ""},
		{"{{resolve:secretsmanager:MySecret:SecretBinary}}", ""},
		{"{{resolve:secretsmanager:MySecret:SecretString:a:b:c:d}}", ""},
		{"{{resolve:secretsmanager:My Secret}}", ""},
		{"{{resolve:secretsmanager:MySecret", ""},
		{"{{resolve:secretsmanager:MySecret}}}", ""},
		{"{{resolve:ssm-secure:}}", ""},
		{"{{resolve:ssm-secure:/p:latest}}", ""},
		{"{{resolve:ssm-secure:/p:1:2}}", ""},
		{"{{Resolve:secretsmanager:MySecret}}", ""},
		{"", ""},
	}
	for _, tt := range tests {
		svc, ok := engine.DynamicReference(tt.in)
		if ok != (tt.want != "") || svc != tt.want {
			t.Errorf("DynamicReference(%q) = %q, %v; want %q", tt.in, svc, ok, tt.want)
		}
	}
}

func TestOptionsSortsUnknownsAndReferences(t *testing.T) {
	t.Parallel()
	p := props(t, `{"Sm":"{{resolve:secretsmanager:s}}","Nested":{"List":["a","{{resolve:ssm-secure:/p:2}}"],"a/b":"{{resolve:secretsmanager:t}}"},
		"Lit":"pre{{resolve:secretsmanager:s}}","Ssm":"{{resolve:ssm:/x}}","Imp":"x","MarkedRef":"{{resolve:secretsmanager:u}}"}`)
	unknown := []verdict.Unverified{{Path: "/Imp", Reason: "Fn::ImportValue"}, {Path: "/MarkedRef", Reason: "Ref to a parameter"}, {Path: "/Absent", Reason: "Fn::GetAtt"}}
	given := make([]verdict.Unverified, 1, 4)
	given[0] = verdict.Unverified{Path: "/FromParam", Reason: "parameter default is a dynamic reference"}
	opts, unverified := engine.Options(p, unknown, given)
	if want := []string{"/Imp", "/Absent"}; !reflect.DeepEqual(opts.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", opts.Unknown, want)
	}
	if want := []string{"/FromParam", "/MarkedRef", "/Nested/List/1", "/Nested/a~1b", "/Sm"}; !reflect.DeepEqual(opts.References, want) {
		t.Errorf("References = %q, want %q", opts.References, want)
	}
	want := []verdict.Unverified{
		{Path: "/Imp", Reason: "Fn::ImportValue"},
		{Path: "/Absent", Reason: "Fn::GetAtt"},
		{Path: "/FromParam", Reason: "parameter default is a dynamic reference"},
		{Path: "/MarkedRef", Reason: "dynamic reference to secretsmanager is resolved only at deployment"},
		{Path: "/Nested/List/1", Reason: "dynamic reference to ssm-secure is resolved only at deployment"},
		{Path: "/Nested/a~1b", Reason: "dynamic reference to secretsmanager is resolved only at deployment"},
		{Path: "/Sm", Reason: "dynamic reference to secretsmanager is resolved only at deployment"},
	}
	if !reflect.DeepEqual(unverified, want) {
		t.Errorf("unverified =\n%+v\nwant\n%+v", unverified, want)
	}
	if spare := given[:2][1]; spare != (verdict.Unverified{}) {
		t.Errorf("Options wrote into the caller's array: %+v", spare)
	}
	if opts, unverified := engine.Options(props(t, `{"A":"{{resolve:ssm:/x}}","B":1}`), nil, nil); opts.Unknown != nil || opts.References != nil || unverified != nil {
		t.Errorf("no unknowns: %+v %+v", opts, unverified)
	}
}
