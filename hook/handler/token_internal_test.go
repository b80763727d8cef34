package handler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
)

// TestTokenOf: the token of a request that did not decode, read without decoding the rest.
func TestTokenOf(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"a":[`, 300) + strings.Repeat(`]}`, 300)
	tests := []struct {
		raw, want string
	}{
		{`{"clientRequestToken":"t1","requestData":{`, "t1"},
		{`{"requestData":` + deep + `,"ClientRequestToken":"t2"}`, "t2"},
		{`{"hookModel":{"clientRequestToken":"inner"},"clientRequestToken":"t3","x":}`, "t3"},
		{`{"a":1,"clientRequestToken":5}`, ""},
		{`{"a": nope, "clientRequestToken":"t4"}`, "t4"},
		{`[{"clientRequestToken":"t5"}]`, "t5"},
		{`{"clientRequestToken":"t\"6"`, `t"6`},
		{``, ""},
		{`{"a":[1,2],"b":"x"}`, ""},
	}
	for _, tt := range tests {
		if got := tokenOf([]byte(tt.raw)); got != tt.want {
			t.Errorf("tokenOf(%.60q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// TestMessages: what each message says, and that long lists are counted, not cut.
func TestMessages(t *testing.T) {
	t.Parallel()
	var ex []verdict.Excepted
	for i := range 200 {
		ex = append(ex, verdict.Excepted{Violation: verdict.Violation{Path: "/Tags/" + strings.Repeat("x", 20), Keyword: "maxItems"}, Exception: "EX-" + strings.Repeat("9", i%3+1)})
	}
	got := exceptedMessage(ex)
	if !strings.HasPrefix(got, "200 violations allowed by exceptions: EX-9 let /Tags/") || !strings.Contains(got, "more") || len(got) > messageBudget/2+40 {
		t.Errorf("exceptedMessage = %q (%d bytes)", got, len(got))
	}
	one := exceptedMessage(ex[:1])
	if one != "1 violation allowed by exception: EX-9 let /Tags/xxxxxxxxxxxxxxxxxxxx [maxItems] through" {
		t.Errorf("exceptedMessage(1) = %q", one)
	}
	if got := pathOf(verdict.Violation{}); got != "/" {
		t.Errorf("pathOf(root) = %q", got)
	}
	if got := dedupe([]string{"a", "b", "a", "c", "b"}); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("dedupe = %v", got)
	}
	if got := plural(1) + plural(0) + plural(2); got != "ss" {
		t.Errorf("plural = %q", got)
	}
	vs := []verdict.Violation{{Path: "/A", Keyword: "enum", Message: "m", Unverifiable: true}, {Path: "/B", Keyword: "pattern", Message: "n"}}
	if got := unverifiableCount(vs); got != 1 {
		t.Errorf("unverifiableCount = %d", got)
	}
	broken, hidden := splitViolations(vs)
	if len(broken) != 1 || broken[0].Path != "/B" || len(hidden) != 1 || hidden[0].Path != "/A" {
		t.Errorf("splitViolations = %v, %v", broken, hidden)
	}
	if keys := violationKeys(vs); strings.Join(keys, ",") != "/A [enum],/B [pattern]" {
		t.Errorf("violationKeys = %v", keys)
	}
	ann := annotations(outcome{typeName: "T", result: engineResult(vs)})
	if len(ann) != 2 || !strings.Contains(ann[0].RemediationMessage, "dynamic reference") || strings.Contains(ann[1].RemediationMessage, "dynamic reference") {
		t.Errorf("annotations = %+v", ann)
	}
}

func engineResult(vs []verdict.Violation) engine.Result {
	return engine.Result{TemplateKey: "T.json", Verdict: verdict.Verdict{Violations: vs}}
}

// TestDecisionLogFacts: shadow violations, exceptions, notes and every finding reach the log line,
// by path and keyword only.
func TestDecisionLogFacts(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := New(WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	v := verdict.Violation{Path: "/BucketName", Keyword: "pattern", Message: "value secret-value does not match"}
	r := &request{token: "t", out: outcome{typeName: "T", stackErrs: []error{errors.New("s3 down")}, missing: []missingType{{typeName: "X"}}, result: engine.Result{
		TemplateKey: "T.json", Shadow: true, Notes: []string{"exception EX-1 expired"},
		Verdict: verdict.Verdict{Violations: []verdict.Violation{v, {Path: "/E", Keyword: "enum", Unverifiable: true}}, Excepted: []verdict.Excepted{{Violation: v, Exception: "EX-2"}}},
	}}}
	r.cfg.Policy.OnEngineError = verdict.Warn
	resp := answer(r.cfg.Policy, r)
	h.log(t.Context(), r, resp, time.Millisecond)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"shadow": "true", "shadowViolations": "[/BucketName [pattern] /E [enum]]", "unverifiable": "1",
		"excepted": "[EX-2 /BucketName [pattern]]", "notes": "[exception EX-1 expired]",
		"findings": "[missing template=FAIL engine error=WARN]", "class": "missing template", "mode": "FAIL",
	}
	for k, w := range want {
		if got := fmt.Sprint(rec[k]); got != w {
			t.Errorf("%s = %s, want %s", k, got, w)
		}
	}
	if strings.Contains(buf.String(), "secret-value") {
		t.Errorf("the log carries a property value: %s", buf.String())
	}
}
