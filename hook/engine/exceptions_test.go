package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store/dirstore"
)

// replayCase is one row of hook/exception/testdata/replay/cases.json, shared with the handler's
// replay tests: the engine's part of the answer is checked here.
type replayCase struct {
	Name        string          `json:"name"`
	Account     string          `json:"account"`
	Stack       string          `json:"stack"`
	LogicalID   string          `json:"logicalId"`
	Type        string          `json:"type"`
	Properties  json.RawMessage `json:"properties"`
	Answer      string          `json:"answer"`
	Violations  []string        `json:"violations"`
	Excepted    []string        `json:"excepted"` // "path exception-id"
	Notes       []string        `json:"notes"`
	EngineError string          `json:"engineError"`
	Shadow      bool            `json:"shadow"`
}

const replayDir = "../exception/testdata/replay"

var fixedNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func TestExceptionsThroughDirstore(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(replayDir + "/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []replayCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	e := engine.New(dirstore.New(os.DirFS(replayDir+"/templates")), engine.WithClock(func() time.Time { return fixedNow }))
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			res, err := e.Evaluate(context.Background(), engine.Input{
				TypeName:   tc.Type,
				Properties: props(t, string(tc.Properties)),
				Context:    engine.Context{AccountID: tc.Account, Region: "eu-west-1", StackName: tc.Stack, LogicalResourceID: tc.LogicalID},
			})
			switch {
			case tc.EngineError != "":
				if engine.KindOf(err) != engine.KindExceptions || !strings.Contains(err.Error(), tc.EngineError) {
					t.Errorf("err %v, want a %q error", err, tc.EngineError)
				}
			case err != nil:
				t.Fatal(err)
			}
			var got []string
			for _, v := range res.Verdict.Violations {
				got = append(got, v.Path)
			}
			if !reflect.DeepEqual(got, tc.Violations) {
				t.Errorf("violations %q, want %q", got, tc.Violations)
			}
			var exc []string
			for _, x := range res.Verdict.Excepted {
				exc = append(exc, x.Violation.Path+" "+x.Exception)
				if x.Ticket == "" || x.Expires == "" {
					t.Errorf("excepted %+v without its ticket or expiry", x)
				}
			}
			if !reflect.DeepEqual(exc, tc.Excepted) {
				t.Errorf("excepted %q, want %q", exc, tc.Excepted)
			}
			if !reflect.DeepEqual(res.Notes, tc.Notes) {
				t.Errorf("notes %q, want %q", res.Notes, tc.Notes)
			}
			if res.Shadow != tc.Shadow {
				t.Errorf("shadow %v, want %v", res.Shadow, tc.Shadow)
			}
			// What the handler answers with its default knobs (all FAIL).
			answer := "SUCCESS"
			if err != nil || (!res.Verdict.Approved() && !res.Shadow) {
				answer = "FAILED"
			}
			if answer != tc.Answer {
				t.Errorf("answer %s, want %s", answer, tc.Answer)
			}
			if len(tc.Excepted) > 0 && !strings.HasPrefix(res.Exceptions, "exceptions.json@sha256:") {
				t.Errorf("exceptions file %q, want exceptions.json@sha256:...", res.Exceptions)
			}
		})
	}
}

// TestExceptionsNeedAFileStore: a store that holds no files means no exceptions, never an error.
func TestExceptionsNeedAFileStore(t *testing.T) {
	t.Parallel()
	m := newMemStore(map[string]string{"Test::Mem::Thing": closed})
	res, err := engine.New(m).Evaluate(context.Background(), engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"B":1}`)})
	if err != nil || paths(res.Verdict.Violations) != "/B" || res.Exceptions != "" {
		t.Errorf("%+v %v", res, err)
	}
}
