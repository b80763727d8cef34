package wire_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// TestTokenLength: a token of exactly MaxToken bytes is echoed, one more is refused.
func TestTokenLength(t *testing.T) {
	t.Parallel()
	for n, wantErr := range map[int]bool{wire.MaxToken: false, wire.MaxToken + 1: true} {
		in := `{"clientRequestToken":"` + strings.Repeat("t", n) + `","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":{}}}}`
		r, err := wire.Decode([]byte(in))
		if (err != nil) != wantErr || (err == nil && len(r.ClientRequestToken) != n) {
			t.Errorf("token of %d bytes: err = %v, want error %v", n, err, wantErr)
		}
	}
}

// TestProtocolMatrix: the Lambda hook is told apart by its model and the absence of credentials.
func TestProtocolMatrix(t *testing.T) {
	t.Parallel()
	const creds = `,"callerCredentials":"{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\"}"`
	tests := []struct {
		name, model, creds string
		want               wire.Protocol
	}{
		{"lambda model, no credentials", `{"LambdaFunction":"arn:f"}`, "", wire.ProtocolLambda},
		{"lambda model with credentials", `{"LambdaFunction":"arn:f"}`, creds, wire.ProtocolRegistered},
		{"no model, no credentials", `null`, "", wire.ProtocolLambda},
		{"no model with credentials", `null`, creds, wire.ProtocolRegistered},
		{"configuration, no credentials", `{"TemplatesBucket":"b"}`, "", wire.ProtocolRegistered},
		{"configuration with credentials", `{"TemplatesBucket":"b"}`, creds, wire.ProtocolRegistered},
	}
	for _, tt := range tests {
		r, err := wire.Decode([]byte(`{"hookModel":` + tt.model + `,"actionInvocationPoint":"DELETE_PRE_PROVISION","requestData":{"targetName":"A::B::C"` + tt.creds + `}}`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := r.Protocol(); got != tt.want {
			t.Errorf("%s: Protocol() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestEnvelopeKeys: an exact name wins over one that differs in case; a name found only in
// another case is read; an absent one is empty.
func TestEnvelopeKeys(t *testing.T) {
	t.Parallel()
	r, err := wire.Decode([]byte(`{"ACTIONINVOCATIONPOINT":"create_pre_provision","Region":"eu-west-1","requestData":{"TARGETNAME":"STACK","targetName":"A::B::C","TargetLogicalID":"L","targetModel":{"RESOURCEPROPERTIES":{"A":1}}},"RequestContext":{"INVOCATION":"2"}}`))
	if err != nil {
		t.Fatal(err)
	}
	d := r.RequestData
	if d.TargetName != "A::B::C" || d.TargetLogicalID != "L" || r.Region != "eu-west-1" || r.ActionInvocationPoint != wire.CreatePreProvision ||
		r.RequestContext.Invocation != 2 || d.TargetModel.ResourceProperties["A"] != json.Number("1") || d.Payload != "" || r.StackID != "" {
		t.Errorf("got %+v", r)
	}
}

// TestEnvelopePrecedence: an envelope member named exactly beats one named in another case
// wherever each comes in the text, and of two named in another case the first is read; the member
// that loses is still checked. The envelope objects are read member by member, so these rules are
// the decoder's own, not a map's.
func TestEnvelopePrecedence(t *testing.T) {
	t.Parallel()
	const (
		point = `"actionInvocationPoint":"CREATE_PRE_PROVISION",`
		a     = `{"targetName":"A::A::A","targetModel":{"resourceProperties":{"P":"a"}}}`
		b     = `{"targetName":"B::B::B","targetModel":{"resourceProperties":{"P":"b"}}}`
	)
	tests := []struct {
		name, in       string
		target, p      string
		wantErr        string
		wantInvocation int
	}{
		{name: "exact after folded", in: `{` + point + `"RequestData":` + a + `,"requestData":` + b + `}`, target: "B::B::B", p: "b"},
		{name: "folded after exact", in: `{` + point + `"requestData":` + b + `,"REQUESTDATA":` + a + `}`, target: "B::B::B", p: "b"},
		{name: "first of two folded", in: `{` + point + `"RequestData":` + a + `,"REQUESTDATA":` + b + `}`, target: "A::A::A", p: "a"},
		{name: "exact as a string after folded", in: `{` + point + `"RequestData":` + a + `,"requestData":` + jsonString(b) + `}`, target: "B::B::B", p: "b"},
		{name: "folded as a string after exact", in: `{` + point + `"requestData":` + b + `,"Requestdata":` + jsonString(a) + `}`, target: "B::B::B", p: "b"},
		{name: "exact null after folded", in: `{` + point + `"RequestData":` + a + `,"requestData":null}`, wantErr: "requestData.targetName is missing"},
		{name: "nested exact after folded", in: `{` + point + `"requestData":{"targetName":"C::C::C","TargetModel":{"resourceProperties":{"P":"a"}},"targetModel":{"resourceProperties":{"P":"b"}}}}`, target: "C::C::C", p: "b"},
		{name: "folded object then exact scalar", in: `{` + point + `"requestData":` + b + `,"RequestContext":{"invocation":3},"requestContext":7}`, wantErr: "requestContext: want a JSON object, got a number"},
		{name: "context folded", in: `{` + point + `"requestData":` + b + `,"RequestContext":{"Invocation":3}}`, target: "B::B::B", p: "b", wantInvocation: 3},
		{name: "loser still checked", in: `{` + point + `"requestData":` + b + `,"REQUESTDATA":{"a":1,"a":2}}`, wantErr: `duplicate object member "a"`},
		{name: "unread member still checked", in: `{` + point + `"requestData":` + b + `,"other":{"x":[1,{"y":1,"y":1}]}}`, wantErr: `duplicate object member "y"`},
		{name: "exact repeated", in: `{` + point + `"requestData":` + b + `,"requestData":` + a + `}`, wantErr: `duplicate object member "requestData"`},
		{name: "folded names in a stringified envelope", in: `{` + point + `"requestData":` + jsonString(`{"TargetName":"B::B::B","TARGETMODEL":{"resourceProperties":{"P":"b"}}}`) + `}`, target: "B::B::B", p: "b"},
		{name: "not an object, trailing data", in: `[1] x`, wantErr: "trailing data"},
		{name: "not an object, broken", in: `[1,`, wantErr: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := wire.Decode([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.RequestData.TargetName; got != tt.target {
				t.Errorf("target = %q, want %q", got, tt.target)
			}
			if got := r.RequestData.TargetModel.ResourceProperties["P"]; got != tt.p {
				t.Errorf("P = %v, want %q", got, tt.p)
			}
			if r.RequestContext.Invocation != tt.wantInvocation {
				t.Errorf("invocation = %d, want %d", r.RequestContext.Invocation, tt.wantInvocation)
			}
			// No case here sends these: a name absent stays empty, whatever the others hold.
			if d := r.RequestData; d.Payload != "" || d.TargetType != "" || d.TargetLogicalID != "" || r.StackID != "" {
				t.Errorf("fields not sent were read: %+v", r)
			}
		})
	}
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestObjectUnmarshalJSON: Object's own decoding, for callers that use encoding/json.
func TestObjectUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    wire.Object
		wantErr string
	}{
		{`{"A":1}`, wire.Object{"A": json.Number("1")}, ""},
		{` "{\"A\":\"x\"}" `, wire.Object{"A": "x"}, ""},
		{`null`, nil, ""},
		{`"null"`, nil, ""},
		{`"  "`, nil, ""},
		{`"[1]"`, nil, "want a JSON object, got an array"},
		{`"x"`, nil, "want a JSON object, got a scalar"},
		{`[1]`, nil, "want a JSON object, got an array"},
		{`true`, nil, "want a JSON object, got a boolean"},
		{`"\"s\""`, nil, "want a JSON object, got a string"},
		{` `, nil, "want a JSON object, got nothing"},
		{`"{\"A\":1,\"A\":2}"`, nil, "duplicate object member"},
		{`{"A":`, nil, "unexpected EOF"},
		{`"{`, nil, "unexpected EOF"},
	}
	for _, tt := range tests {
		o := wire.Object{"old": true}
		err := o.UnmarshalJSON([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(o) != len(tt.want) || (tt.want == nil) != (o == nil) {
			t.Errorf("%s: %v %v, want %v", tt.in, o, err, tt.want)
		}
		for k, v := range tt.want {
			if o[k] != v {
				t.Errorf("%s: %s = %v, want %v", tt.in, k, o[k], v)
			}
		}
	}
}

// TestCredentialsRepeated: the same text parses to the same result however often it is sent,
// and the kept result never answers for another text or the other encryption setting.
func TestCredentialsRepeated(t *testing.T) {
	decode := func(creds, extra string) wire.Secret {
		r, err := wire.Decode([]byte(`{"actionInvocationPoint":"DELETE_PRE_PROVISION","requestData":{"targetName":"A::B::C","callerCredentials":` + creds + extra + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return r.RequestData.CallerCredentials
	}
	a := decode(`"{\"accessKeyId\":\"A1\",\"secretAccessKey\":\"S1\"}"`, "")
	b := decode(`"{\"accessKeyId\":\"B2\",\"secretAccessKey\":\"S2\",\"sessionToken\":\"T2\"}"`, "")
	blob := decode(`"AYADblob"`, "")
	for range 2 {
		for _, tt := range []struct {
			s         wire.Secret
			encrypted bool
			want      wire.Credentials
			wantErr   string
		}{
			{a, false, wire.Credentials{AccessKeyID: "A1", SecretAccessKey: "S1"}, ""},
			{a, false, wire.Credentials{AccessKeyID: "A1", SecretAccessKey: "S1"}, ""},
			{b, false, wire.Credentials{AccessKeyID: "B2", SecretAccessKey: "S2", SessionToken: "T2"}, ""},
			{a, true, wire.Credentials{AccessKeyID: "A1", SecretAccessKey: "S1"}, ""},
			{blob, true, wire.Credentials{}, "encrypted"},
			{blob, false, wire.Credentials{}, "not a JSON object"},
			{blob, true, wire.Credentials{}, "encrypted"},
		} {
			c, err := tt.s.Credentials(tt.encrypted)
			if c != tt.want || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Credentials(%v) = %v %v, want %v %q", tt.encrypted, c, err, tt.want, tt.wantErr)
			}
			if errors.Is(err, wire.ErrEncryptedCredentials) != (tt.wantErr == "encrypted") {
				t.Errorf("Credentials(%v): %v", tt.encrypted, err)
			}
		}
	}
}

func TestObjectStringFalse(t *testing.T) {
	t.Parallel()
	if s, ok, err := (wire.Object{"b": false}).String("B"); s != "false" || !ok || err != nil {
		t.Errorf("String(false) = %q %v %v", s, ok, err)
	}
}

// TestStringifiedLimits: an object sent as a JSON string gets the limits again, with this
// package's LimitError, exactly at its boundary.
func TestStringifiedLimits(t *testing.T) {
	t.Parallel()
	lim := wire.Limits{MaxBytes: 1000, MaxValues: 8, MaxDepth: 4}
	req := func(props string) []byte {
		b, _ := json.Marshal(props)
		return []byte(`{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":` + string(b) + `}}}`)
	}
	if _, err := lim.Decode(req(`{"a":{"b":{"c":{"d":1}}}}`)); err != nil {
		t.Errorf("4 levels in the string: %v", err)
	}
	_, err := lim.Decode(req(`{"a":{"b":{"c":{"d":{}}}}}`))
	var le *wire.LimitError
	if !errors.As(err, &le) || le.Limit != wire.LimitNestingDepth || le.Got != 5 || le.Max != 4 || !strings.Contains(err.Error(), "the request exceeds the nesting depth limit: more than 4 levels") {
		t.Errorf("5 levels in the string: %v", err)
	}
	if _, err := lim.Decode(req(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8}`)); err != nil {
		t.Errorf("8 members in the string: %v", err)
	}
	_, err = lim.Decode(req(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`))
	if !errors.As(err, &le) || le.Limit != wire.LimitPropertyCount || le.Got != 9 {
		t.Errorf("9 members in the string: %v", err)
	}
}

// TestTemplateText: a template arrives as a string, null, or an inline object kept as its text.
func TestTemplateText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, wantErr string }{
		{` null `, "", ""},
		{`"Resources: {}"`, "Resources: {}", ""},
		{` {"Resources":{}} `, `{"Resources":{}}`, ""},
		{`"\u0041"`, "A", ""},
		{`"\x"`, "", "invalid character"},
		{`[1]`, "", "template: want a string or an object, got an array"},
		{`5`, "", "template: want a string or an object, got a scalar"},
	}
	for _, tt := range tests {
		tx := wire.TemplateText("old")
		err := tx.UnmarshalJSON([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || string(tx) != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.in, tx, err, tt.want)
		}
	}
}
