package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
	"github.com/rcfge/rcfge/tools/golden"
)

const payloadHost = "https://rcfge-hook-payloads.s3.us-east-1.amazonaws.com"

// payloadServer serves the wire fixtures' STACK and CHANGE_SET documents, plus extra bodies.
func payloadServer(t testing.TB, extra map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if body, ok := extra[name]; ok {
			if strings.HasPrefix(body, "status:") {
				var code int
				fmt.Sscan(strings.TrimPrefix(body, "status:"), &code)
				w.WriteHeader(code)
				return
			}
			w.Write([]byte(body))
			return
		}
		b, err := os.ReadFile(filepath.Join("../wire/testdata/payloads", filepath.Base(name)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// trusting lets a handler fetch payloads from the TLS test server srv.
func trusting(srv *httptest.Server) []handler.Option {
	return []handler.Option{handler.WithHTTPClient(srv.Client()), handler.WithPayloadHosts(srv.Listener.Addr().String())}
}

// fixture reads a wire fixture with its payload URL pointed at srv.
func fixture(t testing.TB, path string, srv *httptest.Server) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte(payloadHost), []byte(srv.URL))
}

func newHandler(t testing.TB, logs *bytes.Buffer, opts ...handler.Option) *handler.Handler {
	t.Helper()
	if logs == nil {
		logs = &bytes.Buffer{}
	}
	base := []handler.Option{
		handler.WithStore(dirstore.New(os.DirFS("testdata/templates"))),
		handler.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))),
	}
	return handler.New(append(base, opts...)...)
}

func TestHandleFixtures(t *testing.T) {
	t.Parallel()
	srv := payloadServer(t, nil)
	h := newHandler(t, nil, trusting(srv)...)
	files, err := filepath.Glob("../wire/testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		proto := filepath.Base(filepath.Dir(f))
		if proto == "payloads" {
			continue
		}
		n++
		name := proto + "-" + strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := h.Handle(t.Context(), fixture(t, f, srv))
			got, err := json.MarshalIndent(resp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", "TestHandleFixtures", name+".golden"), append(got, '\n'))
			if !strings.HasPrefix(resp.ClientRequestToken, "tok-"+proto) {
				t.Errorf("token not echoed: %q", resp.ClientRequestToken)
			}
		})
	}
	// Ten requests per protocol: create, update and delete, typed and stringified, and the
	// STACK and CHANGE_SET targets.
	if n != 20 {
		t.Errorf("%d wire fixtures, want 20", n)
	}
}

// TestHandleKeepsNoReferenceToRaw: aws-lambda-go reads every payload into one buffer, and the
// replay reuses one too. Every fixture is handled from one buffer that is then overwritten; its
// answer must not change, and the handler's caches must answer every fixture afterwards as a
// fresh handler does.
func TestHandleKeepsNoReferenceToRaw(t *testing.T) {
	t.Parallel()
	srv := payloadServer(t, nil)
	files, err := filepath.Glob("../wire/testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, nil, trusting(srv)...)
	var buf []byte
	first := map[string]string{}
	for _, f := range files {
		if filepath.Base(filepath.Dir(f)) == "payloads" {
			continue
		}
		buf = append(buf[:0], fixture(t, f, srv)...)
		resp := h.Handle(t.Context(), buf)
		before := string(resp.AppendJSON(nil, "", ""))
		for i := range buf {
			buf[i] = 'x'
		}
		if after := string(resp.AppendJSON(nil, "", "")); after != before {
			t.Errorf("%s: the answer changed with the request's memory:\n%s\n%s", f, before, after)
		}
		first[f] = before
	}
	if len(first) == 0 {
		t.Fatal("no fixtures")
	}
	fresh := newHandler(t, nil, trusting(srv)...)
	for f, before := range first {
		for _, h := range []*handler.Handler{h, fresh} {
			resp := h.Handle(t.Context(), fixture(t, f, srv))
			if got := string(resp.AppendJSON(nil, "", "")); got != before {
				t.Errorf("%s: answered\n%s\nafter the buffer was reused, and now\n%s", f, before, got)
			}
		}
	}
}

// req builds a registered-hook request; model and props are JSON (empty means omitted).
type req struct {
	point, target, logicalID, account, model, props, prev, payload, creds string
}

func (r req) JSON() []byte {
	if r.point == "" {
		r.point = "CREATE_PRE_PROVISION"
	}
	if r.target == "" {
		r.target = "AWS::S3::Bucket"
	}
	if r.logicalID == "" {
		r.logicalID = "LogsBucket"
	}
	if r.account == "" {
		r.account = "111122223333"
	}
	if r.model == "" {
		r.model = `{"TemplatesBucket":"b"}`
	}
	tm := `{"resourceProperties":{}}`
	if r.props != "" || r.prev != "" {
		var parts []string
		if r.props != "" {
			parts = append(parts, `"resourceProperties":`+r.props)
		}
		if r.prev != "" {
			parts = append(parts, `"previousResourceProperties":`+r.prev)
		}
		tm = "{" + strings.Join(parts, ",") + "}"
	}
	extra := ""
	if r.payload != "" {
		extra += `,"payload":` + fmt.Sprintf("%q", r.payload)
	}
	if r.creds != "" {
		extra += `,"callerCredentials":` + r.creds
	}
	return []byte(fmt.Sprintf(`{"clientRequestToken":"tok","awsAccountId":%q,
	 "stackId":"arn:aws:cloudformation:eu-west-1:%s:stack/app/uuid","hookTypeName":"Rcfge::Config::Enforcer",
	 "hookModel":%s,"actionInvocationPoint":%q,
	 "requestData":{"targetName":%q,"targetType":"RESOURCE","targetLogicalId":%q,"targetModel":%s%s}}`,
		r.account, r.account, r.model, r.point, r.target, r.logicalID, tm, extra))
}

const good = `{"BucketName":"app-logs-111122223333","VersioningConfiguration":{"Status":"Enabled"}}`

func TestDecisions(t *testing.T) {
	t.Parallel()
	srv := payloadServer(t, map[string]string{
		"gone.json":        "status:404",
		"broken.json":      "status:503",
		"html.json":        "<html>",
		"noresources.json": `{"template":"AWSTemplateFormatVersion: 2010-09-09"}`,
		"notype.json":      `{"template":"Resources:\n  A:\n    Type: !Ref T\n"}`,
		"badtype.json":     `{"template":"{\"Resources\":{\"A\":{\"Type\":\"../../x\"}}}"}`,
		"tabs.json":        `{"template":"{\n\t\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\"}, \"Fn::ForEach::Q\": [\"x\"]}}"}`,
		"emptyset.json":    `{"changedResources":[{"action":"DELETE","resourceType":"AWS::SNS::Topic","logicalResourceId":"Old"}]}`,
		"nocstype.json":    `{"changedResources":[{"action":"CREATE","logicalResourceId":"Old"}]}`,
		"resolved.json":    `{"template":"Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n","resolvedTemplate":"{\"Resources\":{\"F\":{\"Type\":\"AWS::SQS::Queue\"}}}"}`,
	})
	warnAll := `{"TemplatesBucket":"b","OnViolation":"WARN","OnMissingTemplate":"WARN","OnEngineError":"WARN","Variables":"{\"orgId\":\"o-1\"}"}`
	many := map[string]any{}
	for i := range 300 {
		many[fmt.Sprintf("UnapprovedProperty%03dWithAQuiteLongNameToFillTheMessage", i)] = true
	}
	manyJSON, _ := json.Marshal(many)
	tests := []struct {
		name       string
		raw        []byte
		wantStatus wire.Status
		wantCode   wire.ErrorCode
		wantMsg    []string
		wantAnn    int
	}{
		{name: "approved", raw: req{props: good}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"complies with", "AWS-S3-Bucket.json"}},
		{name: "no properties", raw: req{target: "AWS::SQS::Queue", model: `{"TemplatesBucket":"b","Variables":{"orgId":"o-1"}}`}.JSON(), wantStatus: wire.StatusSuccess},
		{name: "violation", raw: req{props: `{"BucketName":"other","NewFeature":true}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant,
			wantMsg: []string{"AWS::S3::Bucket LogsBucket is not compliant", "(2 violations)", "/BucketName", "NewFeature"}, wantAnn: 2},
		{name: "violation warned", raw: req{model: warnAll, props: `{"BucketName":"other"}`}.JSON(), wantStatus: wire.StatusSuccess,
			wantMsg: []string{"WARN (OnViolation=WARN), not blocking", "/BucketName"}, wantAnn: 1},
		{name: "stringified scalars", raw: req{props: `{"BucketName":"app-logs-111122223333","ObjectLockEnabled":"true","LifecycleConfiguration":{"Rules":[{"ExpirationInDays":"30"}]}}`}.JSON(), wantStatus: wire.StatusSuccess},
		{name: "update pre-existing", raw: req{point: "UPDATE_PRE_PROVISION", props: `{"BucketName":"x"}`, prev: `{"BucketName":"x"}`}.JSON(),
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"1 already present before this update", "(already present before this update)"}, wantAnn: 1},
		{name: "update new violation", raw: req{point: "UPDATE_PRE_PROVISION", props: `{"BucketName":"x"}`, prev: good}.JSON(),
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantAnn: 1},
		{name: "stack name, region and partition from the stack ARN", raw: req{target: "AWS::Logs::LogGroup", props: `{"LogGroupName":"/aws/eu-west-1/app/LogsBucket"}`}.JSON(), wantStatus: wire.StatusSuccess},
		{name: "stack name placeholder is not empty", raw: req{target: "AWS::Logs::LogGroup", props: `{"LogGroupName":"/aws/eu-west-1//LogsBucket"}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantAnn: 1},
		{name: "no targetModel", raw: bytes.Replace(req{props: good}.JSON(), []byte(`"targetModel"`), []byte(`"targetModelX"`), 1), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"requestData.targetModel is missing or null"}},
		{name: "account override", raw: req{account: "444455556666", props: `{"BucketName":"special"}`}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"accounts/444455556666"}},
		{name: "missing template", raw: req{target: "AWS::SNS::Topic", props: `{}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"AWS::SNS::Topic LogsBucket", "not an approved resource type"}},
		{name: "missing template warned", raw: req{model: warnAll, target: "AWS::SNS::Topic"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"OnMissingTemplate=WARN"}},
		{name: "invalid template", raw: req{target: "AWS::Broken::Thing", props: `{}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantMsg: []string{"the approved template is invalid"}},
		{name: "invalid template warned", raw: req{model: warnAll, target: "AWS::Broken::Thing", props: `{}`}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"OnEngineError=WARN", "invalid"}},
		{name: "unknown placeholder", raw: req{target: "AWS::SQS::Queue", props: `{}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantMsg: []string{"orgId"}},
		{name: "invalid type name", raw: req{target: "Not A Type"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "delete allowed", raw: req{point: "DELETE_PRE_PROVISION", prev: good}.JSON(), wantStatus: wire.StatusSuccess},
		{name: "delete guarded", raw: req{point: "DELETE_PRE_PROVISION", target: "AWS::SQS::Queue", model: `{"TemplatesBucket":"b","Variables":{"orgId":"o"}}`}.JSON(),
			wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"x-rcfge/onDelete"}, wantAnn: 1},
		{name: "delete of unapproved type", raw: req{point: "DELETE_PRE_PROVISION", target: "AWS::SNS::Topic"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"deleting it is allowed"}},
		{name: "many violations summarised", raw: req{props: string(manyJSON)}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant,
			wantMsg: []string{"(300 violations)", "more (see the annotations)"}, wantAnn: wire.MaxAnnotations + 1},
		{name: "not json", raw: []byte(`{"clientRequestToken":"tok",`), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "bad invocation point", raw: req{point: "LATER"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"LATER"}},
		{name: "bad knob", raw: req{model: `{"TemplatesBucket":"b","OnViolation":"MAYBE"}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidTypeConfiguration, wantMsg: []string{"OnViolation", "MAYBE"}},
		{name: "bad variables", raw: req{model: `{"TemplatesBucket":"b","Variables":"{nope"}`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidTypeConfiguration},
		{name: "bad credentials", raw: req{creds: `"{}"`}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"accessKeyId"}},
		{name: "encrypted credentials", raw: bytes.Replace(req{creds: `"AYADblob"`}.JSON(), []byte(`"targetModel"`), []byte(`"hookEncryptionKeyArn":"k","hookEncryptionKeyRole":"r","targetModel"`), 1),
			wantStatus: wire.StatusFailed, wantCode: wire.CodeAccessDenied, wantMsg: []string{"encrypted"}},
		{name: "stack: payload gone", raw: req{target: "STACK", payload: srv.URL + "/gone.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInternalFailure, wantMsg: []string{"404"}},
		{name: "stack: payload 503 warned", raw: req{model: warnAll, target: "STACK", payload: srv.URL + "/broken.json"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"OnEngineError=WARN", "503"}},
		{name: "stack: payload not json", raw: req{target: "STACK", payload: srv.URL + "/html.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
		{name: "stack: no payload", raw: req{target: "STACK"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"without requestData.payload"}},
		{name: "stack: no resources", raw: req{target: "STACK", payload: srv.URL + "/noresources.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"no Resources"}},
		{name: "stack: type not literal", raw: req{target: "STACK", payload: srv.URL + "/notype.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest, wantMsg: []string{"Resources.A.Type"}},
		{name: "stack: bad type name is unapproved", raw: req{target: "STACK", payload: srv.URL + "/badtype.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeNonCompliant, wantMsg: []string{"../../x (A)"}},
		{name: "stack: tab-indented json", raw: req{target: "STACK", payload: srv.URL + "/tabs.json"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"every resource type has an approved template"}},
		{name: "stack: resolved template wins", raw: req{target: "STACK", payload: srv.URL + "/resolved.json"}.JSON(), wantStatus: wire.StatusSuccess},
		{name: "stack: unapproved warned", raw: req{model: warnAll, target: "STACK", logicalID: "app", payload: srv.URL + "/stack-create.json"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"stack app: 1 resource type without an approved template: AWS::SNS::Topic (LogsTopic)"}},
		{name: "change set: only deletes", raw: req{target: "CHANGE_SET", payload: srv.URL + "/emptyset.json"}.JSON(), wantStatus: wire.StatusSuccess, wantMsg: []string{"no resources to check"}},
		{name: "change set: no type", raw: req{target: "CHANGE_SET", payload: srv.URL + "/nocstype.json"}.JSON(), wantStatus: wire.StatusFailed, wantCode: wire.CodeInvalidRequest},
	}
	h := newHandler(t, nil, trusting(srv)...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := h.Handle(t.Context(), tt.raw)
			if got.HookStatus != tt.wantStatus || got.ErrorCode != tt.wantCode {
				t.Fatalf("got %s/%s %q, want %s/%s", got.HookStatus, got.ErrorCode, got.Message, tt.wantStatus, tt.wantCode)
			}
			if got.ClientRequestToken != "tok" {
				t.Errorf("token = %q, want it echoed", got.ClientRequestToken)
			}
			if got.Message == "" || len(got.Message) > wire.MaxMessage {
				t.Errorf("message length %d, want 1..%d", len(got.Message), wire.MaxMessage)
			}
			if got.HookStatus == wire.StatusSuccess && got.ErrorCode != "" {
				t.Errorf("SUCCESS with errorCode %q", got.ErrorCode)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(got.Message, m) {
					t.Errorf("message %q does not contain %q", got.Message, m)
				}
			}
			if len(got.Annotations) != tt.wantAnn {
				t.Errorf("%d annotations, want %d", len(got.Annotations), tt.wantAnn)
			}
		})
	}
}

// blockingStore waits for the deadline; panicStore panics.
type blockingStore struct{}

func (blockingStore) Get(ctx context.Context, _, _ string) (store.Template, error) {
	<-ctx.Done()
	return store.Template{}, ctx.Err()
}

type panicStore struct{}

func (panicStore) Get(context.Context, string, string) (store.Template, error) { panic("boom") }

func TestFailuresBecomeAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		st         store.Store
		model      string
		wantStatus wire.Status
		wantCode   wire.ErrorCode
		wantMsg    string
	}{
		{"deadline", blockingStore{}, "", wire.StatusFailed, wire.CodeInternalFailure, "deadline"},
		{"deadline warned", blockingStore{}, `{"TemplatesBucket":"b","OnEngineError":"WARN"}`, wire.StatusSuccess, "", "OnEngineError=WARN"},
		{"panic", panicStore{}, "", wire.StatusFailed, wire.CodeInternalFailure, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			h := newHandler(t, &logs, handler.WithStore(tt.st), handler.WithEnv(handler.Env{Timeout: 100 * time.Millisecond}))
			start := time.Now()
			got := h.Handle(t.Context(), req{model: tt.model, props: good}.JSON())
			if got.HookStatus != tt.wantStatus || got.ErrorCode != tt.wantCode || !strings.Contains(got.Message, tt.wantMsg) || got.ClientRequestToken != "tok" {
				t.Errorf("got %+v", got)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("%d log lines, want one decision line:\n%s", n, logs.String())
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s: the handler's own deadline did not hold", took)
			}
		})
	}
}

func TestLambdaDeadlineShortensBudget(t *testing.T) {
	t.Parallel()
	h := newHandler(t, nil, handler.WithStore(blockingStore{}))
	ctx, cancel := context.WithTimeout(t.Context(), 1200*time.Millisecond)
	defer cancel()
	got := h.Handle(ctx, req{props: good}.JSON())
	if got.ErrorCode != wire.CodeInternalFailure {
		t.Fatalf("got %+v", got)
	}
	// The budget ends 500 ms before the Lambda's deadline; TestBudget pins it exactly, this checks
	// the answer really comes that early (less scheduling slack).
	if dl, _ := ctx.Deadline(); time.Until(dl) < 300*time.Millisecond || !strings.Contains(got.Message, "deadline") {
		t.Errorf("answered %s before the Lambda deadline (%q), want about 500 ms", time.Until(dl), got.Message)
	}
}

func TestDecisionLog(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newHandler(t, &logs)
	raw := req{props: `{"BucketName":"secret-bucket-value"}`, creds: `"{\"accessKeyId\":\"AKIDLOG\",\"secretAccessKey\":\"SECRETLOG\",\"sessionToken\":\"TOKENLOG\"}"`}.JSON()
	h.Handle(t.Context(), raw)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", len(lines), logs.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"clientRequestToken", "account", "stackId", "logicalResourceId", "target", "invocationPoint", "hookStatus", "violations", "templateKey", "templateETag", "cacheHit", "latencyMs", "protocol"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("log line lacks %q: %s", k, lines[0])
		}
	}
	for _, secret := range []string{"SECRETLOG", "TOKENLOG", "secret-bucket-value"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log line leaks %q: %s", secret, lines[0])
		}
	}
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    handler.Env
		wantErr string
	}{
		{name: "defaults fail closed", env: map[string]string{}, want: handler.Env{Config: handler.Config{Policy: verdict.Policy{OnViolation: verdict.Fail, OnMissingTemplate: verdict.Fail, OnEngineError: verdict.Fail, OnUnverifiable: verdict.Fail}}}},
		{name: "all set", env: map[string]string{
			handler.EnvBucket: "b", handler.EnvPrefix: "p", handler.EnvRegion: "eu-west-1", handler.EnvEndpoint: "http://x",
			handler.EnvOnViolation: "WARN", handler.EnvOnMissingTemplate: "fail", handler.EnvOnEngineError: "warn",
			handler.EnvCacheTTL: "5m", handler.EnvTimeout: "10s", handler.EnvVariables: `{"orgId":"o-1","n":3}`,
			handler.EnvOnUnverifiable: "Warn", handler.EnvPayloadHosts: " S3.Example.com:8443, ,other.example ",
			handler.EnvBucketOwner: "999988887777",
		}, want: handler.Env{Config: handler.Config{Bucket: "b", Prefix: "p", Region: "eu-west-1", Endpoint: "http://x", BucketOwner: "999988887777",
			Policy: verdict.Policy{OnViolation: verdict.Warn, OnMissingTemplate: verdict.Fail, OnEngineError: verdict.Warn, OnUnverifiable: verdict.Warn}},
			CacheTTL: 5 * time.Minute, CacheTTLSet: true, Timeout: 10 * time.Second, PayloadHosts: []string{"s3.example.com:8443", "other.example"}}},
		{name: "ttl 0 revalidates every time", env: map[string]string{handler.EnvCacheTTL: "0s"}, want: handler.Env{Config: handler.Config{Policy: verdict.Policy{OnViolation: verdict.Fail, OnMissingTemplate: verdict.Fail, OnEngineError: verdict.Fail, OnUnverifiable: verdict.Fail}},
			CacheTTL: 0, CacheTTLSet: true}},
		{name: "bucket owner not an account", env: map[string]string{handler.EnvBucketOwner: "admin"}, wantErr: "RCFGE_TEMPLATES_BUCKET_OWNER"},
		{name: "bucket owner too short", env: map[string]string{handler.EnvBucketOwner: "12345"}, wantErr: "12-digit"},
		{name: "bad unverifiable knob", env: map[string]string{handler.EnvOnUnverifiable: "SKIP"}, wantErr: "RCFGE_ON_UNVERIFIABLE"},
		{name: "payload host with a path", env: map[string]string{handler.EnvPayloadHosts: "https://x/y"}, wantErr: "RCFGE_PAYLOAD_HOSTS"},
		{name: "bad knob", env: map[string]string{handler.EnvOnEngineError: "IGNORE"}, wantErr: "RCFGE_ON_ENGINE_ERROR"},
		{name: "bad ttl", env: map[string]string{handler.EnvCacheTTL: "soon"}, wantErr: "RCFGE_CACHE_TTL"},
		{name: "timeout too long", env: map[string]string{handler.EnvTimeout: "40s"}, wantErr: "outside"},
		{name: "variables not json", env: map[string]string{handler.EnvVariables: "orgId=o"}, wantErr: "not JSON"},
		{name: "variables wrong shape", env: map[string]string{handler.EnvVariables: `{"a":{"b":1}}`}, wantErr: "list of strings"},
		{name: "variables list of numbers", env: map[string]string{handler.EnvVariables: `{"a":[1]}`}, wantErr: "a[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := handler.FromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, handler.ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Vars = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartupError(t *testing.T) {
	t.Parallel()
	_, err := handler.FromEnv(func(k string) string { return map[string]string{handler.EnvOnViolation: "SOMETIMES"}[k] })
	h := newHandler(t, nil, handler.WithStartupError(err))
	got := h.Handle(t.Context(), req{props: good}.JSON())
	if got.HookStatus != wire.StatusFailed || got.ErrorCode != wire.CodeInvalidTypeConfiguration || !strings.Contains(got.Message, "SOMETIMES") || got.ClientRequestToken != "tok" {
		t.Errorf("got %+v", got)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(discard{}, nil)) }

// TestS3Configuration covers the path that builds the S3 store from the request's configuration.
func TestS3Configuration(t *testing.T) {
	t.Parallel()
	awsErr := func(context.Context) (aws.Config, error) { return aws.Config{}, errors.New("no credentials anywhere") }
	tests := []struct {
		name     string
		opts     []handler.Option
		raw      []byte
		wantCode wire.ErrorCode
		wantMsg  string
	}{
		{"no bucket anywhere", nil, req{model: `{"LambdaFunction":"arn:aws:lambda:eu-west-1:111122223333:function:f"}`, props: good}.JSON(),
			wire.CodeInvalidTypeConfiguration, "no templates bucket"},
		{"bucket not a string", nil, req{model: `{"TemplatesBucket":["a"]}`, props: good}.JSON(), wire.CodeInvalidTypeConfiguration, "TemplatesBucket"},
		{"variables not an object", nil, req{model: `{"TemplatesBucket":"b","Variables":["a"]}`, props: good}.JSON(), wire.CodeInvalidTypeConfiguration, "Variables"},
		{"AWS configuration fails", []handler.Option{handler.WithAWSConfig(awsErr)}, req{props: good}.JSON(), wire.CodeInternalFailure, "no credentials anywhere"},
		{"S3 unreachable", []handler.Option{handler.WithEnv(handler.Env{Config: handler.Config{Endpoint: "http://127.0.0.1:1"}, Timeout: 5 * time.Second}),
			handler.WithAWSConfig(func(context.Context) (aws.Config, error) {
				return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), RetryMaxAttempts: 1}, nil
			})}, req{props: good}.JSON(), wire.CodeInternalFailure, "S3 unavailable"},
		{"payload host down", []handler.Option{handler.WithStore(dirstore.New(os.DirFS("testdata/templates"))), handler.WithPayloadHosts("127.0.0.1:1")},
			req{target: "STACK", payload: "https://127.0.0.1:1/p.json?X-Amz-Security-Token=SECRETTOKEN"}.JSON(), wire.CodeInternalFailure, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := handler.New(append([]handler.Option{handler.WithLogger(discardLogger())}, tt.opts...)...)
			got := h.Handle(t.Context(), tt.raw)
			if got.HookStatus != wire.StatusFailed || got.ErrorCode != tt.wantCode || !strings.Contains(got.Message, tt.wantMsg) {
				t.Errorf("got %s/%s %q, want FAILED/%s containing %q", got.HookStatus, got.ErrorCode, got.Message, tt.wantCode, tt.wantMsg)
			}
			if strings.Contains(got.Message, "127.0.0.1:1/p.json") {
				t.Errorf("message quotes the presigned URL: %q", got.Message)
			}
		})
	}
}

// TestLambdaEnvironmentCredentials: without caller credentials the function's own role, as
// Lambda puts it in the environment, signs the S3 requests.
func TestLambdaEnvironmentCredentials(t *testing.T) {
	var auth string
	s3 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("ETag", `"e1"`)
		w.Write([]byte(`{"type":"object"}`))
	}))
	defer s3.Close()
	t.Setenv("AWS_REGION", "eu-central-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "token")
	h := handler.New(handler.WithLogger(discardLogger()), handler.WithEnv(handler.Env{Config: handler.Config{Bucket: "b", Endpoint: s3.URL}}))
	lambdaReq := bytes.Replace(req{props: good}.JSON(), []byte(`"hookModel":{"TemplatesBucket":"b"}`), []byte(`"hookModel":{"LambdaFunction":"arn:f"}`), 1)
	got := h.Handle(t.Context(), lambdaReq)
	if got.HookStatus != wire.StatusSuccess {
		t.Fatalf("got %+v", got)
	}
	if !strings.Contains(auth, "Credential=AKIDFROMENV/") || !strings.Contains(auth, "/eu-central-1/s3/") {
		t.Errorf("Authorization = %q, want the environment's key and region", auth)
	}
}

// TestLimitAnswers: each request limit answers FAILED InvalidRequest naming the limit, with the token.
func TestLimitAnswers(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newHandler(t, &logs, handler.WithLimits(wire.Limits{MaxBytes: 2000, MaxValues: 30, MaxDepth: 8}))
	tests := []struct {
		props, want string
	}{
		{`{"BucketName":"` + strings.Repeat("x", 2000) + `"}`, "request size limit: more than 2000 bytes"},
		{`{"Tags":[` + strings.TrimSuffix(strings.Repeat(`"t",`, 40), ",") + `]}`, "property count limit: more than 30 properties and list items"},
		{strings.Repeat(`{"A":`, 8) + "1" + strings.Repeat("}", 8), "nesting depth limit: more than 8 levels"},
	}
	for _, tt := range tests {
		got := h.Handle(t.Context(), req{props: tt.props}.JSON())
		if got.HookStatus != wire.StatusFailed || got.ErrorCode != wire.CodeInvalidRequest || !strings.Contains(got.Message, tt.want) || got.ClientRequestToken != "tok" {
			t.Errorf("got %s/%s %q (token %q), want FAILED/InvalidRequest naming %q", got.HookStatus, got.ErrorCode, got.Message, got.ClientRequestToken, tt.want)
		}
	}
	if n := strings.Count(logs.String(), `"msg":"rcfge hook decision"`); n != len(tests) {
		t.Errorf("%d decision lines for %d requests", n, len(tests))
	}
}
