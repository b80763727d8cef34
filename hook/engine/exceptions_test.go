package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/store"
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

// fileStore is a memStore that also serves exceptions.json (or fails to).
type fileStore struct {
	*memStore
	body string
	err  error
}

func (f fileStore) GetFile(_ context.Context, name, _ string) (store.Template, error) {
	if f.err != nil {
		return store.Template{}, f.err
	}
	return store.Template{Key: name, Version: "v1", Body: []byte(f.body)}, nil
}

func TestExceptionsFileFailures(t *testing.T) {
	t.Parallel()
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"B":1}`), Context: engine.Context{AccountID: "111122223333"}}
	allowB := `{"version":1,"exceptions":[{"id":"EX-1","type":"Test::Mem::Thing","scope":{"accounts":["111122223333"]},"allow":["/B"],"expires":"2099-01-01","ticket":"T","owner":"o","reason":"r"}]}`
	tests := []struct {
		name     string
		fs       fileStore
		wantKind engine.Kind
		wantMsg  string
		wantViol string
	}{
		{"excepted", fileStore{body: allowB}, 0, "", ""},
		{"not found is no exceptions", fileStore{err: fmt.Errorf("x: %w", store.ErrNotFound)}, 0, "", "/B"},
		{"unreadable fails closed", fileStore{err: errors.New("access denied")}, engine.KindExceptions, "invalid exceptions file: file exceptions.json: access denied", "/B"},
		{"deadline while reading", fileStore{err: context.DeadlineExceeded}, engine.KindDeadline, "deadline", "/B"},
		{"malformed fails closed", fileStore{body: `{"version":1,"exceptions":[{}]}`}, engine.KindExceptions, "invalid exceptions file: file exceptions.json: exception #0: id", "/B"},
		{"empty file fails closed", fileStore{body: ``}, engine.KindExceptions, "not a valid exceptions file", "/B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fs.memStore = newMemStore(map[string]string{"Test::Mem::Thing": closed})
			res, err := engine.New(tt.fs, engine.WithClock(func() time.Time { return fixedNow })).Evaluate(context.Background(), in)
			if engine.KindOf(err) != tt.wantKind || (tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg)) {
				t.Fatalf("err %v, want kind %v saying %q", err, tt.wantKind, tt.wantMsg)
			}
			if got := paths(res.Verdict.Violations); got != tt.wantViol {
				t.Errorf("violations %q, want %q", got, tt.wantViol)
			}
		})
	}
}

// TestTooManyViolationsIgnoreExceptions: when the validator stopped counting, violations it never
// reported may be uncovered, so no exception applies.
func TestTooManyViolationsIgnoreExceptions(t *testing.T) {
	t.Parallel()
	allowAll := `{"version":1,"exceptions":[{"id":"EX-1","type":"Test::Mem::Thing","scope":{"accounts":["111122223333"]},"allow":[`
	for i := range 30 {
		if i > 0 {
			allowAll += ","
		}
		allowAll += fmt.Sprintf(`"/P%05d"`, i)
	}
	allowAll += `],"expires":"2099-01-01","ticket":"T","owner":"o","reason":"r"}]}`
	fs := fileStore{memStore: newMemStore(map[string]string{"Test::Mem::Thing": closed}), body: allowAll}
	in := engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, manyProps(30)), Context: engine.Context{AccountID: "111122223333"}}
	res, err := engine.New(fs, engine.WithClock(func() time.Time { return fixedNow })).Evaluate(context.Background(), in)
	if err != nil || !res.Verdict.Approved() || len(res.Verdict.Excepted) != 30 {
		t.Fatalf("within the count: %v, %d excepted, %v", res.Verdict.Violations, len(res.Verdict.Excepted), err)
	}
	res, err = engine.New(fs, engine.WithMaxViolations(1), engine.WithClock(func() time.Time { return fixedNow })).Evaluate(context.Background(), engine.Input{
		TypeName: "Test::Mem::Thing", Properties: props(t, manyProps(10_002)), Context: engine.Context{AccountID: "111122223333"}})
	if err != nil || res.Verdict.Approved() || len(res.Verdict.Excepted) != 0 || !res.OmittedAtLeast || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "exceptions were not applied") {
		t.Errorf("beyond the count: %d violations, %d excepted, notes %q, %v", len(res.Verdict.Violations), len(res.Verdict.Excepted), res.Notes, err)
	}
}

// TestExceptionsWithoutAViolationLimit: with no maximum the count is never capped, so exceptions
// apply and no note claims otherwise.
func TestExceptionsWithoutAViolationLimit(t *testing.T) {
	t.Parallel()
	allowB := `{"version":1,"exceptions":[{"id":"EX-1","type":"Test::Mem::Thing","scope":{"accounts":["111122223333"]},"allow":["/B"],"expires":"2099-01-01","ticket":"T","owner":"o","reason":"r"}]}`
	fs := fileStore{memStore: newMemStore(map[string]string{"Test::Mem::Thing": closed}), body: allowB}
	res, err := engine.New(fs, engine.WithMaxViolations(0), engine.WithClock(func() time.Time { return fixedNow })).Evaluate(context.Background(),
		engine.Input{TypeName: "Test::Mem::Thing", Properties: props(t, `{"B":1}`), Context: engine.Context{AccountID: "111122223333"}})
	if err != nil || !res.Verdict.Approved() || len(res.Verdict.Excepted) != 1 || res.Notes != nil || res.OmittedAtLeast {
		t.Errorf("%+v %v", res, err)
	}
}
