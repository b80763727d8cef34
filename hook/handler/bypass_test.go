package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// cancellingStore serves the templates and then cancels the request: the deadline fires after
// the template is read, while (or after) the properties are validated.
type cancellingStore struct {
	store.Store
	cancel context.CancelFunc
}

func (s cancellingStore) Get(ctx context.Context, typeName, accountID string) (store.Template, error) {
	tpl, err := s.Store.Get(ctx, typeName, accountID)
	s.cancel()
	return tpl, err
}

// TestBypass: crafted requests an attacker would send. Every row but the SUCCESS ones must answer
// FAILED, through both protocols; the SUCCESS rows are what must stay approved.
func TestBypass(t *testing.T) {
	t.Parallel()
	many := map[string]any{}
	for i := range 20_000 {
		many[fmt.Sprintf("Unapproved%05d", i)] = "x"
	}
	manyJSON, _ := json.Marshal(many)
	tests := []struct {
		name       string
		target     string
		props      string
		noModel    bool
		raw        string // a whole request, instead of target and props
		policy     verdict.Policy
		cancel     bool // cancel the request once the template is read
		wantStatus wire.Status
		wantCode   wire.ErrorCode
	}{
		{name: "unapproved property given as a Secrets Manager reference", props: `{"BucketName":"app-logs-111122223333","NewFeature":"{{resolve:secretsmanager:x:SecretString:y}}"}`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "unapproved property given as an ssm-secure reference", props: `{"NewFeature":"{{resolve:ssm-secure:/p:1}}"}`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "constrained value through a reference, OnUnverifiable=FAIL", props: `{"BucketName":"{{resolve:secretsmanager:x:SecretString:y}}"}`,
			policy: verdict.Policy{OnViolation: verdict.Warn}, wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "rcfge-own enum through an ssm-secure reference", target: "AWS::RDS::DBInstance", props: `{"Engine":"{{resolve:ssm-secure:/db/engine:1}}"}`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "a literal merely containing the marker is checked as a literal", props: `{"BucketName":"abc{{resolve:secretsmanager:x}}"}`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "number bomb beside a real violation, OnEngineError=WARN", props: `{"NewFeature":true,"LifecycleConfiguration":{"Rules":[{"ExpirationInDays":1e999999999}]}}`,
			policy: verdict.Policy{OnEngineError: verdict.Warn}, wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "late deadline after violations, OnEngineError=WARN", props: `{"NewFeature":true}`, cancel: true,
			policy: verdict.Policy{OnEngineError: verdict.Warn}, wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "20,000 unapproved properties", props: string(manyJSON), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant},
		{name: "no targetModel", noModel: true, wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "misspelt resourceProperties", raw: `{"clientRequestToken":"tok","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"AWS::S3::Bucket","targetModel":{"resourcePropertes":{"NewFeature":true}}}}`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "malformed JSON", raw: `{"clientRequestToken":"tok","requestData":{"targetModel":{"resourceProperties":{"NewFeature":tru`,
			wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "too deep", props: strings.Repeat(`{"A":`, 200) + "1" + strings.Repeat("}", 200), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		// Must stay SUCCESS.
		{name: "password as a Secrets Manager reference, only the provider schema constrains it", target: "AWS::RDS::DBInstance",
			props: `{"Engine":"postgres","MasterUserPassword":"{{resolve:secretsmanager:db:SecretString:password}}"}`, wantStatus: wire.StatusSuccess},
		{name: "two different unknown subnets in a uniqueItems list", target: "AWS::RDS::DBInstance",
			props: `{"VPCSecurityGroups":["{{resolve:secretsmanager:a:SecretString:sg}}","{{resolve:ssm-secure:/b:1}}"]}`, wantStatus: wire.StatusSuccess},
	}
	for _, proto := range []wire.Protocol{wire.ProtocolRegistered, wire.ProtocolLambda} {
		for _, tt := range tests {
			t.Run(string(proto)+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				var st store.Store = dirstore.New(os.DirFS("testdata/templates"))
				if tt.cancel {
					st = cancellingStore{Store: st, cancel: cancel}
				}
				opts := []handler.Option{handler.WithStore(st)}
				r := req{target: tt.target, props: tt.props}
				if proto == wire.ProtocolLambda {
					opts = append(opts, handler.WithEnv(handler.Env{Config: handler.Config{Policy: tt.policy}}))
					r.model = `{"LambdaFunction":"arn:aws:lambda:eu-west-1:111122223333:function:rcfge"}`
				} else {
					knobs, _ := json.Marshal(map[string]any{"TemplatesBucket": "b", "OnViolation": tt.policy.OnViolation, "OnEngineError": tt.policy.OnEngineError, "OnUnverifiable": tt.policy.OnUnverifiable})
					r.model = string(knobs)
				}
				raw := r.JSON()
				if tt.noModel {
					raw = bytes.Replace(raw, []byte(`,"targetModel":{"resourceProperties":{}}`), nil, 1)
				}
				if tt.raw != "" {
					raw = []byte(tt.raw)
				}
				h := newHandler(t, nil, opts...)
				got := h.Handle(ctx, raw)
				if got.HookStatus != tt.wantStatus || got.ErrorCode != tt.wantCode {
					msg := fmt.Sprintf("got %s/%s %q, want %s/%s", got.HookStatus, got.ErrorCode, wire.Truncate(got.Message, 300), tt.wantStatus, tt.wantCode)
					t.Fatal(msg)
				}
				if tt.wantStatus == wire.StatusSuccess && got.Message == "" {
					t.Error("SUCCESS without a reason")
				}
				if got.ClientRequestToken != "tok" {
					t.Errorf("token %q not echoed", got.ClientRequestToken)
				}
				b, _ := json.Marshal(got)
				if len(b) >= wire.MaxResponseBytes || len(got.Message) >= wire.MaxMessage || len(got.Annotations) > wire.MaxAnnotations+1 {
					t.Errorf("answer of %d bytes, message %d, %d annotations: over a bound", len(b), len(got.Message), len(got.Annotations))
				}
			})
		}
	}
}
