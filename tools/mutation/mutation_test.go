package mutation

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

func parseFixture(t *testing.T) []Mutant {
	t.Helper()
	f, err := os.Open("testdata/gremlins.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ms, err := Parse(f, "hook/pkg", "testdata/pkg")
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestParse(t *testing.T) {
	ms := parseFixture(t)
	if len(ms) != 6 {
		t.Fatalf("%d mutants, want 6", len(ms))
	}
	if ms[1].Source != "if a && b {" || ms[1].Status != Lived || ms[1].Line != 4 || ms[1].File != "decide.go.txt" {
		t.Errorf("mutant 1 = %+v", ms[1])
	}
	if ms[5].Source != "" {
		t.Errorf("a line past the end of the file has source %q", ms[5].Source)
	}
	if _, err := Parse(strings.NewReader("{"), "p", "."); err == nil {
		t.Error("truncated JSON parsed")
	}
	if ms, err := Parse(strings.NewReader(""), "p", "."); err != nil || len(ms) != 0 {
		t.Errorf("empty output (every file excluded) = %v, %v; want none, nil", ms, err)
	}
}

func TestScoresAndEquivalents(t *testing.T) {
	ms := parseFixture(t)
	s := Scores(ms)
	if len(s) != 1 {
		t.Fatalf("%d packages", len(s))
	}
	got := s[0]
	if got.Killed != 1 || got.Lived != 2 || got.NotCovered != 1 || got.TimedOut != 1 || got.NotViable != 1 || got.Equivalent != 0 {
		t.Fatalf("score %+v", got)
	}
	// (1 killed + 1 timed out) / (2 + 2 lived) = 50%; 4 of 5 mutants covered.
	if e := got.Efficacy(); e != 50 {
		t.Errorf("efficacy %v, want 50", e)
	}
	if c := got.Coverage(); c != 80 {
		t.Errorf("coverage %v, want 80", c)
	}
	eq, err := ParseEquivalents(strings.NewReader("# reviewed\n\nhook/pkg\tdecide.go.txt\tCONDITIONALS_BOUNDARY\treturn len(\"x\") > 0\tlen of a constant is never 0\nhook/pkg\tgone.go\tINVERT_LOGICAL\tx && y\tremoved code\n"))
	if err != nil {
		t.Fatal(err)
	}
	stale := Apply(ms, eq)
	if len(stale) != 1 || stale[0].File != "gone.go" {
		t.Errorf("stale = %+v, want the gone.go entry", stale)
	}
	if ms[2].Equivalent == "" || ms[1].Equivalent != "" {
		t.Errorf("equivalent applied to the wrong mutant: %+v / %+v", ms[1], ms[2])
	}
	got = Scores(ms)[0]
	// 2 / (2 + 2 - 1 reviewed) = 66.7%.
	if got.Equivalent != 1 || got.Efficacy() < 66.6 || got.Efficacy() > 66.7 {
		t.Errorf("after review: %+v efficacy %v, want 1 equivalent and 66.7", got, got.Efficacy())
	}
	if err := Check(Scores(ms), map[string]float64{"hook/pkg": 66}); err != nil {
		t.Errorf("66.7%% against a 66%% target: %v", err)
	}
	err = Check(Scores(ms), map[string]float64{"hook/pkg": 67})
	if err == nil || !strings.Contains(err.Error(), "hook/pkg: mutation score 66.7% is below 67%") {
		t.Errorf("below target: %v", err)
	}
	if (Score{}).Efficacy() != 100 {
		t.Error("no mutants is not 100%")
	}
}

func TestParseEquivalentsErrors(t *testing.T) {
	for _, in := range []string{"a\tb\tc\td\n", "a\tb\tc\td\t\n", "a\tb\tc\td\te\tf\n"} {
		if _, err := ParseEquivalents(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseEquivalents(%q) = %v, want a line 1 error", in, err)
		}
	}
}

func TestMarkdown(t *testing.T) {
	ms := parseFixture(t)
	stale := Apply(ms, []Equivalent{
		{Package: "hook/pkg", File: "decide.go.txt", Type: "CONDITIONALS_BOUNDARY", Source: `return len("x") > 0`, Reason: "constant"},
		{Package: "hook/pkg", File: "old.go", Type: "INVERT_LOGICAL", Source: "a || b", Reason: "gone"},
	})
	var b bytes.Buffer
	if err := Markdown(&b, ms, map[string]float64{"hook/pkg": 85}, stale, "# T\n", Kept{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| hook/pkg | 1 | 2 | 1 | 1 | 1 | 1 | 66.7% | 80.0% | 85% |",
		"- `hook/pkg/decide.go.txt:4:5` CONDITIONALS_NEGATION (lived): `if a && b {`",
		"- `hook/pkg/decide.go.txt:7:18` CONDITIONALS_NEGATION (not covered): `return len(\"x\") > 0`",
		"- `hook/pkg/decide.go.txt:7` CONDITIONALS_BOUNDARY: `return len(\"x\") > 0` — constant",
		"## Stale reviews",
		"`hook/pkg/old.go` INVERT_LOGICAL: `a || b`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// A reviewed not-covered mutant (coverage cannot see constants) counts as reviewed too.
func TestReviewedNotCovered(t *testing.T) {
	ms := parseFixture(t)
	stale := Apply(ms, []Equivalent{{Package: "hook/pkg", File: "decide.go.txt", Type: "CONDITIONALS_NEGATION", Source: `return len("x") > 0`, Reason: "killed by hand: TestX"}})
	if len(stale) != 0 {
		t.Fatalf("stale %+v", stale)
	}
	s := Scores(ms)[0]
	// A reviewed not-covered mutant does not change the score: (1 + 1) / (2 + 2) = 50%.
	if s.Equivalent != 1 || s.Efficacy() != 50 {
		t.Errorf("score %+v efficacy %v, want 1 reviewed and 50", s, s.Efficacy())
	}
}

// A report read back keeps the packages a later run leaves alone, row and lines verbatim, and the
// rerun packages replace theirs.
func TestUpdateReport(t *testing.T) {
	ms := parseFixture(t)
	other := []Mutant{
		{Package: "hook/other", File: "a.go", Line: 9, Column: 2, Type: "INVERT_LOGICAL", Status: Lived, Source: "a || b"},
		{Package: "hook/other", File: "a.go", Line: 10, Column: 2, Type: "INVERT_LOGICAL", Status: Killed},
		{Package: "hook/other", File: "a.go", Line: 11, Column: 2, Type: "INVERT_LOGICAL", Status: Lived, Source: "c && d", Equivalent: "same"},
	}
	stale := Apply(ms, []Equivalent{{Package: "hook/pkg", File: "old.go", Type: "INVERT_LOGICAL", Source: "a || b", Reason: "gone"}})
	var first bytes.Buffer
	if err := Markdown(&first, append(slices.Clone(ms), other...), map[string]float64{"hook/pkg": 85, "hook/other": 90}, stale, "# T\n", Kept{}); err != nil {
		t.Fatal(err)
	}
	kept, err := ParseReport(strings.NewReader(first.String()))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing rerun: the report reads back as itself.
	var same bytes.Buffer
	if err := Markdown(&same, nil, nil, nil, "# T\n", kept); err != nil {
		t.Fatal(err)
	}
	if same.String() != first.String() {
		t.Errorf("round trip changed the report:\n%s\nwant\n%s", same.String(), first.String())
	}
	if err := kept.Check(map[string]float64{"hook/other": 90}); err == nil || !strings.Contains(err.Error(), "hook/other: mutation score 50.0% is below 90%") {
		t.Errorf("kept check: %v", err)
	}
	// hook/other rerun: every mutant killed now; hook/pkg stays as it was.
	kept.Drop([]string{"hook/other"})
	if got := kept.Packages(); !slices.Equal(got, []string{"hook/pkg"}) {
		t.Errorf("kept %v", got)
	}
	var updated bytes.Buffer
	rerun := []Mutant{{Package: "hook/other", File: "a.go", Line: 9, Column: 2, Type: "INVERT_LOGICAL", Status: Killed}}
	if err := Markdown(&updated, rerun, map[string]float64{"hook/other": 90}, nil, "# T\n", kept); err != nil {
		t.Fatal(err)
	}
	out := updated.String()
	for _, want := range []string{
		"| hook/other | 1 | 0 | 0 | 0 | 0 | 0 | 100.0% | 100.0% | 90% |",
		"| hook/pkg | 1 | 2 | 0 | 1 | 1 | 1 | 50.0% | 80.0% | 85% |",
		"- `hook/pkg/decide.go.txt:4:5` CONDITIONALS_NEGATION (lived): `if a && b {`",
		"`hook/pkg/old.go` INVERT_LOGICAL: `a || b`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("updated report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hook/other/a.go:9:2") || strings.Contains(out, "hook/other/a.go:11") {
		t.Errorf("the rerun package's old live mutant is still listed:\n%s", out)
	}
	if !(strings.Index(out, "| hook/other |") < strings.Index(out, "| hook/pkg |")) {
		t.Errorf("rows not in package order:\n%s", out)
	}
}

func TestParseReportErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"# nothing\n", "no package rows"},
		{"| hook/x | 1 | 2 |\n", "10 cells"},
		{"| hook/x | 1 | 0 | 0 | 0 | 0 | 0 | high | 100.0% | – |\n", "score of hook/x"},
		{"| hook/x | 1 | 0 | 0 | 0 | 0 | 0 | 100.0% | 100.0% | – |\n" + liveHeading + "\n\n- `nofile` X (lived): `y`\n", "names package/file"},
	} {
		if _, err := ParseReport(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseReport(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}
