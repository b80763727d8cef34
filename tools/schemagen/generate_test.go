package schemagen_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/schemagen"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func widget(t *testing.T) schemagen.Provider {
	return schemagen.Provider{TypeName: "Test::Widget::Thing", Body: readFile(t, "testdata/provider/test-widget-thing.json")}
}

func TestGenerateGolden(t *testing.T) {
	tests := []struct {
		name    string
		overlay string
	}{
		{name: "base"},
		{name: "overlay", overlay: "testdata/overlays/Test-Widget-Thing.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := schemagen.Options{Snapshot: "2026-08-03"}
			if tt.overlay != "" {
				opts.Overlay = readFile(t, tt.overlay)
			}
			tpl, err := schemagen.Generate(widget(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, golden.Path(t), tpl.Body)
			doc, err := schema.Decode(tpl.Body)
			if err != nil {
				t.Fatal(err)
			}
			filled, err := placeholder.Fill(doc, sampleVars)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := schema.Compile(tt.name, filled); err != nil {
				t.Errorf("generated template does not compile: %v", err)
			}
		})
	}
}

// TestGenerateRules checks each rule on the fixture by what the engine then accepts or rejects.
func TestGenerateRules(t *testing.T) {
	tpl, err := schemagen.Generate(widget(t), schemagen.Options{Snapshot: "2026-08-03", Overlay: readFile(t, "testdata/overlays/Test-Widget-Thing.json")})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := schema.Decode(tpl.Body)
	filled, err := placeholder.Fill(doc, sampleVars)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Compile("widget", filled)
	if err != nil {
		t.Fatal(err)
	}
	base := `"Name": "abc", "Settings": {"Mode": "A"}`
	tests := []struct {
		name     string
		props    string
		wantPath string // "" means approved
	}{
		{name: "minimal", props: `{` + base + `}`},
		{name: "read-only property removed", props: `{` + base + `, "Arn": "x"}`, wantPath: "/Arn"},
		{name: "read-only nested through $ref removed", props: `{"Name": "abc", "Settings": {"Mode": "A", "Endpoint": "e"}}`, wantPath: "/Settings/Endpoint"},
		{name: "read-only under items removed", props: `{` + base + `, "Items": [{"ItemId": "i"}]}`, wantPath: "/Items/0/ItemId"},
		{name: "ref to removed read-only property inlined", props: `{` + base + `, "Id": "x"}`},
		{name: "definition closed though provider left it open", props: `{"Name": "abc", "Settings": {"Mode": "A", "New": 1}}`, wantPath: "/Settings/New"},
		{name: "nested inline object closed", props: `{"Name": "abc", "Settings": {"Mode": "A", "Nested": {"Deep": "aaa", "X": 1}}}`, wantPath: "/Settings/Nested/X"},
		{name: "nested repetition translated", props: `{"Name": "abc", "Settings": {"Mode": "A", "Nested": {"Deep": "aab"}}}`, wantPath: "/Settings/Nested/Deep"},
		{name: "dropped lookahead no longer enforced", props: `{"Name": "aws", "Settings": {"Mode": "A"}}`},
		{name: "translated \\u and {0,2048} and \\Z", props: `{` + base + `, "Description": "` + strings.Repeat("x", 2048) + `"}`},
		{name: "translated length bound kept", props: `{` + base + `, "Description": "` + strings.Repeat("x", 2049) + `"}`, wantPath: "/Description"},
		{name: "translated \\p{Graph}", props: `{` + base + `, "Items": [{"Value": "a b~"}]}`},
		{name: "translated \\p{Graph} rejects tab", props: `{` + base + `, "Items": [{"Value": "a\tb"}]}`, wantPath: "/Items/0/Value"},
		{name: "combinator branch names admitted by the parent", props: `{` + base + `, "Target": {"Topic": "t"}}`},
		{name: "parent gate closes combinator object", props: `{` + base + `, "Target": {"Queue": "q", "X": 1}}`, wantPath: "/Target/X"},
		{name: "alternative branches closed", props: `{` + base + `, "Shape": {"Square": 1, "Circle": 2}}`, wantPath: "/Shape"},
		{name: "not is left open so it keeps its meaning", props: `{` + base + `, "Guarded": {"Mode": "open", "Port": 1}}`, wantPath: "/Guarded"},
		{name: "not does not match a closed shape", props: `{` + base + `, "Guarded": {"Mode": "tls", "Port": 1}}`},
		{name: "then and dependencies apply to the parent's object", props: `{` + base + `, "Conditional": {"Kind": "s3", "Bucket": "b", "Region": "r"}}`},
		{name: "then still required", props: `{` + base + `, "Conditional": {"Kind": "s3"}}`, wantPath: "/Conditional"},
		{name: "conditional object still gated", props: `{` + base + `, "Conditional": {"Kind": "x", "Other": 1}}`, wantPath: "/Conditional/Other"},
		{name: "allOf branches form one object", props: `{` + base + `, "Both": {"A": "a", "B": 1}}`},
		{name: "allOf object gated on the union", props: `{` + base + `, "Both": {"B": 1, "C": 1}}`, wantPath: "/Both/C"},
		{name: "allOf branch constraints kept", props: `{` + base + `, "Both": {"A": "a"}}`, wantPath: "/Both"},
		{name: "dropped patternProperties key keeps the value schema", props: `{` + base + `, "Labels": {"aws:x": "v"}}`},
		{name: "kept patternProperties value schema", props: `{` + base + `, "Labels": {"k": [1]}}`, wantPath: "/Labels/k"},
		{name: "overlay removed property", props: `{` + base + `, "Policy": {}}`, wantPath: "/Policy"},
		{name: "overlay narrowed enum", props: `{"Name": "abc", "Settings": {"Mode": "B"}}`, wantPath: "/Settings/Mode"},
		{name: "overlay required", props: `{"Name": "abc"}`, wantPath: ""},
		{name: "overlay placeholder pattern", props: `{` + base + `, "Tags": [{"Key": "k", "Value": "arn:aws:sns:us-east-1:123456789012:t"}]}`},
		{name: "overlay placeholder pattern other account", props: `{` + base + `, "Tags": [{"Key": "k", "Value": "arn:aws:sns:us-east-1:999999999999:t"}]}`, wantPath: "/Tags/0/Value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := schema.Decode([]byte(tt.props))
			if err != nil {
				t.Fatal(err)
			}
			vs, err := s.Validate(context.Background(), v, schema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "overlay required" {
				if len(vs) == 0 {
					t.Fatalf("Settings is required by the overlay; instance approved")
				}
				return
			}
			switch {
			case tt.wantPath == "" && len(vs) > 0:
				t.Errorf("want approved, got %v", vs)
			case tt.wantPath != "" && !hasPath(vs, tt.wantPath):
				t.Errorf("want a violation at %s, got %v", tt.wantPath, vs)
			}
		})
	}
	ann := tpl.Annotation
	if len(ann.DroppedPatterns) != 3 {
		t.Errorf("dropped %d patterns, want 3 (lookahead, patternProperties lookahead, lookbehind): %+v", len(ann.DroppedPatterns), ann.DroppedPatterns)
	}
	if len(ann.TranslatedPatterns) != 3 {
		t.Errorf("translated %d patterns, want 3: %+v", len(ann.TranslatedPatterns), ann.TranslatedPatterns)
	}
	if got := strings.Join(ann.OpenObjects, ","); got != "" {
		t.Errorf("open objects %q, want none once the overlay removed /properties/Policy", got)
	}
	if ann.Overlay == nil || !strings.HasPrefix(ann.Overlay.Digest, "sha256:") {
		t.Errorf("overlay digest not recorded: %+v", ann.Overlay)
	}
	if x, _ := doc.(map[string]any)[schemagen.Extension].(map[string]any); x["onDelete"] != "deny" {
		t.Errorf("overlay's x-rcfge.onDelete lost: %v", x)
	}
}

func hasPath(vs []verdict.Violation, p string) bool {
	for _, v := range vs {
		if v.Path == p {
			return true
		}
	}
	return false
}

func TestGenerateErrors(t *testing.T) {
	good := readFile(t, "testdata/provider/test-widget-thing.json")
	tests := []struct {
		name     string
		provider schemagen.Provider
		opts     schemagen.Options
		wantErr  error
		wantMsg  string
	}{
		{name: "bad snapshot", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Snapshot: "Aug 3"}, wantMsg: "want YYYY-MM-DD"},
		{name: "impossible date", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Snapshot: "2026-02-30"}, wantMsg: "2026-02-30"},
		{name: "not JSON", provider: schemagen.Provider{Body: []byte("{")}, wantErr: schemagen.ErrInvalidProvider},
		{name: "trailing data", provider: schemagen.Provider{Body: []byte(`{"typeName":"A::B::C","properties":{}} {}`)}, wantErr: schemagen.ErrInvalidProvider},
		{name: "not an object", provider: schemagen.Provider{Body: []byte(`[]`)}, wantErr: schemagen.ErrInvalidProvider},
		{name: "no typeName", provider: schemagen.Provider{Body: []byte(`{"properties":{}}`)}, wantErr: schemagen.ErrInvalidProvider},
		{name: "typeName mismatch", provider: schemagen.Provider{TypeName: "A::B::D", Body: []byte(`{"typeName":"A::B::C","properties":{}}`)}, wantErr: schemagen.ErrInvalidProvider},
		{name: "no properties", provider: schemagen.Provider{Body: []byte(`{"typeName":"A::B::C"}`)}, wantErr: schemagen.ErrInvalidProvider},
		{name: "overlay not an array", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`{"op":"remove"}`)}, wantErr: schemagen.ErrInvalidOverlay},
		{name: "overlay path missing", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"remove","path":"/properties/Nope"}]`)}, wantErr: schemagen.ErrInvalidOverlay, wantMsg: "operation 0 (remove /properties/Nope)"},
		{name: "overlay test fails", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"test","path":"/typeName","value":"Other"}]`)}, wantErr: schemagen.ErrInvalidOverlay},
		{name: "overlay unknown op", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"merge","path":"/x"}]`)}, wantErr: schemagen.ErrInvalidOverlay, wantMsg: `unknown op "merge"`},
		{name: "overlay pattern not RE2", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"add","path":"/properties/Name/pattern","value":"^(?!aws:).*$"}]`)}, wantErr: schemagen.ErrInvalidOverlay, wantMsg: "/properties/Name/pattern is not RE2"},
		{name: "overlay patternProperties key not RE2", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"add","path":"/properties/Labels/patternProperties/(?=x)","value":{}}]`)}, wantErr: schemagen.ErrInvalidOverlay},
		{name: "overlay breaks x-rcfge", provider: schemagen.Provider{Body: good}, opts: schemagen.Options{Overlay: []byte(`[{"op":"replace","path":"/x-rcfge","value":"x"}]`)}, wantErr: schemagen.ErrInvalidOverlay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Snapshot == "" {
				tt.opts.Snapshot = "2026-08-03"
			}
			_, err := schemagen.Generate(tt.provider, tt.opts)
			if err == nil {
				t.Fatal("want an error, got none")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestMarshalCanonical(t *testing.T) {
	got, err := schemagen.Marshal(map[string]any{"b": "$<accountID> & <x>", "a": []any{1}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": [\n    1\n  ],\n  \"b\": \"$<accountID> & <x>\"\n}\n"
	if string(got) != want {
		t.Errorf("Marshal = %q, want %q", got, want)
	}
	if _, err := schemagen.Marshal(map[string]any{"f": func() {}}); err == nil {
		t.Error("want an error for an unencodable value")
	}
}
