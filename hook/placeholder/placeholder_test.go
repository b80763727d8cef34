package placeholder_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func encode(t testing.TB, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

var vars = placeholder.Vars{
	"accountID": placeholder.String("111122223333"),
	"region":    placeholder.String("eu-west-1"),
	"partition": placeholder.String("aws"),
	"stackName": placeholder.String("my.stack"),
	"keys":      placeholder.List("arn:aws:kms:eu-west-1:111122223333:key/a", "k+b"),
	"evil":      placeholder.String(`.*|(x)$`),
}

func TestFill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"no placeholder is untouched", `{"type":"string","pattern":"^a$"}`, `{"pattern":"^a$","type":"string"}`},
		{"built-ins inside a description", `{"description":"$<accountID> in $<region>"}`, `{"description":"111122223333 in eu-west-1"}`},
		{"pattern values are regex-quoted", `{"pattern":"^arn:$<partition>:sns:$<region>:$<accountID>:$<stackName>$"}`, `{"pattern":"^arn:aws:sns:eu-west-1:111122223333:my\\.stack$"}`},
		{"a hostile value cannot change the regex", `{"pattern":"^$<evil>$"}`, `{"pattern":"^\\.\\*\\|\\(x\\)\\$$"}`},
		{"patternProperties keys are regex-quoted", `{"patternProperties":{"^$<stackName>-.*$":{"type":"string"}}}`, `{"patternProperties":{"^my\\.stack-.*$":{"type":"string"}}}`},
		{"ordinary keys are plain", `{"properties":{"$<stackName>":{"type":"string"}}}`, `{"properties":{"my.stack":{"type":"string"}}}`},
		{"a lone list placeholder becomes an array", `{"enum":"$<keys>"}`, `{"enum":["arn:aws:kms:eu-west-1:111122223333:key/a","k+b"]}`},
		{"a lone string placeholder in enum becomes a one-item array", `{"enum":"$<accountID>"}`, `{"enum":["111122223333"]}`},
		{"a list placeholder in an array is spliced", `{"enum":["none","$<keys>"]}`, `{"enum":["none","arn:aws:kms:eu-west-1:111122223333:key/a","k+b"]}`},
		{"a list in a regex is an alternation of quoted items", `{"pattern":"^($<keys>)$"}`, `{"pattern":"^((?:arn:aws:kms:eu-west-1:111122223333:key/a|k\\+b))$"}`},
		{"enum data is not regex-quoted", `{"enum":["$<stackName>"]}`, `{"enum":["my.stack"]}`},
		{"a property named pattern is a schema, not a regex", `{"properties":{"pattern":{"default":"$<stackName>"}}}`, `{"properties":{"pattern":{"default":"my.stack"}}}`},
		{"default data holding a pattern key is data", `{"default":{"pattern":"$<stackName>"}}`, `{"default":{"pattern":"my.stack"}}`},
		{"$$< writes a literal $<", `{"description":"cost $$<accountID> $<accountID>"}`, `{"description":"cost $<accountID> 111122223333"}`},
		{"a lone $ is literal", `{"description":"$5 and $ and $x"}`, `{"description":"$5 and $ and $x"}`},
		{"a whole-pattern list is an anchored alternation", `{"pattern":"$<keys>"}`, `{"pattern":"^(?:arn:aws:kms:eu-west-1:111122223333:key/a|k\\+b)$"}`},
		{"a whole-pattern string is anchored", `{"pattern":"$<stackName>"}`, `{"pattern":"^my\\.stack$"}`},
		{"a whole patternProperties key is anchored", `{"patternProperties":{"$<keys>":{}}}`, `{"patternProperties":{"^(?:arn:aws:kms:eu-west-1:111122223333:key/a|k\\+b)$":{}}}`},
		{"items after a spliced list are kept", `{"enum":["$<keys>","after","$<region>","last"]}`, `{"enum":["arn:aws:kms:eu-west-1:111122223333:key/a","k+b","after","eu-west-1","last"]}`},
		{"every array element is substituted", `{"enum":["$<region>","$<accountID>","x","$<partition>"]}`, `{"enum":["eu-west-1","111122223333","x","aws"]}`},
		{"every schema in an array is substituted", `{"allOf":[{"pattern":"^$<stackName>$"},{"const":"$<region>"},{"type":"string"},{"pattern":"$<accountID>"}]}`, `{"allOf":[{"pattern":"^my\\.stack$"},{"const":"eu-west-1"},{"type":"string"},{"pattern":"^111122223333$"}]}`},
		{"properties named enum and default are schemas", `{"properties":{"enum":{"pattern":"^$<stackName>$"},"default":{"pattern":"^$<stackName>-x$"},"const":{"patternProperties":{"^$<stackName>$":{}}}}}`, `{"properties":{"const":{"patternProperties":{"^my\\.stack$":{}}},"default":{"pattern":"^my\\.stack-x$"},"enum":{"pattern":"^my\\.stack$"}}}`},
		{"numbers and booleans pass through", `{"maxLength":5,"x":true,"y":null}`, `{"maxLength":5,"x":true,"y":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := decode(t, tt.in)
			before := encode(t, doc)
			got, err := placeholder.Fill(doc, vars)
			if err != nil {
				t.Fatalf("Fill: %v", err)
			}
			if g := encode(t, got); g != tt.want {
				t.Errorf("Fill(%s)\n got %s\nwant %s", tt.in, g, tt.want)
			}
			if after := encode(t, doc); after != before {
				t.Errorf("Fill modified its input: %s -> %s", before, after)
			}
		})
	}
}

// TestFillSharesUnchangedParts: what has no placeholder is the input itself, not a copy, so a
// warm engine does not copy a template per account.
func TestFillSharesUnchangedParts(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"type":"object","properties":{"A":{"type":"string"},"B":{"pattern":"^$<region>$"}},"required":["A"]}`)
	got, err := placeholder.Fill(doc, vars)
	if err != nil {
		t.Fatal(err)
	}
	in, out := doc.(map[string]any), got.(map[string]any)
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	if same(in, out) || same(in["properties"], out["properties"]) {
		t.Error("the path to a placeholder was not copied")
	}
	if !same(in["properties"].(map[string]any)["A"], out["properties"].(map[string]any)["A"]) || !same(in["required"], out["required"]) {
		t.Error("parts without placeholders were copied")
	}
	plain := decode(t, `{"properties":{"A":{"type":"string"}},"enum":["a","b"]}`)
	if got, err := placeholder.Fill(plain, vars); err != nil || !same(got, plain) {
		t.Errorf("a document without placeholders was copied (%v)", err)
	}
}

func TestFillErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantAs  any
		wantMsg string
	}{
		{"unknown placeholder names itself and its path", `{"properties":{"A":{"pattern":"^$<nope>$"}}}`, new(*placeholder.UnknownError), "unknown placeholder $<nope> at /properties/A/pattern"},
		{"unterminated", `{"description":"$<accountID"}`, new(*placeholder.SyntaxError), "unterminated"},
		{"invalid name", `{"description":"$<a b>"}`, new(*placeholder.SyntaxError), `invalid name "a b"`},
		{"empty name", `{"description":"$<>"}`, new(*placeholder.SyntaxError), `invalid name ""`},
		{"list inside a longer plain string", `{"description":"keys: $<keys>"}`, new(*placeholder.ValueError), "a list value can only stand alone"},
		{"list as an object key", `{"properties":{"$<keys>":{}}}`, new(*placeholder.ValueError), "cannot be an object key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := placeholder.Fill(decode(t, tt.in), vars)
			if err == nil {
				t.Fatal("Fill succeeded, want an error")
			}
			if !errors.As(err, tt.wantAs) {
				t.Errorf("error %T (%v), want %T", err, err, tt.wantAs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"a":"$<region>-$<accountID>","b":["$<keys>",{"c":"$<region>"}],"d":"$$<notAName>","$<keyName>":1}`)
	got, err := placeholder.Names(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"accountID", "keyName", "keys", "region"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	if _, err := placeholder.Names(decode(t, `{"a":"$<bad"}`)); err == nil {
		t.Error("Names accepted a malformed placeholder")
	}
}

// TestWholePatternMatchesOnlyItsItems checks the anchored alternation by its behaviour: each
// item matches, nothing around or between them does.
func TestWholePatternMatchesOnlyItsItems(t *testing.T) {
	t.Parallel()
	got, err := placeholder.Fill(decode(t, `{"pattern":"$<keys>"}`), vars)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(got.(map[string]any)["pattern"].(string))
	for s, want := range map[string]bool{
		"k+b": true, "arn:aws:kms:eu-west-1:111122223333:key/a": true,
		"xk+b": false, "k+bx": false, "kkb": false, "": false, "k+b|arn:aws:kms:eu-west-1:111122223333:key/a": false,
	} {
		if re.MatchString(s) != want {
			t.Errorf("%s matches %q = %v, want %v", re, s, !want, want)
		}
	}
}

func TestLiterals(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"description":"cost $$<accountID>","enum":["a","x$$<y>"],"properties":{"$$<k>":{"pattern":"^$<region>$"}},"plain":"$5"}`)
	got, err := placeholder.Literals(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []placeholder.Literal{
		{Path: "/description", Text: "cost $$<accountID>"},
		{Path: "/enum/1", Text: "x$$<y>"},
		{Path: "/properties/$$<k>", Text: "$$<k>"},
	}
	// A key and its string value at one path: the value is reported first, then the key.
	if got, err := placeholder.Literals(decode(t, `{"$$<k>":"$$<v>"}`)); err != nil || len(got) != 2 || got[0].Text != "$$<v>" || got[1].Text != "$$<k>" {
		t.Errorf("Literals of a key and its value = %+v, %v", got, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Literals = %+v\nwant %+v", got, want)
	}
	if _, err := placeholder.Literals(decode(t, `{"a":"$$<x> $<bad"}`)); err == nil {
		t.Error("Literals accepted a malformed placeholder")
	}
	if got, err := placeholder.Literals(decode(t, `{"a":"$<region>"}`)); err != nil || len(got) != 0 {
		t.Errorf("Literals of a document without escapes = %v, %v", got, err)
	}
}

func TestValueKeyIsUnambiguous(t *testing.T) {
	t.Parallel()
	a := placeholder.List("a,b").Key()
	b := placeholder.List("a", "b").Key()
	c := placeholder.String("a,b").Key()
	if a == b || a == c || b == c {
		t.Errorf("keys collide: %q %q %q", a, b, c)
	}
}

func TestIsBuiltin(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"accountID", "region", "partition", "stackName", "stackId", "logicalResourceId", "resourceType"} {
		if !placeholder.IsBuiltin(n) {
			t.Errorf("%s is not a built-in", n)
		}
	}
	if placeholder.IsBuiltin("approvedKmsKeys") {
		t.Error("a user variable is reported built-in")
	}
}

func BenchmarkFill(b *testing.B) {
	doc := decode(b, `{"type":"object","additionalProperties":false,"properties":{
		"Topic":{"type":"string","pattern":"^arn:$<partition>:sns:$<region>:$<accountID>:[A-Za-z0-9_-]{1,256}$"},
		"Key":{"type":"string","enum":"$<keys>"},
		"Name":{"type":"string","maxLength":63},"Other":{"type":"object","properties":{"A":{"type":"string"}}}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := placeholder.Fill(doc, vars); err != nil {
			b.Fatal(err)
		}
	}
}
