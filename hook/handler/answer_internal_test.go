package handler

import (
	"context"
	"errors"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// TestAnswer pins, for each kind of outcome, the exact decision: status, error code, message,
// annotation count and the class that decided. Each finding is decided by its own knob, the
// answer fails when any knob says FAIL, and the most certain finding (a violation) comes first
// and gives the error code.
func TestAnswer(t *testing.T) {
	t.Parallel()
	const (
		typ  = "AWS::S3::Bucket"
		subj = "AWS::S3::Bucket B"
		key  = "T.json"
	)
	broken := verdict.Violation{Path: "/A", Keyword: "enum", Message: "m"}
	hidden := verdict.Violation{Path: "/B", Keyword: "pattern", Message: "n", Unverifiable: true}
	root := verdict.Violation{Keyword: "required", Message: "r"}
	deadline := &engine.Error{Kind: engine.KindDeadline, TypeName: typ, Err: context.DeadlineExceeded}
	storeErr := func(msg string) error {
		return &engine.Error{Kind: engine.KindStore, TypeName: typ, Err: errors.New(msg)}
	}
	missingErr := &engine.Error{Kind: engine.KindMissingTemplate, TypeName: typ, Err: errors.New(typ + " is not an approved resource type")}
	requestErr := &engine.Error{Kind: engine.KindRequest, TypeName: "x", Err: errors.New("not a type name")}
	res := func(vs ...verdict.Violation) engine.Result {
		return engine.Result{TemplateKey: key, Verdict: verdict.Verdict{TypeName: typ, Violations: vs}}
	}
	resource := func(r engine.Result, err error) outcome {
		return outcome{typeName: typ, logicalID: "B", result: r, err: err}
	}
	stack := func(errs []error, missing ...missingType) outcome {
		return outcome{scope: "stack app", typeName: wire.TargetStack, stackErrs: errs, missing: missing}
	}
	warn := verdict.Warn
	const (
		violMsg   = subj + " is not compliant with T.json (1 violation): /A [enum] m"
		hiddenMsg = subj + ": 1 value given as a dynamic reference cannot be checked against T.json's own rules: /B [pattern] n"
		deadMsg   = subj + ": rcfge could not decide in time (deadline): context deadline exceeded"
		missMsg   = "stack app: 1 resource type without an approved template: AWS::SNS::Topic (T1, T2)"
		s3Msg     = "stack app: the template store failed: s3 down"
	)
	topic := missingType{typeName: "AWS::SNS::Topic", logicalIDs: []string{"T1", "T2"}}
	tests := []struct {
		name    string
		policy  verdict.Policy
		out     outcome
		status  wire.Status
		code    wire.ErrorCode
		msg     string
		ann     int
		decided verdict.Class
	}{
		{name: "a request-level code ignores every knob", policy: verdict.Policy{OnViolation: warn, OnMissingTemplate: warn, OnEngineError: warn, OnUnverifiable: warn},
			out: outcome{code: wire.CodeAccessDenied, err: wire.ErrEncryptedCredentials}, status: wire.StatusFailed, code: wire.CodeAccessDenied, msg: wire.ErrEncryptedCredentials.Error()},
		{name: "a request error ignores every knob", policy: verdict.Policy{OnEngineError: warn, OnMissingTemplate: warn},
			out: resource(engine.Result{}, requestErr), status: wire.StatusFailed, code: wire.CodeInvalidRequest, msg: requestErr.Error()},
		{name: "approved", out: resource(res(), nil), status: wire.StatusSuccess, msg: subj + " complies with T.json"},
		{name: "approved with unknown values", out: resource(engine.Result{TemplateKey: key, Verdict: verdict.Verdict{Unverified: []verdict.Unverified{{Path: "/A"}, {Path: "/B"}}}}, nil),
			status: wire.StatusSuccess, msg: subj + " complies with T.json (2 value(s) not known before deployment were not checked)"},
		{name: "delete allowed", out: outcome{typeName: typ, logicalID: "B", op: engine.Delete, result: res()}, status: wire.StatusSuccess, msg: "deleting " + subj + " is allowed: T.json does not guard deletes"},
		{name: "a note is the message", out: outcome{typeName: typ, note: "no resources"}, status: wire.StatusSuccess, msg: "no resources"},
		{name: "stack approved", out: stack(nil), status: wire.StatusSuccess, msg: "stack app: every resource type has an approved template"},
		{name: "violation", out: resource(res(broken), nil), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: violMsg, ann: 1, decided: verdict.ClassViolation},
		{name: "violation at the root", out: resource(res(root), nil), status: wire.StatusFailed, code: wire.CodeNonCompliant,
			msg: subj + " is not compliant with T.json (1 violation): / [required] r", ann: 1, decided: verdict.ClassViolation},
		{name: "violation warned", policy: verdict.Policy{OnViolation: warn}, out: resource(res(broken), nil), status: wire.StatusSuccess,
			msg: "WARN (OnViolation=WARN), not blocking: " + violMsg, ann: 1, decided: verdict.ClassViolation},
		{name: "violations found before a deadline decide when the deadline is warned", policy: verdict.Policy{OnEngineError: warn},
			out: resource(res(broken), deadline), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: violMsg + " | " + deadMsg, ann: 1, decided: verdict.ClassViolation},
		{name: "a deadline fails when violations are warned", policy: verdict.Policy{OnViolation: warn},
			out: resource(res(broken), deadline), status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: violMsg + " | " + deadMsg, ann: 1, decided: verdict.ClassEngineError},
		{name: "both warned", policy: verdict.Policy{OnViolation: warn, OnEngineError: warn},
			out: resource(res(broken), deadline), status: wire.StatusSuccess, msg: "WARN (OnViolation=WARN, OnEngineError=WARN), not blocking: " + violMsg + " | " + deadMsg, ann: 1, decided: verdict.ClassViolation},
		{name: "missing template", out: resource(engine.Result{}, missingErr), status: wire.StatusFailed, code: wire.CodeNonCompliant,
			msg: subj + ": " + typ + " is not an approved resource type", decided: verdict.ClassMissingTemplate},
		{name: "missing template warned", policy: verdict.Policy{OnMissingTemplate: warn}, out: resource(engine.Result{}, missingErr), status: wire.StatusSuccess,
			msg: "WARN (OnMissingTemplate=WARN), not blocking: " + subj + ": " + typ + " is not an approved resource type", decided: verdict.ClassMissingTemplate},
		{name: "unverifiable fails on its own knob", policy: verdict.Policy{OnViolation: warn},
			out: resource(res(hidden), nil), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: hiddenMsg, ann: 1, decided: verdict.ClassUnverifiable},
		{name: "unverifiable warned, violation failed", policy: verdict.Policy{OnUnverifiable: warn},
			out: resource(res(hidden, broken), nil), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: violMsg + " | " + hiddenMsg, ann: 2, decided: verdict.ClassViolation},
		{name: "violation warned, unverifiable failed", policy: verdict.Policy{OnViolation: warn},
			out: resource(res(hidden, broken), nil), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: violMsg + " | " + hiddenMsg, ann: 2, decided: verdict.ClassUnverifiable},
		{name: "unverifiable warned alone", policy: verdict.Policy{OnUnverifiable: warn},
			out: resource(res(hidden), nil), status: wire.StatusSuccess, msg: "WARN (OnUnverifiable=WARN), not blocking: " + hiddenMsg, ann: 1, decided: verdict.ClassUnverifiable},
		{name: "store error warned, unapproved types failed", policy: verdict.Policy{OnEngineError: warn},
			out: stack([]error{storeErr("s3 down")}, topic), status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: missMsg + " | " + s3Msg, decided: verdict.ClassMissingTemplate},
		{name: "unapproved types warned, store error failed", policy: verdict.Policy{OnMissingTemplate: warn},
			out: stack([]error{storeErr("s3 down")}, topic), status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: missMsg + " | " + s3Msg, decided: verdict.ClassEngineError},
		{name: "both failed: the unapproved types give the code", out: stack([]error{storeErr("s3 down")}, topic),
			status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: missMsg + " | " + s3Msg, decided: verdict.ClassMissingTemplate},
		{name: "two store errors, one knob named once", policy: verdict.Policy{OnEngineError: warn},
			out: outcome{scope: "stack app", err: storeErr("payload"), stackErrs: []error{storeErr("s3 down")}}, status: wire.StatusSuccess,
			msg: "WARN (OnEngineError=WARN), not blocking: stack app: the template store failed: payload | " + s3Msg, decided: verdict.ClassEngineError},
		{name: "shadow reports and never blocks", out: resource(engine.Result{TemplateKey: key, Shadow: true, Verdict: verdict.Verdict{Violations: []verdict.Violation{broken}}}, nil),
			status: wire.StatusSuccess, msg: subj + " complies with T.json | shadow mode, not blocking: T.json would fail (1 violation): /A [enum] m"},
		{name: "shadow does not hide an engine error", out: resource(engine.Result{TemplateKey: key, Shadow: true, Verdict: verdict.Verdict{Violations: []verdict.Violation{broken}}}, storeErr("s3 down")),
			status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: subj + ": the template store failed: s3 down | shadow mode, not blocking: T.json would fail (1 violation): /A [enum] m", decided: verdict.ClassEngineError},
		{name: "shadow without violations", out: resource(engine.Result{TemplateKey: key, Shadow: true}, nil), status: wire.StatusSuccess, msg: subj + " complies with T.json"},
		{name: "an exception is named", out: resource(engine.Result{TemplateKey: key, Verdict: verdict.Verdict{Excepted: []verdict.Excepted{{Violation: broken, Exception: "EX-1", Ticket: "SEC-9", Expires: "2030-01-01"}}}}, nil),
			status: wire.StatusSuccess, msg: subj + " complies with T.json | 1 violation allowed by exception: EX-1 let /A [enum] through (ticket SEC-9) until 2030-01-01"},
		{name: "an exception beside a violation", out: resource(engine.Result{TemplateKey: key, Verdict: verdict.Verdict{Violations: []verdict.Violation{broken}, Excepted: []verdict.Excepted{{Violation: root, Exception: "EX-1"}}}}, nil),
			status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: violMsg + " | 1 violation allowed by exception: EX-1 let / [required] through", ann: 1, decided: verdict.ClassViolation},
		{name: "omitted violations are counted", out: resource(engine.Result{TemplateKey: key, Omitted: 4, Verdict: verdict.Verdict{Violations: []verdict.Violation{broken}}}, nil),
			status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: subj + " is not compliant with T.json (5 violations): /A [enum] m", ann: 2, decided: verdict.ClassViolation},
		{name: "omitted at least", out: resource(engine.Result{TemplateKey: key, Omitted: 1, OmittedAtLeast: true, Verdict: verdict.Verdict{Violations: []verdict.Violation{broken}}}, nil),
			status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: subj + " is not compliant with T.json (at least 2 violations): /A [enum] m", ann: 2, decided: verdict.ClassViolation},
		{name: "an error without a subject", out: outcome{err: errors.New("boom")}, status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: "request: rcfge failed: boom", decided: verdict.ClassEngineError},
		{name: "an error with a type only", out: outcome{typeName: typ, err: errors.New("boom")}, status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: typ + ": rcfge failed: boom", decided: verdict.ClassEngineError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &request{token: "tok", out: tt.out}
			got := answer(tt.policy, r)
			got.Fit()
			if got.HookStatus != tt.status || got.ErrorCode != tt.code || got.Message != tt.msg {
				t.Errorf("answer = %s/%s %q\nwant %s/%s %q", got.HookStatus, got.ErrorCode, got.Message, tt.status, tt.code, tt.msg)
			}
			if len(got.Annotations) != tt.ann || r.decided != tt.decided || got.ClientRequestToken != "tok" {
				t.Errorf("%d annotations, decided by %v, token %q; want %d, %v, tok", len(got.Annotations), r.decided, got.ClientRequestToken, tt.ann, tt.decided)
			}
		})
	}
}
