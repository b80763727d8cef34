package handler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/wire"
)

// replayCase is one row of hook/exception/testdata/replay/cases.json, shared with the engine's
// tests: a request's context and properties, and the answer the hook must give.
type replayCase struct {
	Name        string          `json:"name"`
	Account     string          `json:"account"`
	Stack       string          `json:"stack"`
	LogicalID   string          `json:"logicalId"`
	Type        string          `json:"type"`
	Properties  json.RawMessage `json:"properties"`
	Answer      wire.Status     `json:"answer"`
	Violations  []string        `json:"violations"`
	Excepted    []string        `json:"excepted"`
	Notes       []string        `json:"notes"`
	EngineError string          `json:"engineError"`
	Shadow      bool            `json:"shadow"`
}

// TestExceptionsReplay runs the governed-exception and shadow-mode cases through the handler, as
// `rcfge hook replay` and the Lambda do, in both protocols: in scope, out of scope (account, stack,
// logical ID), expired (ignored, and the decision log says so), a malformed file (fails closed),
// and a template in shadow mode (SUCCESS with the would-be violations in message and log).
func TestExceptionsReplay(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../exception/testdata/replay/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []replayCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 12 {
		t.Fatalf("%d cases, want the 12 of the fixture", len(cases))
	}
	for _, c := range cases {
		for _, protocol := range []string{"lambda", "registered"} {
			t.Run(protocol+"/"+c.Name, func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				h := newHandler(t, &logs, handler.WithStore(dirstore.New(os.DirFS("../exception/testdata/replay/templates"))))
				got := h.Handle(t.Context(), replayRequest(protocol, c))
				if got.HookStatus != c.Answer {
					t.Fatalf("answer %s %s %q, want %s", got.HookStatus, got.ErrorCode, got.Message, c.Answer)
				}
				for _, v := range c.Violations {
					if !strings.Contains(got.Message, v) {
						t.Errorf("message lacks the violation at %s: %q", v, got.Message)
					}
				}
				for _, e := range c.Excepted {
					path, id, _ := strings.Cut(e, " ")
					if !strings.Contains(got.Message, id+" let "+path) || !strings.Contains(logs.String(), id) {
						t.Errorf("message or log does not say %s let %s through: %q", id, path, got.Message)
					}
				}
				for _, n := range c.Notes {
					if !strings.Contains(logs.String(), n) {
						t.Errorf("decision log lacks the note %q:\n%s", n, logs.String())
					}
				}
				if c.EngineError != "" && !strings.Contains(got.Message, c.EngineError) {
					t.Errorf("message lacks %q: %q", c.EngineError, got.Message)
				}
				if c.Shadow && (!strings.Contains(got.Message, "shadow mode") || !strings.Contains(logs.String(), "shadow")) {
					t.Errorf("shadow mode not said in message and log: %q", got.Message)
				}
			})
		}
	}
}

func replayRequest(protocol string, c replayCase) []byte {
	stackID := fmt.Sprintf("arn:aws:cloudformation:eu-west-1:%s:stack/%s/uuid", c.Account, c.Stack)
	if protocol == "lambda" {
		return []byte(fmt.Sprintf(`{"clientRequestToken":"tok","awsAccountId":%q,"stackId":%q,"hookTypeName":"Private::Rcfge::Enforcer",
		 "actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":%q,"targetType":"RESOURCE","targetLogicalId":%q,
		 "targetModel":{"resourceProperties":%s}}}`, c.Account, stackID, c.Type, c.LogicalID, c.Properties))
	}
	return []byte(fmt.Sprintf(`{"clientRequestToken":"tok","awsAccountId":%q,"stackId":%q,"hookTypeName":"Rcfge::Config::Enforcer",
	 "hookModel":{"TemplatesBucket":"b"},"actionInvocationPoint":"CREATE_PRE_PROVISION",
	 "requestData":{"targetName":%q,"targetType":"RESOURCE","targetLogicalId":%q,"targetModel":{"resourceProperties":%s}}}`,
		c.Account, stackID, c.Type, c.LogicalID, c.Properties))
}
