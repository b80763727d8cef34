package engine_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
)

// TestBypass is the engine's half of issue #11's bypass suite: crafted resources that must never
// be approved, and the legitimate ones that must stay approved. Rows marked newValidator need the
// validator's unknown/reference semantics and are skipped until hook/schema has them.
func TestBypass(t *testing.T) {
	t.Parallel()
	e := newEngine()
	const gen = "Test::Gen::Thing"
	unknown := func(path, reason string) []verdict.Unverified {
		return []verdict.Unverified{{Path: path, Reason: reason}}
	}
	tests := []struct {
		name         string
		props        string
		unknown      []verdict.Unverified
		approved     bool
		unverifiable bool // the violation is Unverifiable (OnUnverifiable decides it)
		newValidator bool
	}{
		{name: "unapproved property, Fn::ImportValue", props: `{"NewFeature":"x"}`, unknown: unknown("/NewFeature", "Fn::ImportValue"), newValidator: true},
		{name: "unapproved property, Fn::GetAtt", props: `{"NewFeature":"x"}`, unknown: unknown("/NewFeature", "Fn::GetAtt"), newValidator: true},
		{name: "unapproved property, Ref to a resource", props: `{"NewFeature":"x"}`, unknown: unknown("/NewFeature", "Ref"), newValidator: true},
		{name: "unapproved property, Fn::If undecided", props: `{"NewFeature":"x"}`, unknown: unknown("/NewFeature", "Fn::If"), newValidator: true},
		{name: "unapproved nested property, unknown", props: `{"Tier":"small","Nested":{"X":"y"}}`, unknown: unknown("/Nested/X", "Fn::ImportValue"), newValidator: true},
		{name: "unapproved property, Secrets Manager reference", props: `{"NewFeature":"{{resolve:secretsmanager:x:SecretString:y}}"}`},
		{name: "unapproved property, ssm-secure reference", props: `{"NewFeature":"{{resolve:ssm-secure:/p:1}}"}`},
		{name: "own-constrained value through a reference", props: `{"Topic":"{{resolve:secretsmanager:t}}"}`, unverifiable: true, newValidator: true},
		{name: "own enum through a reference", props: `{"Tier":"{{resolve:ssm-secure:/tier}}"}`, unverifiable: true, newValidator: true},
		{name: "a literal containing the marker", props: `{"Tier":"x{{resolve:secretsmanager:t}}"}`},
		{name: "a literal containing the marker, own pattern", props: `{"Topic":"{{resolve:secretsmanager:t}} arn:aws:sns:eu-west-1:111122223333:t"}`},
		{name: "plain ssm reference is a literal", props: `{"Tier":"{{resolve:ssm:/tier}}"}`},
		{name: "password as a Secrets Manager reference, provider constraints only", props: `{"MasterUserPassword":"{{resolve:secretsmanager:db:SecretString:password}}"}`, approved: true, newValidator: true},
		{name: "two different unknown subnets in a uniqueItems list", props: `{"SubnetIds":["a","a"]}`,
			unknown: []verdict.Unverified{{Path: "/SubnetIds/0", Reason: "Fn::ImportValue"}, {Path: "/SubnetIds/1", Reason: "Fn::ImportValue"}}, approved: true, newValidator: true},
		{name: "approved literal values", props: `{"Tier":"small","Topic":"arn:aws:sns:eu-west-1:111122223333:t","SubnetIds":["a","b"]}`, approved: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.newValidator && !refsHonoured(t) {
				t.Skip("hook/schema does not implement the unknown/reference semantics yet")
			}
			res, err := e.Evaluate(context.Background(), engine.Input{TypeName: gen, Context: ctx111, Properties: props(t, tt.props), Unknown: tt.unknown})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict.Approved() != tt.approved {
				t.Fatalf("approved %v, want %v: %v", res.Verdict.Approved(), tt.approved, res.Verdict.Violations)
			}
			for _, v := range res.Verdict.Violations {
				if v.Unverifiable != tt.unverifiable {
					t.Errorf("violation %v: unverifiable %v, want %v", v, v.Unverifiable, tt.unverifiable)
				}
			}
		})
	}
}

// TestManyViolationsFit: 20,000 unapproved properties give 100 violations and a count of the rest,
// never an unbounded verdict.
func TestManyViolationsFit(t *testing.T) {
	t.Parallel()
	res, err := newEngine().Evaluate(context.Background(), engine.Input{TypeName: "Test::Gen::Thing", Context: ctx111, Properties: props(t, manyProps(20_000))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Verdict.Violations) != engine.DefaultMaxViolations || res.Omitted < 10_000 || res.Verdict.Approved() {
		t.Errorf("%d violations kept, %d omitted (at least %v)", len(res.Verdict.Violations), res.Omitted, res.OmittedAtLeast)
	}
}
