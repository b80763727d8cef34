package handler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// TestAnswerKnobs: every finding is decided by its own knob, violations decide beside engine
// errors, and the error code follows a fixed order. Each row names the mutant it kills.
func TestAnswerKnobs(t *testing.T) {
	t.Parallel()
	violation := verdict.Violation{Path: "/BucketName", Keyword: "pattern", Message: "does not match"}
	hidden := verdict.Violation{Path: "/Engine", Keyword: "enum", Message: "is a dynamic reference", Unverifiable: true}
	deadline := &engine.Error{Kind: engine.KindDeadline, TypeName: "AWS::S3::Bucket", Err: context.DeadlineExceeded}
	storeErr := &engine.Error{Kind: engine.KindStore, TypeName: "AWS::SNS::Topic", Err: errors.New("S3 unavailable")}
	missing := []missingType{{typeName: "AWS::SNS::Topic", logicalIDs: []string{"T"}}}
	res := func(vs ...verdict.Violation) engine.Result {
		return engine.Result{TemplateKey: "AWS-S3-Bucket.json", Verdict: verdict.Verdict{Violations: vs}}
	}
	warn, fail := verdict.Warn, verdict.Fail
	tests := []struct {
		name       string
		policy     verdict.Policy
		out        outcome
		wantStatus wire.Status
		wantCode   wire.ErrorCode
		wantMsg    []string
		wantClass  verdict.Class
	}{
		{name: "store error warned, missing types fail (first-finding knob)", policy: verdict.Policy{OnEngineError: warn, OnMissingTemplate: fail},
			out:        outcome{scope: "stack app", stackErrs: []error{storeErr}, missing: missing},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"AWS::SNS::Topic (T)", "S3 unavailable"}, wantClass: verdict.ClassMissingTemplate},
		{name: "missing types warned, store error fails", policy: verdict.Policy{OnEngineError: fail, OnMissingTemplate: warn},
			out:        outcome{scope: "stack app", stackErrs: []error{storeErr}, missing: missing},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantClass: verdict.ClassEngineError},
		{name: "both warned", policy: verdict.Policy{OnEngineError: warn, OnMissingTemplate: warn},
			out:        outcome{scope: "stack app", stackErrs: []error{storeErr}, missing: missing},
			wantStatus: wire.StatusSuccess, wantMsg: []string{"WARN (OnMissingTemplate=WARN, OnEngineError=WARN), not blocking: stack app: 1 resource type"}, wantClass: verdict.ClassMissingTemplate},
		{name: "violations before a deadline decide under WARN", policy: verdict.Policy{OnEngineError: warn},
			out:        outcome{typeName: "AWS::S3::Bucket", logicalID: "B", err: deadline, result: res(violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"/BucketName [pattern]", "could not decide in time"}, wantClass: verdict.ClassViolation},
		{name: "violations and a deadline, both FAIL: NonCompliant wins", policy: verdict.Policy{},
			out:        outcome{typeName: "AWS::S3::Bucket", logicalID: "B", err: deadline, result: res(violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"AWS::S3::Bucket B is not compliant with AWS-S3-Bucket.json (1 violation): /BucketName [pattern] does not match | AWS::S3::Bucket B: rcfge could not decide in time"}, wantClass: verdict.ClassViolation},
		{name: "violations warned, deadline fails", policy: verdict.Policy{OnViolation: warn},
			out:        outcome{typeName: "AWS::S3::Bucket", err: deadline, result: res(violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantClass: verdict.ClassEngineError},
		{name: "missing types and a store error, both FAIL: NonCompliant wins", policy: verdict.Policy{},
			out:        outcome{scope: "stack app", stackErrs: []error{storeErr}, missing: missing},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"stack app: 1 resource type without an approved template: AWS::SNS::Topic (T) | stack app: the template store failed"}, wantClass: verdict.ClassMissingTemplate},
		{name: "unverifiable fails by default", policy: verdict.Policy{OnViolation: warn},
			out:        outcome{typeName: "AWS::RDS::DBInstance", result: res(hidden)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"1 value given as a dynamic reference cannot be checked against AWS-S3-Bucket.json's own rules: /Engine [enum]"}, wantClass: verdict.ClassUnverifiable},
		{name: "unverifiable warned", policy: verdict.Policy{OnUnverifiable: warn},
			out:        outcome{typeName: "AWS::RDS::DBInstance", result: res(hidden)},
			wantStatus: wire.StatusSuccess, wantMsg: []string{"WARN (OnUnverifiable=WARN), not blocking"}, wantClass: verdict.ClassUnverifiable},
		{name: "unverifiable warned beside a violation", policy: verdict.Policy{OnUnverifiable: warn},
			out:        outcome{typeName: "AWS::RDS::DBInstance", result: res(hidden, violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantClass: verdict.ClassViolation},
		{name: "violation warned beside an unverifiable value", policy: verdict.Policy{OnViolation: warn},
			out:        outcome{typeName: "AWS::RDS::DBInstance", result: res(hidden, violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantClass: verdict.ClassUnverifiable},
		{name: "shadow mode reports and never blocks", policy: verdict.Policy{},
			out:        outcome{typeName: "AWS::S3::Bucket", result: engine.Result{TemplateKey: "AWS-S3-Bucket.json", Shadow: true, Verdict: verdict.Verdict{Violations: []verdict.Violation{violation, hidden}}}},
			wantStatus: wire.StatusSuccess, wantMsg: []string{"shadow mode, not blocking: AWS-S3-Bucket.json would fail (2 violations): /BucketName [pattern]"}},
		{name: "shadow mode does not waive an engine error", policy: verdict.Policy{},
			out:        outcome{typeName: "AWS::S3::Bucket", err: deadline, result: engine.Result{Shadow: true, Verdict: verdict.Verdict{Violations: []verdict.Violation{violation}}}},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantMsg: []string{"shadow mode"}, wantClass: verdict.ClassEngineError},
		{name: "exception named", policy: verdict.Policy{},
			out: outcome{typeName: "AWS::S3::Bucket", result: engine.Result{TemplateKey: "AWS-S3-Bucket.json", Verdict: verdict.Verdict{
				Excepted: []verdict.Excepted{{Violation: violation, Exception: "EX-7", Ticket: "SEC-1", Expires: "2027-01-31"}}}}},
			wantStatus: wire.StatusSuccess, wantMsg: []string{"complies with AWS-S3-Bucket.json | 1 violation allowed by exception: EX-7 let /BucketName [pattern] through (ticket SEC-1) until 2027-01-31"}},
		{name: "request error has no knob", policy: verdict.Policy{OnViolation: warn, OnEngineError: warn},
			out:        outcome{err: &engine.Error{Kind: engine.KindRequest, Err: errors.New("properties must be a JSON object")}, result: res(violation)},
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &request{token: "t", out: tt.out}
			got := answer(tt.policy, r)
			if got.HookStatus != tt.wantStatus || got.ErrorCode != tt.wantCode {
				t.Fatalf("got %s/%s %q, want %s/%s", got.HookStatus, got.ErrorCode, got.Message, tt.wantStatus, tt.wantCode)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(got.Message, m) {
					t.Errorf("message %q does not contain %q", got.Message, m)
				}
			}
			if r.decided != tt.wantClass {
				t.Errorf("decided by %v, want %v", r.decided, tt.wantClass)
			}
		})
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	got := []int{rank(verdict.ClassViolation), rank(verdict.ClassUnverifiable), rank(verdict.ClassMissingTemplate), rank(verdict.ClassEngineError)}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("rank order %v, want strictly increasing: violation, unverifiable, missing template, engine error", got)
		}
	}
	for c, want := range map[verdict.Class]string{verdict.ClassViolation: PropOnViolation, verdict.ClassUnverifiable: PropOnUnverifiable, verdict.ClassMissingTemplate: PropOnMissingTemplate, verdict.ClassEngineError: PropOnEngineError} {
		if got := knobName(c); got != want {
			t.Errorf("knobName(%v) = %q, want %q", c, got, want)
		}
	}
}

// TestBudget asserts the margin kept before the Lambda's deadline, and the configured timeout.
func TestBudget(t *testing.T) {
	t.Parallel()
	if deadlineMargin != 500*time.Millisecond {
		t.Errorf("deadlineMargin = %s, want 500ms", deadlineMargin)
	}
	h := New(WithEnv(Env{Timeout: 20 * time.Second}))
	tests := []struct {
		name   string
		lambda time.Duration // 0: no deadline
		want   time.Duration // budget left
	}{
		{"no Lambda deadline: the timeout", 0, 20 * time.Second},
		{"far Lambda deadline: the timeout", 30 * time.Second, 20 * time.Second},
		{"near Lambda deadline: minus the margin", 10 * time.Second, 10*time.Second - 500*time.Millisecond},
		{"very near: half of what is left", 800 * time.Millisecond, 400 * time.Millisecond},
	}
	for _, tt := range tests {
		parent := t.Context()
		if tt.lambda > 0 {
			var cancel context.CancelFunc
			parent, cancel = context.WithTimeout(parent, tt.lambda)
			defer cancel()
		}
		ctx, cancel := h.budget(parent)
		dl, _ := ctx.Deadline()
		cancel()
		if got := time.Until(dl); got > tt.want || got < tt.want-100*time.Millisecond {
			t.Errorf("%s: budget %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestContextFromStackARN: the stack name, region and partition come from the stack ARN.
func TestContextFromStackARN(t *testing.T) {
	t.Parallel()
	h := New()
	tests := []struct {
		stackID, region string
		want            engine.Context
	}{
		{"arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/app-prod/uuid", "", engine.Context{Partition: "aws-cn", Region: "cn-north-1", StackName: "app-prod"}},
		{"arn:aws:cloudformation:eu-west-1:111122223333:stack/web/uuid", "us-east-1", engine.Context{Partition: "aws", Region: "eu-west-1", StackName: "web"}},
		{"", "us-gov-west-1", engine.Context{Partition: "aws-us-gov", Region: "us-gov-west-1"}},
		{"arn:aws:cloudformation:eu-west-1:111122223333:changeSet/cs/uuid", "", engine.Context{Partition: "aws", Region: "eu-west-1"}},
	}
	for _, tt := range tests {
		req := &wire.Request{StackID: tt.stackID, Region: tt.region, AWSAccountID: "111122223333"}
		got := h.context(req)
		tt.want.StackID, tt.want.AccountID = tt.stackID, "111122223333"
		if got != tt.want {
			t.Errorf("context(%q) = %+v, want %+v", tt.stackID, got, tt.want)
		}
	}
}
