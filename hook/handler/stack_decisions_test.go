package handler_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/wire"
)

// failingStore answers from the test templates but fails for one type, as an S3 outage would.
type failingStore struct {
	store.Store
	broken string
}

func (s failingStore) Get(ctx context.Context, typeName, accountID string) (store.Template, error) {
	if typeName == s.broken {
		return store.Template{}, errors.New("s3 down")
	}
	return s.Store.Get(ctx, typeName, accountID)
}

// TestStackDecisions: a STACK or CHANGE_SET answer with several findings at once, each decided by
// its own knob, with the exact message; which change-set actions count; deletes at stack level.
func TestStackDecisions(t *testing.T) {
	t.Parallel()
	srv := payloadServer(t, map[string]string{
		"mixed.json": `{"template":"Resources:\n  B:\n    Type: AWS::S3::Bucket\n  Q:\n    Type: AWS::SQS::Queue\n  T:\n    Type: AWS::SNS::Topic\n  U:\n    Type: AWS::SNS::Topic\n"}`,
		"actions.json": `{"changedResources":[{"action":"Delete","resourceType":"AWS::Lambda::Function","logicalResourceId":"Gone"},` +
			`{"action":"Update","resourceType":"AWS::SNS::Topic","logicalResourceId":"T"},{"action":"Modify","resourceType":"AWS::IAM::Role","logicalResourceId":"R"},` +
			`{"action":"Add","resourceType":"AWS::S3::Bucket","logicalResourceId":"B"},{"action":"Remove","resourceType":"AWS::EC2::VPC","logicalResourceId":"V"}]}`,
		"empty-changes.json": `{"template":"Resources:\n  T:\n    Type: AWS::SNS::Topic\n","changedResources":[]}`,
		"foreach.json":       `{"template":"Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - N\n    - [a]\n    - T${N}:\n        Type: AWS::S3::Bucket\n  T:\n    Type: AWS::SNS::Topic\n"}`,
	})
	st := failingStore{Store: dirstore.New(os.DirFS("testdata/templates")), broken: "AWS::SQS::Queue"}
	h := newHandler(t, nil, append(trusting(srv), handler.WithStore(st))...)
	const (
		missing  = "stack app: 1 resource type without an approved template: AWS::SNS::Topic (T, U)"
		storeMsg = "stack app: the template store failed: s3 down"
	)
	tests := []struct {
		name, model, target, point, payload string
		status                              wire.Status
		code                                wire.ErrorCode
		msg                                 string
	}{
		{name: "both fail: unapproved types give the code", payload: "mixed.json", status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: missing + " | " + storeMsg},
		{name: "store error warned: unapproved types still fail", model: `{"TemplatesBucket":"b","OnEngineError":"WARN"}`, payload: "mixed.json",
			status: wire.StatusFailed, code: wire.CodeNonCompliant, msg: missing + " | " + storeMsg},
		{name: "unapproved types warned: the store error still fails", model: `{"TemplatesBucket":"b","OnMissingTemplate":"WARN"}`, payload: "mixed.json",
			status: wire.StatusFailed, code: wire.CodeInternalFailure, msg: missing + " | " + storeMsg},
		{name: "both warned", model: `{"TemplatesBucket":"b","OnMissingTemplate":"WARN","OnEngineError":"WARN"}`, payload: "mixed.json",
			status: wire.StatusSuccess, msg: "WARN (OnMissingTemplate=WARN, OnEngineError=WARN), not blocking: " + missing + " | " + storeMsg},
		{name: "change set: updates and modifies count, deletes and removes do not", target: "CHANGE_SET", payload: "actions.json", status: wire.StatusFailed, code: wire.CodeNonCompliant,
			msg: "change set app: 2 resource types without an approved template: AWS::IAM::Role (R); AWS::SNS::Topic (T)"},
		{name: "change set: an empty change list still checks the template", target: "CHANGE_SET", payload: "empty-changes.json", status: wire.StatusFailed, code: wire.CodeNonCompliant,
			msg: "change set app: 1 resource type without an approved template: AWS::SNS::Topic (T)"},
		{name: "resources after a ForEach loop are checked", payload: "foreach.json", status: wire.StatusFailed, code: wire.CodeNonCompliant,
			msg: "stack app: 1 resource type without an approved template: AWS::SNS::Topic (T)"},
		{name: "a stack delete is left to each resource", point: "DELETE_PRE_PROVISION", payload: "mixed.json", status: wire.StatusSuccess,
			msg: "stack app: deletes are not checked at stack level; each resource's delete is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := tt.target
			if target == "" {
				target = "STACK"
			}
			got := h.Handle(t.Context(), req{model: tt.model, target: target, point: tt.point, logicalID: "app", payload: srv.URL + "/" + tt.payload}.JSON())
			if got.HookStatus != tt.status || got.ErrorCode != tt.code || got.Message != tt.msg {
				t.Errorf("got %s/%s %q\nwant %s/%s %q", got.HookStatus, got.ErrorCode, got.Message, tt.status, tt.code, tt.msg)
			}
		})
	}
}
