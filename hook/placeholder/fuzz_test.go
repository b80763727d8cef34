package placeholder_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rcfge/rcfge/hook/placeholder"
)

// fuzzSeeds are the engine's test templates (placeholders in patterns, enums and $ref'd
// definitions, plus the malformed ones the engine tests reject) and the smallest shipped template.
// Large seeds are left out: they slow every execution and add no new placeholder shapes.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, glob := range []string{"../engine/testdata/templates/*.json", "../../schemas/AWS-Logs-LogGroup.json"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no seed templates found")
	}
	return append(seeds,
		[]byte(`{"pattern":"^$<evil>$","enum":["$<keys>"],"description":"$$<literal> $<accountID>"}`),
		[]byte(`{"patternProperties":{"^$<stackName>-.*$":{"type":"string"}},"enum":"$<keys>"}`),
		[]byte(`{"pattern":"$<","const":"$<1bad>","x":"$<unterminated"}`),
		[]byte(`{"description":"$$<accountID>","pattern":"^$$<x>$","$$<k>":["$$$<y>"]}`),
	)
}

func decodeDoc(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// FuzzNamesFill: on any JSON document, Names and Fill never panic and agree with each other. A
// malformed placeholder is a *SyntaxError from both; a well-formed document fills completely when
// every name it reports has a value, fails with *UnknownError when one is missing, and the
// input document is never modified.
func FuzzNamesFill(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, "eu-west-1")
	}
	f.Fuzz(func(t *testing.T, raw []byte, value string) {
		doc, ok := decodeDoc(raw)
		if !ok {
			return
		}
		before := encode(t, doc)
		names, err := placeholder.Names(doc)
		if err != nil {
			var se *placeholder.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Names: error of no documented kind: %T %v", err, err)
			}
			if _, ferr := placeholder.Fill(doc, nil); ferr == nil {
				t.Fatalf("Names rejects the document (%v) but Fill accepts it", err)
			}
			return
		}
		vars := make(placeholder.Vars, len(names))
		for _, n := range names {
			if !placeholder.ValidName(n) {
				t.Fatalf("Names reported invalid name %q", n)
			}
			vars[n] = placeholder.String(value)
		}
		filled, err := placeholder.Fill(doc, vars)
		if err != nil {
			t.Fatalf("Fill with a value for every reported name %v: %v", names, err)
		}
		if got := encode(t, doc); got != before {
			t.Fatalf("Fill modified its input:\nbefore %s\nafter  %s", before, got)
		}
		if len(names) == 0 {
			// Without placeholders, Fill only unescapes: every $$< becomes $<, nothing else changes.
			if got, want := encode(t, filled), encode(t, unescape(doc)); got != want {
				t.Fatalf("a document without placeholders changed beyond unescaping $$<:\ngot  %s\nwant %s", got, want)
			}
			return
		}
		delete(vars, names[0])
		_, err = placeholder.Fill(doc, vars)
		var ue *placeholder.UnknownError
		if !errors.As(err, &ue) || ue.Name != names[0] {
			t.Fatalf("Fill without $<%s>: got %v, want *UnknownError for it", names[0], err)
		}
	})
}

// unescape is the reference for Fill on a document without placeholders: "$$<" → "$<" in every
// string and object key. Left to right, non-overlapping, as the template syntax reads it.
func unescape(v any) any {
	switch t := v.(type) {
	case string:
		return strings.ReplaceAll(t, "$$<", "$<")
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			out[strings.ReplaceAll(k, "$$<", "$<")] = unescape(c)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = unescape(c)
		}
		return out
	}
	return v
}

// FuzzPatternValue: whatever a variable holds, substituted into a pattern it matches exactly
// itself, so a value can never widen or break the regex it is placed in.
func FuzzPatternValue(f *testing.F) {
	for _, v := range []string{"111122223333", "my.stack", `.*|(x)$`, `\Q\E`, "a]b[c", "$<x>", "", "é+ü"} {
		f.Add(v, false)
		f.Add(v, true)
	}
	f.Fuzz(func(t *testing.T, value string, asList bool) {
		if !utf8.ValidString(value) {
			// JSON strings are always valid UTF-8, and so is every value the engine receives.
			return
		}
		v := placeholder.String(value)
		if asList {
			v = placeholder.List(value, value+"-other")
		}
		doc := map[string]any{"pattern": "^$<v>$", "patternProperties": map[string]any{"^$<v>$": map[string]any{}}}
		filled, err := placeholder.Fill(doc, placeholder.Vars{"v": v})
		if err != nil {
			t.Fatalf("Fill: %v", err)
		}
		m := filled.(map[string]any)
		pattern, _ := m["pattern"].(string)
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Fatalf("filled pattern %q does not compile: %v", pattern, err)
		}
		if !re.MatchString(value) {
			t.Fatalf("pattern %q does not match its own value %q", pattern, value)
		}
		if re.MatchString(value + "x") {
			t.Fatalf("pattern %q matches more than its value %q", pattern, value)
		}
		for k := range m["patternProperties"].(map[string]any) {
			if k != pattern {
				t.Fatalf("patternProperties key %q differs from pattern %q", k, pattern)
			}
		}
	})
}
