package wire_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/wire"
)

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, f := range files {
		if filepath.Base(filepath.Dir(f)) == "payloads" {
			continue
		}
		n++
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := wire.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			proto := filepath.Base(filepath.Dir(f))
			name := filepath.Base(f)
			if want := wire.Protocol(proto); r.Protocol() != want {
				t.Errorf("Protocol() = %q, want %q", r.Protocol(), want)
			}
			if !strings.HasPrefix(r.ClientRequestToken, "tok-"+proto+"-") {
				t.Errorf("ClientRequestToken = %q (case-insensitive key not matched?)", r.ClientRequestToken)
			}
			if r.AWSAccountID != "111122223333" || !strings.HasPrefix(r.StackID, "arn:aws:cloudformation:") {
				t.Errorf("account/stack = %q/%q", r.AWSAccountID, r.StackID)
			}
			if r.RequestContext.Invocation != 1 {
				t.Errorf("invocation = %d", r.RequestContext.Invocation)
			}
			wantPoint := map[string]wire.InvocationPoint{"create": wire.CreatePreProvision, "update": wire.UpdatePreProvision, "delete": wire.DeletePreProvision}
			point := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(name, ".json"), "stack-"), "changeset-"), "-", 2)[0]
			if r.ActionInvocationPoint != wantPoint[point] {
				t.Errorf("ActionInvocationPoint = %q, want %q", r.ActionInvocationPoint, wantPoint[point])
			}
			switch {
			case strings.HasPrefix(name, "stack-"), strings.HasPrefix(name, "changeset-"):
				if !r.IsStackLevel() || r.RequestData.Payload == "" {
					t.Errorf("stack-level target %q with payload %q", r.Target(), r.RequestData.Payload)
				}
			default:
				if r.IsStackLevel() || r.Target() != "AWS::S3::Bucket" {
					t.Errorf("Target() = %q", r.Target())
				}
				props := r.RequestData.TargetModel.ResourceProperties
				if point != "delete" && props["BucketName"] != "app-logs-111122223333" {
					t.Errorf("resourceProperties = %v", props)
				}
				if point == "update" && r.RequestData.TargetModel.PreviousResourceProperties == nil {
					t.Error("previousResourceProperties missing on update")
				}
				if strings.Contains(name, "typed") && point == "create" {
					rules := props["LifecycleConfiguration"].(map[string]any)["Rules"].([]any)
					if _, ok := rules[0].(map[string]any)["ExpirationInDays"].(json.Number); !ok {
						t.Errorf("numbers are not json.Number: %T", rules[0].(map[string]any)["ExpirationInDays"])
					}
				}
			}
			if proto == "registered" {
				bucket, ok, err := r.HookModel.String("templatesbucket")
				if err != nil || !ok || bucket != "rcfge-templates-111122223333" {
					t.Errorf("hookModel TemplatesBucket = %q %v %v", bucket, ok, err)
				}
				c, ok, err := r.CallerCredentials()
				if err != nil || !ok || c.AccessKeyID != "ASIAEXAMPLEKEY0001" || c.SessionToken == "" {
					t.Errorf("CallerCredentials = %v %v %v", c, ok, err)
				}
			} else if _, ok, err := r.CallerCredentials(); ok || err != nil {
				t.Errorf("Lambda hook: CallerCredentials ok=%v err=%v", ok, err)
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d fixtures found", n)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantMsg string
	}{
		{"empty", "  ", "empty body"},
		{"not json", "{", "unexpected EOF"},
		{"array", "[]", "the request is an array, want a JSON object"},
		{"no target model", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"}}`, "requestData.targetModel is missing or null"},
		{"null target model", `{"actionInvocationPoint":"UPDATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":null}}`, "requestData.targetModel is missing or null"},
		{"empty string target model", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":""}}`, "requestData.targetModel is missing or null"},
		{"misspelt properties", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourcePropertes":{"A":1}}}}`, "resourceProperties is missing"},
		{"update without properties", `{"actionInvocationPoint":"UPDATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"previousResourceProperties":{}}}}`, "resourceProperties is missing"},
		{"long token", `{"clientRequestToken":"` + strings.Repeat("t", wire.MaxToken+1) + `","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":{}}}}`, "longer than 1024 bytes"},
		{"target name object", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":{}}}`, "requestData.targetName: want a string, got an object"},
		// CloudFormation sends its parsed model, in which a name appears once; a repeated name could
		// show one reader a property another does not see, so it is refused wherever it is.
		{"duplicate envelope member", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetName":"STACK"}}`, `duplicate object member "targetName"`},
		{"duplicate property", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":{"A":1,"B":{"C":1,"C":2}}}}}`, `duplicate object member "C"`},
		{"duplicate in stringified properties", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":"{\"A\":1,\"A\":2}"}}}`, `targetModel.resourceProperties: duplicate object member "A"`},
		{"trailing", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"}} {}`, "trailing data"},
		{"no point", `{"requestData":{"targetName":"A::B::C"}}`, "actionInvocationPoint is missing"},
		{"bad point", `{"actionInvocationPoint":"POST_PROVISION","requestData":{"targetName":"A::B::C"}}`, `"POST_PROVISION"`},
		{"no target", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{}}`, "targetName is missing"},
		{"hookModel array", `{"hookModel":[1],"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"}}`, "want a JSON object, got an array"},
		{"hookModel bad string", `{"hookModel":"{nope","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"}}`, "invalid character"},
		{"properties scalar", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":7}}}`, "targetModel.resourceProperties: want a JSON object, got a number"},
		{"properties string not object", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":"[1]"}}}`, "targetModel.resourceProperties: want a JSON object, got a string"},
		{"properties string broken", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":"{"}}}`, "targetModel.resourceProperties: unexpected EOF"},
		{"invocation text", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"},"requestContext":{"invocation":"x"}}`, "not an integer"},
		{"invocation trailing text", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C"},"requestContext":{"invocation":"1abc"}}`, "not an integer"},
		{"credentials number", `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","callerCredentials":5}}`, "want a string or an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := wire.Decode([]byte(tt.in))
			if !errors.Is(err, wire.ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	t.Parallel()
	in := `{"CLIENTREQUESTTOKEN":"t","actionInvocationPoint":" create_pre_provision ","hookModel":"",
	 "requestData":{"targetName":"stack","targetModel":"{\"resourceProperties\":{\"A\":\"1\"}}","callerCredentials":null},
	 "requestContext":{"invocation":null},"invocationId":"x","encryptedFas":"y"}`
	r, err := wire.Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientRequestToken != "t" || r.ActionInvocationPoint != wire.CreatePreProvision || r.Target() != wire.TargetStack {
		t.Errorf("got %+v", r)
	}
	if r.HookModel != nil || r.RequestData.CallerCredentials.Present() || r.Protocol() != wire.ProtocolLambda {
		t.Errorf("empty hookModel/credentials not treated as absent: %+v", r)
	}
}

func TestCallerCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		creds   string
		keys    string
		want    wire.Credentials
		wantOK  bool
		wantErr error
		errMsg  string
	}{
		{name: "absent"},
		{name: "string", creds: `"{\"accessKeyId\":\"AK\",\"secretAccessKey\":\"SK\",\"sessionToken\":\"ST\"}"`, want: wire.Credentials{AccessKeyID: "AK", SecretAccessKey: "SK", SessionToken: "ST"}, wantOK: true},
		{name: "object", creds: `{"AccessKeyId":"AK","SecretAccessKey":"SK"}`, want: wire.Credentials{AccessKeyID: "AK", SecretAccessKey: "SK"}, wantOK: true},
		{name: "encrypted", creds: `"AYADeJzEXAMPLEblob=="`, keys: `,"hookEncryptionKeyArn":"arn:aws:kms:us-east-1:1:key/k","hookEncryptionKeyRole":"arn:aws:iam::1:role/r"`, wantErr: wire.ErrEncryptedCredentials},
		{name: "garbage", creds: `"not json SECRETVALUE"`, errMsg: "not a JSON object"},
		{name: "no key", creds: `"{\"secretAccessKey\":\"SK\"}"`, errMsg: "accessKeyId is missing"},
		{name: "no secret", creds: `"{\"accessKeyId\":\"AK\"}"`, errMsg: "secretAccessKey is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := ""
			if tt.creds != "" {
				c = `,"callerCredentials":` + tt.creds
			}
			r, err := wire.Decode([]byte(`{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":{}}` + c + tt.keys + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := r.CallerCredentials()
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.errMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.errMsg)):
				t.Fatalf("err = %v, want %q", err, tt.errMsg)
			case tt.wantErr == nil && tt.errMsg == "" && err != nil:
				t.Fatalf("err = %v", err)
			}
			if err != nil && strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("error leaks the credential text: %v", err)
			}
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/registered/create-typed.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := wire.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := r.CallerCredentials()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{string(enc), c.String(), r.RequestData.CallerCredentials.String()} {
		if strings.Contains(s, "wJalrXUtnFEMI") || strings.Contains(s, "IQoJb3JpZ2lu") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func TestObjectString(t *testing.T) {
	t.Parallel()
	o := wire.Object{"A": "x", "n": json.Number("3"), "b": true, "nil": nil, "list": []any{}}
	tests := []struct {
		key     string
		want    string
		wantOK  bool
		wantErr bool
	}{
		{"a", "x", true, false},
		{"N", "3", true, false},
		{"b", "true", true, false},
		{"nil", "", false, false},
		{"missing", "", false, false},
		{"list", "", false, true},
	}
	for _, tt := range tests {
		got, ok, err := o.String(tt.key)
		if got != tt.want || ok != tt.wantOK || (err != nil) != tt.wantErr {
			t.Errorf("String(%q) = %q %v %v", tt.key, got, ok, err)
		}
	}
}

func TestDecodePayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		in          string
		wantTmpl    string
		wantChanged int
		wantErr     bool
	}{
		{name: "stack", in: `{"template":"Resources: {}","previousTemplate":null}`, wantTmpl: "Resources: {}"},
		{name: "inline object", in: `{"Template":{"Resources":{}}}`, wantTmpl: `{"Resources":{}}`},
		{name: "change set", in: `{"template":"{}","changedResources":[{"action":"CREATE","afterContext":"{\"Properties\":{\"A\":\"1\"}}","resourceType":"AWS::S3::Bucket"}]}`, wantTmpl: "{}", wantChanged: 1},
		{name: "java names", in: `{"ChangedResources":[{"Action":"UPDATE","ResourceType":"AWS::S3::Bucket","ResourceProperties":{"A":1}}]}`, wantChanged: 1},
		{name: "template number", in: `{"template":5}`, wantErr: true},
		{name: "not json", in: `<Error>AccessDenied</Error>`, wantErr: true},
		{name: "context array", in: `{"changedResources":[{"afterContext":"[1]"}]}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := wire.DecodePayload([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if string(p.Template) != tt.wantTmpl || len(p.ChangedResources) != tt.wantChanged {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestResponseJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   wire.Response
		want string
	}{
		{"success", wire.Response{HookStatus: wire.StatusSuccess, ClientRequestToken: "t"}, `{"hookStatus":"SUCCESS","clientRequestToken":"t","callbackDelaySeconds":0}`},
		{"failed", wire.Response{HookStatus: wire.StatusFailed, ErrorCode: wire.CodeNonCompliant, Message: "m", ClientRequestToken: "t",
			Annotations: []wire.Annotation{{AnnotationName: "n", Status: wire.AnnotationFailed}}},
			`{"hookStatus":"FAILED","errorCode":"NonCompliant","message":"m","clientRequestToken":"t","callbackDelaySeconds":0,"annotations":[{"annotationName":"n","status":"FAILED"}]}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 8, "abcde…"},
		{"ééééé", 6, "éé…"[:2] + "…"},
		{"abc", 1, "…"},
	}
	for _, tt := range tests {
		got := wire.Truncate(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) || (len(tt.in) > tt.n && len(got) > max(tt.n, len("…"))) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
