package suggest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

var testCtx = Context{AccountID: "111122223333", Region: "eu-west-1", Partition: "aws"}

func loadTemplates(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range []string{"Test-Widget-Thing.json", "Test-Widget-Other.json"} {
		b, err := os.ReadFile(filepath.Join("testdata/templates", n))
		if err != nil {
			t.Fatal(err)
		}
		out[strings.ReplaceAll(strings.TrimSuffix(n, ".json"), "-", "::")] = b
	}
	return out
}

func loadInputs(t *testing.T) []*cfntemplate.Template {
	t.Helper()
	tpls, errs := Load([]string{"testdata/inputs/one.yaml"}, cfntemplate.Options{AccountID: testCtx.AccountID, Region: testCtx.Region})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return tpls
}

func thing(t *testing.T, r *Result) TypeSuggestion {
	t.Helper()
	for _, ts := range r.Types {
		if ts.Type == "Test::Widget::Thing" {
			return ts
		}
	}
	t.Fatalf("no suggestion for Test::Widget::Thing in %+v", r)
	return TypeSuggestion{}
}

func sortedPaths[T any](xs []T, path func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, path(x))
	}
	slices.Sort(out)
	return out
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		wantRemoved []string
		wantEnums   map[string][]any
		wantARNs    map[string]string
		wantKept    []string
	}{
		{
			name: "defaults",
			opts: Options{Context: testCtx},
			// Settings/Extra stays: Opaque, a GetAtt, reaches the same definition.
			wantRemoved: []string{"/Rules/*/Days", "/Unused"},
			wantEnums:   map[string][]any{"/Mode": {"A", "B"}},
			wantARNs: map[string]string{
				"/Topic": "^arn:$<partition>:sns:$<region>:$<accountID>:.+$",
				"/Role":  "^arn:$<partition>:iam::$<accountID>:.+$",
			},
		},
		{
			name: "min count 2 removes what one resource uses",
			opts: Options{Context: testCtx, MinCount: 2},
			// Role, Rules and Opaque are set by one resource only; Name is required and stays.
			wantRemoved: []string{"/Opaque", "/Role", "/Rules", "/Unused"},
			wantEnums:   map[string][]any{"/Mode": {"A", "B"}},
			wantARNs:    map[string]string{"/Topic": "^arn:$<partition>:sns:$<region>:$<accountID>:.+$"},
		},
		{
			name: "keep",
			opts: Options{Context: testCtx, Keep: map[string][]string{"Test::Widget::Thing": {"/Unused", "/Rules/*/Days", "/Mode"}}},
			wantARNs: map[string]string{
				"/Topic": "^arn:$<partition>:sns:$<region>:$<accountID>:.+$",
				"/Role":  "^arn:$<partition>:iam::$<accountID>:.+$",
			},
			wantKept: []string{"/Rules/*/Days", "/Unused"},
		},
		{
			name:        "no account: no ARN rules",
			opts:        Options{},
			wantRemoved: []string{"/Rules/*/Days", "/Unused"},
			wantEnums:   map[string][]any{"/Mode": {"A", "B"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Suggest(loadTemplates(t), Observations(loadInputs(t)), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			ts := thing(t, r)
			if got := sortedPaths(ts.Removed, func(x Removal) string { return x.Path }); !slices.Equal(got, tt.wantRemoved) {
				t.Errorf("removed %v, want %v", got, tt.wantRemoved)
			}
			enums := map[string][]any{}
			for _, e := range ts.Enums {
				enums[e.Path] = e.After
			}
			if len(enums) != len(tt.wantEnums) {
				t.Errorf("enums %v, want %v", enums, tt.wantEnums)
			}
			for p, want := range tt.wantEnums {
				if !slices.Equal(enums[p], want) {
					t.Errorf("enum %s = %v, want %v", p, enums[p], want)
				}
			}
			arns := map[string]string{}
			for _, a := range ts.ARNs {
				arns[a.Path] = a.Pattern
			}
			if len(arns) != len(tt.wantARNs) {
				t.Errorf("ARN rules %v, want %v", arns, tt.wantARNs)
			}
			for p, want := range tt.wantARNs {
				if arns[p] != want {
					t.Errorf("ARN rule %s = %q, want %q", p, arns[p], want)
				}
			}
			slices.Sort(ts.Kept)
			if !slices.Equal(ts.Kept, tt.wantKept) {
				t.Errorf("kept %v, want %v", ts.Kept, tt.wantKept)
			}
			if ts.Resources != 2 || ts.PathsAfter > ts.PathsBefore || (len(ts.Removed) > 0) != (ts.PathsAfter < ts.PathsBefore) {
				t.Errorf("resources %d, paths %d → %d", ts.Resources, ts.PathsBefore, ts.PathsAfter)
			}
			if !slices.Equal(r.NotApproved, []string{"Test::Unapproved::Thing"}) || !slices.Equal(r.NeverDeployed, []string{"Test::Widget::Other"}) {
				t.Errorf("not approved %v, never deployed %v", r.NotApproved, r.NeverDeployed)
			}
		})
	}
}

// Unknown values never narrow: the enum of a property set once from an import, the subtree of an
// object that is a GetAtt, and the ARN of a property with one unknown value.
func TestUnknownNeverNarrows(t *testing.T) {
	obs := []Observation{
		{Type: "Test::Widget::Thing", Properties: map[string]any{"Name": "a", "Mode": "A", "Settings": map[string]any{"Level": "low"}}},
		{Type: "Test::Widget::Thing", Properties: map[string]any{"Name": "b", "Mode": nil, "Settings": nil}, Unknown: []string{"/Mode", "/Settings"}},
	}
	r, err := Suggest(loadTemplates(t), obs, Options{Context: testCtx})
	if err != nil {
		t.Fatal(err)
	}
	ts := thing(t, r)
	if len(ts.Enums) != 0 {
		t.Errorf("narrowed from an unknown value: %+v", ts.Enums)
	}
	for _, x := range ts.Removed {
		if strings.HasPrefix(x.Path, "/Settings") {
			t.Errorf("removed %s below an unknown object", x.Path)
		}
	}
	// Opaque shares the Settings definition: unknown Settings keeps the definition whole, but
	// Opaque itself, never set, goes.
	if got := sortedPaths(ts.Removed, func(x Removal) string { return x.Path }); !slices.Contains(got, "/Opaque") {
		t.Errorf("removed %v, want /Opaque among them", got)
	}
}

func TestARNPattern(t *testing.T) {
	tests := []struct {
		name string
		seen []string
		want string
	}{
		{"own regional", []string{"arn:aws:sns:eu-west-1:111122223333:a", "arn:aws:sns:eu-west-1:111122223333:b"}, "^arn:$<partition>:sns:$<region>:$<accountID>:.+$"},
		{"own global", []string{"arn:aws:iam::111122223333:role/x"}, "^arn:$<partition>:iam::$<accountID>:.+$"},
		{"own, two services", []string{"arn:aws:sns:eu-west-1:111122223333:a", "arn:aws:sqs:eu-west-1:111122223333:b"}, "^arn:$<partition>:[a-z0-9-]+:$<region>:$<accountID>:.+$"},
		{"mixed accounts", []string{"arn:aws:sns:eu-west-1:111122223333:a", "arn:aws:sns:eu-west-1:999999999999:b"}, ""},
		{"other region", []string{"arn:aws:sns:us-east-1:111122223333:a"}, ""},
		{"other partition", []string{"arn:aws-cn:sns:eu-west-1:111122223333:a"}, ""},
		{"regional and global mixed", []string{"arn:aws:sns:eu-west-1:111122223333:a", "arn:aws:iam::111122223333:role/x"}, ""},
		{"not an ARN", []string{"arn:aws:sns:eu-west-1:111122223333:a", "plain"}, ""},
		{"AWS-owned (no account)", []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, ""},
		{"nothing seen", nil, ""},
	}
	for _, tt := range tests {
		seen := map[string]bool{}
		for _, s := range tt.seen {
			seen[s] = true
		}
		if got := arnPattern(seen, testCtx); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The proof: the suggestion breaks nothing deployed, and a narrowing that would is caught.
func TestProve(t *testing.T) {
	inputs := loadInputs(t)
	r, err := Suggest(loadTemplates(t), Observations(inputs), Options{Context: testCtx})
	if err != nil {
		t.Fatal(err)
	}
	before := os.DirFS("testdata/templates")
	after, err := Narrowed(before, r)
	if err != nil {
		t.Fatal(err)
	}
	ec := engine.Context{AccountID: testCtx.AccountID, Region: testCtx.Region, Partition: testCtx.Partition}
	regs, err := Prove(context.Background(), before, after, inputs, ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 0 {
		t.Errorf("regressions: %+v", regs)
	}
	// A narrowing that removes a used property must show up.
	for i := range r.Types {
		if r.Types[i].Type == "Test::Widget::Thing" {
			var doc map[string]any
			_ = json.Unmarshal(r.Types[i].Narrowed, &doc)
			delete(doc["properties"].(map[string]any), "Needed")
			r.Types[i].Narrowed, _ = json.Marshal(doc)
		}
	}
	bad, _ := Narrowed(before, r)
	regs, err = Prove(context.Background(), before, bad, inputs, ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 2 || !strings.Contains(regs[0].After, "/Needed") {
		t.Errorf("regressions %+v, want First and Second at /Needed", regs)
	}
}

func TestLoadBadInput(t *testing.T) {
	tpls, errs := Load([]string{"testdata/inputs", "testdata/missing.yaml"}, cfntemplate.Options{})
	if len(tpls) != 1 {
		t.Errorf("%d templates loaded, want the one good one", len(tpls))
	}
	if len(errs) != 2 || !strings.Contains(errs[0], "broken.yaml") || !strings.Contains(errs[1], "missing.yaml") {
		t.Errorf("errors %q, want one line for broken.yaml and one for missing.yaml", errs)
	}
}

func TestWriteAndOverlay(t *testing.T) {
	r, err := Suggest(loadTemplates(t), Observations(loadInputs(t)), Options{Context: testCtx, Keep: map[string][]string{"Test::Widget::Thing": {"/Unused"}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	existing := os.DirFS("testdata/overlays")
	files, err := Write(dir, existing, r, Options{Keep: map[string][]string{"Test::Widget::Thing": {"/Unused"}}}, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("wrote %v, want overlay and sidecar", files)
	}
	var ops []Op
	b, _ := os.ReadFile(filepath.Join(dir, "Test-Widget-Thing.json"))
	if err := json.Unmarshal(b, &ops); err != nil {
		t.Fatal(err)
	}
	if ops[0].Op != "test" || ops[0].Path != "/typeName" {
		t.Errorf("first op %+v, want the type test", ops[0])
	}
	var sc Sidecar
	b, _ = os.ReadFile(filepath.Join(dir, "Test-Widget-Thing.suggest.json"))
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.MinCount != 1 || !slices.Equal(sc.Keep, []string{"/Unused"}) || sc.Generated != "2026-12-04T00:00:00Z" {
		t.Errorf("sidecar %+v", sc)
	}
	if _, err := Overlay("T", []byte("{"), nil); err == nil {
		t.Error("a broken existing overlay was accepted")
	}
	merged, err := Overlay("T", []byte(`[{"op":"test","path":"/typeName","value":"T"},{"op":"remove","path":"/x"}]`), []Op{{Op: "remove", Path: "/y"}})
	if err != nil || strings.Count(string(merged), `"op"`) != 3 {
		t.Errorf("merged overlay %s, %v: want the 2 existing ops then 1 new", merged, err)
	}
}

func TestParseKeep(t *testing.T) {
	got, err := ParseKeep([]string{"AWS::S3::Bucket=/Tags", "AWS::S3::Bucket=/A"})
	if err != nil || !slices.Equal(got["AWS::S3::Bucket"], []string{"/A", "/Tags"}) {
		t.Errorf("ParseKeep = %v, %v", got, err)
	}
	for _, bad := range []string{"AWS::S3::Bucket", "=/Tags", "AWS::S3::Bucket=Tags"} {
		if _, err := ParseKeep([]string{bad}); err == nil {
			t.Errorf("ParseKeep(%q) accepted", bad)
		}
	}
}

func TestSuggestBadTemplate(t *testing.T) {
	_, err := Suggest(map[string][]byte{"A::B::C": []byte("[")}, []Observation{{Type: "A::B::C"}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "A::B::C") {
		t.Errorf("err = %v", err)
	}
}

func timeOf(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Conditions: a resource under a false condition contributes nothing; an undecidable Fn::If
// contributes both branches, and its resource still counts once.
func TestConditions(t *testing.T) {
	tpls, errs := Load([]string{"testdata/inputs-conditions.yaml"}, cfntemplate.Options{AccountID: testCtx.AccountID, Region: testCtx.Region})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	r, err := Suggest(loadTemplates(t), Observations(tpls), Options{Context: testCtx})
	if err != nil {
		t.Fatal(err)
	}
	ts := thing(t, r)
	if ts.Resources != 1 {
		t.Errorf("resources %d, want 1 (DevOnly is not created; Tiered counts once across its variants)", ts.Resources)
	}
	removed := sortedPaths(ts.Removed, func(x Removal) string { return x.Path })
	if !slices.Contains(removed, "/Unused") {
		t.Errorf("removed %v: /Unused is set only under a false condition and must go", removed)
	}
	if slices.Contains(removed, "/Rules") || slices.Contains(removed, "/Rules/*/Prefix") {
		t.Errorf("removed %v: /Rules is set in one branch of an undecidable Fn::If and must stay", removed)
	}
	if len(ts.Enums) != 1 || !slices.Equal(ts.Enums[0].After, []any{"A", "C"}) {
		t.Errorf("enums %+v, want /Mode narrowed to both branches' values [A C]", ts.Enums)
	}
}
