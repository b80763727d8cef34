package wire_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// request wraps resource properties (JSON text) in a CREATE request.
func request(props string) []byte {
	return []byte(`{"clientRequestToken":"t","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":` + props + `}}}`)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	small := wire.Limits{MaxBytes: 400, MaxValues: 20, MaxDepth: 8}
	members := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf(`"P%d":1`, i))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	items := func(n int) string { return `{"L":[` + strings.TrimSuffix(strings.Repeat("1,", n), ",") + `]}` }
	nest := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	tests := []struct {
		name      string
		in        []byte
		wantLimit string
	}{
		// The envelope has 6 members and 3 levels of objects around the properties.
		{"fits", request(members(14)), ""},
		{"too many members", request(members(16)), wire.LimitPropertyCount},
		{"list items count", request(items(13)), ""},
		{"too many list items", request(items(15)), wire.LimitPropertyCount},
		{"strings are not counted", request(`{"A":"` + strings.Repeat(`:,{[\"`, 40) + `"}`), ""},
		{"deep enough", request(nest(5)), ""},
		{"too deep", request(nest(6)), wire.LimitNestingDepth},
		{"too deep in lists", request(`{"a":[[[[[[1]]]]]]}`), wire.LimitNestingDepth},
		{"too large", request(`{"A":"` + strings.Repeat("x", 400) + `"}`), wire.LimitRequestSize},
		{"stringified properties are checked too", request(fmt.Sprintf("%q", nest(9))), wire.LimitNestingDepth},
		{"closing brackets only", []byte(`}}}]]]{}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := small.Decode(tt.in)
			var le *wire.LimitError
			if tt.wantLimit == "" {
				if errors.As(err, &le) {
					t.Fatalf("err = %v, want no limit error", err)
				}
				return
			}
			if !errors.As(err, &le) || !errors.Is(err, wire.ErrInvalidRequest) {
				t.Fatalf("err = %v, want a LimitError wrapped in ErrInvalidRequest", err)
			}
			if le.Limit != tt.wantLimit || !strings.Contains(err.Error(), tt.wantLimit+" limit") {
				t.Errorf("err = %v, want the %s limit named", err, tt.wantLimit)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	if got := (wire.Limits{MaxBytes: 6 << 20, MaxValues: 100_000, MaxDepth: 100}); wire.DefaultLimits != got {
		t.Errorf("DefaultLimits = %+v, want %+v (docs/hook.md states them)", wire.DefaultLimits, got)
	}
	_, err := wire.Decode(request(`{"A":"` + strings.Repeat("x", 6<<20) + `"}`))
	var le *wire.LimitError
	if !errors.As(err, &le) || le.Limit != wire.LimitRequestSize || le.Max != 6<<20 {
		t.Errorf("6 MB + envelope: err = %v", err)
	}
}

// TestValidRequests: what must still decode after the request checks.
func TestValidRequests(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"empty properties":      string(request(`{}`)),
		"null properties":       string(request(`null`)),
		"delete without model":  `{"actionInvocationPoint":"DELETE_PRE_PROVISION","requestData":{"targetName":"A::B::C"}}`,
		"stack without model":   `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"stack","payload":"https://x"}}`,
		"case-insensitive keys": `{"ActionInvocationPoint":"CREATE_PRE_PROVISION","RequestData":{"TargetName":"A::B::C","TargetModel":{"ResourceProperties":{"A":1}}}}`,
		"stringified model":     `{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":"{\"resourceProperties\":{\"A\":1}}"}}`,
	} {
		if _, err := wire.Decode([]byte(in)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	r, err := wire.Decode([]byte(`{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":"{\"resourceProperties\":{\"A\":1.50}}"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.RequestData.TargetModel.ResourceProperties["A"]; got != json.Number("1.50") {
		t.Errorf("A = %#v, want json.Number(\"1.50\")", got)
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       wire.Response
		wantAnn  int
		wantMore string
	}{
		{"few", wire.Response{Annotations: many(3, "x")}, 3, ""},
		{"exactly the limit", wire.Response{Annotations: many(wire.MaxAnnotations, "x")}, wire.MaxAnnotations, ""},
		{"one over", wire.Response{Annotations: many(wire.MaxAnnotations+1, "x")}, wire.MaxAnnotations + 1, "and 1 more finding,"},
		{"20,000", wire.Response{Annotations: many(20_000, "x")}, wire.MaxAnnotations + 1, "and 19900 more findings"},
		// Every byte a control character: six bytes each once escaped.
		{"escaping", wire.Response{Message: strings.Repeat("\x01", 10_000), Annotations: many(500, strings.Repeat("\x01", 2000))}, 0, "more findings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.in
			r.ClientRequestToken = strings.Repeat("t", 5000)
			r.Fit()
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) >= wire.MaxResponseBytes || len(r.Message) >= wire.MaxMessage || len(r.ClientRequestToken) > wire.MaxToken {
				t.Errorf("answer %d bytes, message %d, token %d: over a bound", len(b), len(r.Message), len(r.ClientRequestToken))
			}
			if tt.wantAnn > 0 && len(r.Annotations) != tt.wantAnn {
				t.Errorf("%d annotations, want %d", len(r.Annotations), tt.wantAnn)
			}
			last := r.Annotations[len(r.Annotations)-1]
			if tt.wantMore == "" {
				if last.AnnotationName == "rcfge:more" {
					t.Errorf("summary annotation without anything dropped")
				}
				return
			}
			if last.AnnotationName != "rcfge:more" || !strings.Contains(last.StatusMessage, tt.wantMore) || last.Status != wire.AnnotationFailed || last.SeverityLevel != wire.SeverityHigh {
				t.Errorf("last annotation = %+v, want a FAILED HIGH summary with %q", last, tt.wantMore)
			}
			for _, a := range r.Annotations {
				if len(a.AnnotationName) > 256 || len(a.StatusMessage) > 1024 || len(a.RemediationMessage) > 1024 {
					t.Errorf("annotation field over its limit: %d/%d/%d", len(a.AnnotationName), len(a.StatusMessage), len(a.RemediationMessage))
				}
			}
		})
	}
}

func TestLimitsEdges(t *testing.T) {
	t.Parallel()
	base := request(`{"A":"\"{{{{{{{{{{:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,:,"}`)
	exact := wire.Limits{MaxBytes: len(base), MaxValues: 7, MaxDepth: 4}
	if _, err := exact.Decode(base); err != nil {
		t.Errorf("at every limit exactly (escaped quote inside a string): %v", err)
	}
	over := exact
	over.MaxBytes--
	var le *wire.LimitError
	if _, err := over.Decode(base); !errors.As(err, &le) || le.Limit != wire.LimitRequestSize || le.Got != len(base) || le.Max != len(base)-1 {
		t.Errorf("one byte over: %v", err)
	}
	over = exact
	over.MaxValues--
	if _, err := over.Decode(base); !errors.As(err, &le) || le.Limit != wire.LimitPropertyCount || le.Got != 7 {
		t.Errorf("one value over: %v", err)
	}
	over = exact
	over.MaxDepth--
	if _, err := over.Decode(base); !errors.As(err, &le) || le.Limit != wire.LimitNestingDepth || le.Got != 4 {
		t.Errorf("one level over: %v", err)
	}
}

func TestCredentialsEdges(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{"AKID": "Credentials{****}", "AKIDX": "Credentials{AKID****}", "": "Credentials{****}"} {
		if got := (wire.Credentials{AccessKeyID: key, SecretAccessKey: "s"}).String(); got != want {
			t.Errorf("String() for key %q = %q, want %q", key, got, want)
		}
	}
	decode := func(creds, extra string) (*wire.Request, error) {
		return wire.Decode([]byte(`{"actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"A::B::C","targetModel":{"resourceProperties":{}},"callerCredentials":` + creds + extra + `}}`))
	}
	tests := []struct {
		name, creds, extra, wantErr string
		encrypted                   bool
	}{
		{"trailing data after the object", `"{\"accessKeyId\":\"AK\",\"secretAccessKey\":\"SK\"} x"`, "", "not a JSON object", false},
		{"key ARN without role is not encryption", `"AYADblob"`, `,"hookEncryptionKeyArn":"arn:k"`, "not a JSON object", false},
		{"role without key ARN is not encryption", `"AYADblob"`, `,"hookEncryptionKeyRole":"arn:r"`, "not a JSON object", false},
		{"both: encrypted", `"AYADblob"`, `,"hookEncryptionKeyArn":"arn:k","hookEncryptionKeyRole":"arn:r"`, "encrypted", true},
		{"secret not a string", `{"accessKeyId":"AK","secretAccessKey":5}`, "", "secretAccessKey is a number", false},
	}
	for _, tt := range tests {
		r, err := decode(tt.creds, tt.extra)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		_, ok, err := r.CallerCredentials()
		if ok || err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, wire.ErrEncryptedCredentials) != tt.encrypted {
			t.Errorf("%s: ok=%v err=%v, want %q (encrypted %v)", tt.name, ok, err, tt.wantErr, tt.encrypted)
		}
	}
}

// TestDirectUnmarshalers: the types' own UnmarshalJSON, for callers that decode them with
// encoding/json (a recorded request, a payload).
func TestDirectUnmarshalers(t *testing.T) {
	t.Parallel()
	tt := wire.TemplateText("old")
	if err := tt.UnmarshalJSON([]byte("null")); err != nil || tt != "" {
		t.Errorf("TemplateText null = %q %v", tt, err)
	}
	for in, want := range map[string]bool{`"{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\"}"`: true, `{"accessKeyId":"A","secretAccessKey":"S"}`: true, `null`: false, `""`: false} {
		var s wire.Secret
		if err := json.Unmarshal([]byte(in), &s); err != nil || s.Present() != want {
			t.Errorf("Secret %s: present=%v err=%v, want present=%v", in, s.Present(), err, want)
		}
		if c, err := s.Credentials(false); want && (err != nil || c.AccessKeyID != "A") {
			t.Errorf("Secret %s: credentials %v %v", in, c, err)
		}
	}
	for _, in := range []string{`5`, `[1]`, `{`} {
		var s wire.Secret
		if err := s.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("Secret %s: no error", in)
		}
	}
}

// TestFitCountsOmitted: findings the engine did not keep are counted in the summary annotation,
// with or without annotations Fit drops itself.
func TestFitCountsOmitted(t *testing.T) {
	tests := []struct {
		name      string
		have      int
		omitted   int
		wantCount int
		wantText  string
	}{
		{"none omitted, under the limit", 3, 0, 3, ""},
		{"omitted only", 3, 7, 4, "and 7 more findings"},
		{"omitted and over the limit", wire.MaxAnnotations + 5, 10, wire.MaxAnnotations + 1, "and 15 more findings"},
		{"negative ignored", 2, -4, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wire.Response{Annotations: many(tt.have, "x")}
			r.CountOmitted(tt.omitted)
			r.Fit()
			if len(r.Annotations) != tt.wantCount {
				t.Fatalf("%d annotations, want %d", len(r.Annotations), tt.wantCount)
			}
			last := r.Annotations[len(r.Annotations)-1]
			if tt.wantText == "" {
				if last.AnnotationName == "rcfge:more" {
					t.Errorf("unexpected summary %q", last.StatusMessage)
				}
				return
			}
			if last.AnnotationName != "rcfge:more" || !strings.Contains(last.StatusMessage, tt.wantText) || last.Status != wire.AnnotationFailed {
				t.Errorf("summary %+v, want a FAILED one with %q", last, tt.wantText)
			}
		})
	}
}

// many returns n failed annotations carrying text.
func many(n int, text string) []wire.Annotation {
	out := make([]wire.Annotation, n)
	for i := range out {
		out[i] = wire.Annotation{AnnotationName: fmt.Sprintf("a%d", i) + text, Status: wire.AnnotationFailed, StatusMessage: text, RemediationMessage: text, SeverityLevel: wire.SeverityHigh}
	}
	return out
}
