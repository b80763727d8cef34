package replay

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// TestReplayStopsAtNotJSON: answers are printed as they come; a file that is not JSON stops the
// replay with an input error, and the JSON printed so far is still one valid array.
func TestReplayStopsAtNotJSON(t *testing.T) {
	t.Parallel()
	files := exampleFiles(t)
	for _, format := range []render.Format{render.JSON, render.Text} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := cli.Test()
			err := replayRun(t.Context(), &ReplayOptions{IO: ios, Getenv: noEnv, Templates: templates, Format: format,
				Payloads: []string{files[0], files[1], "replay.go", files[2]}})
			if !errors.Is(err, ErrNotJSON) || cli.ExitCode(err) != cli.ExitError {
				t.Fatalf("err = %v (exit %d), want ErrNotJSON, exit %d", err, cli.ExitCode(err), cli.ExitError)
			}
			if format == render.Text {
				if n := strings.Count(out.String(), "== "); n != 2 {
					t.Errorf("%d answers printed, want 2:\n%s", n, out)
				}
				return
			}
			var got []Replay
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("output is not one JSON array: %v\n%s", err, out)
			}
			if len(got) != 2 || got[0].Request != files[0] || got[1].Request != files[1] {
				t.Errorf("answers %+v, want the first two files'", got)
			}
		})
	}
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	resp := wire.Response{HookStatus: wire.StatusSuccess, Message: "a <b> & c", ClientRequestToken: "t"}
	tests := []struct {
		name    string
		format  render.Format
		answers []Replay
		want    string
	}{
		{"json, none", render.JSON, nil, "[]\n"},
		{"json, two", render.JSON, []Replay{{"a.json", resp}, {"b.json", resp}},
			"[\n  {\n    \"request\": \"a.json\",\n    \"response\": {\n      \"hookStatus\": \"SUCCESS\",\n      \"message\": \"a <b> & c\",\n      \"clientRequestToken\": \"t\",\n      \"callbackDelaySeconds\": 0\n    }\n  },\n" +
				"  {\n    \"request\": \"b.json\",\n    \"response\": {\n      \"hookStatus\": \"SUCCESS\",\n      \"message\": \"a <b> & c\",\n      \"clientRequestToken\": \"t\",\n      \"callbackDelaySeconds\": 0\n    }\n  }\n]\n"},
		{"text, one", render.Text, []Replay{{"a.json", resp}},
			"== a.json\n{\n  \"hookStatus\": \"SUCCESS\",\n  \"message\": \"a <b> & c\",\n  \"clientRequestToken\": \"t\",\n  \"callbackDelaySeconds\": 0\n}\n"},
		{"text, none", render.Text, nil, ""},
	}
	for _, tt := range tests {
		var b strings.Builder
		a := newAnswers(&b, tt.format)
		for _, x := range tt.answers {
			if err := a.add(x); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.close(); err != nil {
			t.Fatal(err)
		}
		if err := a.close(); err != nil {
			t.Errorf("%s: second close: %v", tt.name, err)
		}
		if b.String() != tt.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.name, b.String(), tt.want)
		}
		// The stream equals encoding the whole list at once, as the command did before.
		if tt.format == render.JSON {
			var whole strings.Builder
			list := tt.answers
			if list == nil {
				list = []Replay{}
			}
			if err := render.Write(&whole, render.JSON, list); err != nil {
				t.Fatal(err)
			}
			if whole.String() != b.String() {
				t.Errorf("%s: streamed output differs from render.Write:\n%s\nvs\n%s", tt.name, b.String(), whole.String())
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestAnswersWriteError(t *testing.T) {
	t.Parallel()
	a := newAnswers(failingWriter{}, render.JSON)
	if err := a.add(Replay{Request: "a.json"}); err != nil {
		t.Fatal(err) // buffered: the error shows on close
	}
	if err := a.close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("close: err = %v, want disk full", err)
	}
}

func TestReplayUnsupportedFormat(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := cli.Test()
	err := replayRun(t.Context(), &ReplayOptions{IO: ios, Getenv: noEnv, Templates: templates, Format: render.SARIF, Payloads: exampleFiles(t)})
	if err == nil || !strings.Contains(err.Error(), "not supported") || out.Len() != 0 {
		t.Errorf("err = %v, output %q", err, out)
	}
}
