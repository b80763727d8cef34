package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/verdict"
)

func compile(t testing.TB, doc string) *schema.Schema {
	t.Helper()
	s, err := schema.Compile("t.json", mustDecode(t, doc))
	if err != nil {
		t.Fatalf("Compile(%s): %v", doc, err)
	}
	return s
}

// brief renders violations as "path keyword" lines (with "!" for Unverifiable), for table tests.
func brief(vs []verdict.Violation) []string {
	var out []string
	for _, v := range vs {
		s := v.Path + " " + v.Keyword
		if v.Unverifiable {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

type row struct {
	name   string
	schema string
	in     string
	want   []string // "path keyword"; empty for valid
}

func runRows(t *testing.T, rows []row, opts schema.Options) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := compile(t, tt.schema)
			got, err := s.Validate(context.Background(), mustDecode(t, tt.in), opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("Validate(%s) against %s (-want +got):\n%s\n%v", tt.in, tt.schema, diff, got)
			}
			for _, v := range got {
				if v.Message == "" || !strings.HasPrefix(v.SchemaLocation, "#") {
					t.Errorf("violation without message or schema location: %+v", v)
				}
			}
		})
	}
}

// TestKeywords: every supported keyword, accepted and refused.
func TestKeywords(t *testing.T) {
	t.Parallel()
	obj := func(props string) string { return `{"type":"object","properties":{` + props + `}}` }
	runRows(t, []row{
		{"type string ok", `{"type":"string"}`, `"a"`, nil},
		{"type string refuses object", `{"type":"string"}`, `{}`, []string{" type"}},
		{"type integer accepts 1.0", `{"type":"integer"}`, `1.0`, nil},
		{"type integer refuses 1.5", `{"type":"integer"}`, `1.5`, []string{" type"}},
		{"type number", `{"type":"number"}`, `1.5`, nil},
		{"type boolean refuses 1", `{"type":"boolean"}`, `1`, []string{" type"}},
		{"type null", `{"type":"null"}`, `null`, nil},
		{"type array refuses object", `{"type":"array"}`, `{}`, []string{" type"}},
		{"type union", `{"type":["object","string"]}`, `"x"`, nil},
		{"type union refuses array", `{"type":["object","string"]}`, `[]`, []string{" type"}},
		{"enum ok", `{"enum":["a",1,null]}`, `1.0`, nil},
		{"enum refuses", `{"enum":["a",1]}`, `"b"`, []string{" enum"}},
		{"enum of objects", `{"enum":[{"a":[1]}]}`, `{"a":[1.0]}`, nil},
		{"const ok", `{"const":"x"}`, `"x"`, nil},
		{"const refuses", `{"const":"x"}`, `"y"`, []string{" const"}},
		{"pattern ok", `{"type":"string","pattern":"^a+$"}`, `"aaa"`, nil},
		{"pattern unanchored matches inside", `{"pattern":"b"}`, `"abc"`, nil},
		{"pattern refuses", `{"pattern":"^a+$"}`, `"ab"`, []string{" pattern"}},
		{"pattern ignores numbers", `{"pattern":"^a+$"}`, `5`, nil},
		{"minLength counts characters", `{"minLength":2}`, `"é"`, []string{" minLength"}},
		{"maxLength counts characters", `{"maxLength":2}`, `"éé"`, nil},
		{"maxLength refuses", `{"maxLength":2}`, `"abc"`, []string{" maxLength"}},
		{"date-time ok", `{"format":"date-time"}`, `"2024-02-29T23:59:60Z"`, nil},
		{"date-time offset", `{"format":"date-time"}`, `"2024-02-29T10:00:00.5+02:00"`, nil},
		{"date-time refuses", `{"format":"date-time"}`, `"2024-02-30T10:00:00Z"`, []string{" format"}},
		{"date-time refuses leap second off the minute", `{"format":"date-time"}`, `"2024-02-28T10:00:60Z"`, []string{" format"}},
		{"date", `{"format":"date"}`, `"2024-13-01"`, []string{" format"}},
		{"time", `{"format":"time"}`, `"25:00:00Z"`, []string{" format"}},
		{"ipv4", `{"format":"ipv4"}`, `"10.0.0.256"`, []string{" format"}},
		{"ipv6", `{"format":"ipv6"}`, `"::1"`, nil},
		{"uri", `{"format":"uri"}`, `"relative/path"`, []string{" format"}},
		{"unknown format is an annotation", `{"format":"int64"}`, `"x"`, nil},
		{"minimum", `{"minimum":5}`, `4.999`, []string{" minimum"}},
		{"minimum equal", `{"minimum":5}`, `5`, nil},
		{"exclusiveMinimum", `{"exclusiveMinimum":5}`, `5`, []string{" exclusiveMinimum"}},
		{"maximum", `{"maximum":5}`, `5.0001`, []string{" maximum"}},
		{"exclusiveMaximum", `{"exclusiveMaximum":5}`, `5`, []string{" exclusiveMaximum"}},
		{"multipleOf exact decimals", `{"multipleOf":0.1}`, `0.3`, nil},
		{"multipleOf refuses", `{"multipleOf":0.1}`, `0.35`, []string{" multipleOf"}},
		{"multipleOf integer", `{"multipleOf":60}`, `120`, nil},
		{"multipleOf smaller exponent", `{"multipleOf":10}`, `5`, []string{" multipleOf"}},
		{"items", `{"items":{"type":"string"}}`, `["a",{}]`, []string{"/1 type"}},
		{"tuple items", `{"items":[{"type":"string"},{"type":"integer"}]}`, `["a","b","c"]`, []string{"/1 type"}},
		{"additionalItems false", `{"items":[{"type":"string"}],"additionalItems":false}`, `["a","b"]`, []string{" additionalItems"}},
		{"additionalItems schema", `{"items":[{"type":"string"}],"additionalItems":{"type":"integer"}}`, `["a","b"]`, []string{"/1 type"}},
		{"minItems", `{"minItems":2}`, `[1]`, []string{" minItems"}},
		{"maxItems", `{"maxItems":1}`, `[1,2]`, []string{" maxItems"}},
		{"uniqueItems", `{"uniqueItems":true}`, `[1,"1",1.0]`, []string{" uniqueItems"}},
		{"uniqueItems objects", `{"uniqueItems":true}`, `[{"a":1,"b":2},{"b":2,"a":1}]`, []string{" uniqueItems"}},
		{"uniqueItems many", `{"uniqueItems":true}`, `[` + seq(40) + `,7]`, []string{" uniqueItems"}},
		{"uniqueItems many distinct", `{"uniqueItems":true}`, `[` + seq(40) + `]`, nil},
		{"contains", `{"contains":{"const":3}}`, `[1,2]`, []string{" contains"}},
		{"contains ok", `{"contains":{"const":3}}`, `[1,3]`, nil},
		{"properties", obj(`"A":{"type":"string"}`), `{"A":[],"B":2}`, []string{"/A type"}},
		{"additionalProperties false", `{"properties":{"A":{}},"additionalProperties":false}`, `{"A":1,"B":2,"C":3}`, []string{"/B additionalProperties", "/C additionalProperties"}},
		{"additionalProperties schema", `{"properties":{"A":{}},"additionalProperties":{"type":"string"}}`, `{"A":1,"B":null}`, []string{"/B type"}},
		{"patternProperties", `{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}`, `{"x-a":{},"y":"s"}`, []string{"/x-a type", "/y additionalProperties"}},
		{"required", `{"required":["A","B"]}`, `{"A":1}`, []string{" required"}},
		{"minProperties", `{"minProperties":1}`, `{}`, []string{" minProperties"}},
		{"maxProperties", `{"maxProperties":1}`, `{"a":1,"b":2}`, []string{" maxProperties"}},
		{"dependencies array", `{"dependencies":{"A":["B"]}}`, `{"A":1}`, []string{" dependencies"}},
		{"dependencies schema", `{"dependencies":{"A":{"required":["C"]}}}`, `{"A":1}`, []string{" required"}},
		{"dependencies absent trigger", `{"dependencies":{"A":["B"]}}`, `{"C":1}`, nil},
		{"propertyNames", `{"propertyNames":{"pattern":"^[A-Z]"}}`, `{"Ok":1,"bad":2}`, []string{"/bad pattern"}},
		{"allOf", `{"allOf":[{"type":"integer"},{"minimum":5}]}`, `3`, []string{" minimum"}},
		{"anyOf ok", `{"anyOf":[{"type":"integer"},{"type":"string"}]}`, `"x"`, nil},
		{"anyOf none", `{"anyOf":[{"type":"integer"},{"type":"boolean"}]}`, `{}`, []string{" anyOf"}},
		{"oneOf one", `{"oneOf":[{"type":"integer"},{"type":"string"}]}`, `1`, nil},
		{"oneOf two", `{"oneOf":[{"type":"integer"},{"minimum":0}]}`, `1`, []string{" oneOf"}},
		{"oneOf none", `{"oneOf":[{"type":"integer"},{"type":"boolean"}]}`, `"x"`, []string{" oneOf"}},
		{"oneOf meant branch reports its own rule", `{"oneOf":[{"type":"object","required":["A"],"properties":{"A":{"pattern":"^a$"}}},{"type":"string"}]}`, `{"A":"b"}`, []string{"/A pattern"}},
		{"not", `{"not":{"type":"string"}}`, `"x"`, []string{" not"}},
		{"not ok", `{"not":{"type":"string"}}`, `[]`, nil},
		{"not coerces as its schema says", `{"not":{"type":"string"}}`, `1`, []string{" not"}},
		{"if/then", `{"if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]},"else":{"required":["B"]}}`, `{"K":"a","B":1}`, []string{" required"}},
		{"if/else", `{"if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]},"else":{"required":["B"]}}`, `{"K":"b","A":1}`, []string{" required"}},
		{"if/then ok", `{"if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]}}`, `{"K":"a","A":1}`, nil},
		{"if without then or else is an annotation", `{"if":{"type":"string"}}`, `1`, nil},
		{"$ref", `{"definitions":{"S":{"type":"string"}},"properties":{"A":{"$ref":"#/definitions/S"}}}`, `{"A":{}}`, []string{"/A type"}},
		{"$ref ignores siblings in draft-07", `{"definitions":{"S":{"type":"string"}},"$ref":"#/definitions/S","maxLength":1}`, `"abc"`, nil},
		{"$ref to the root (recursion)", `{"properties":{"Child":{"$ref":"#"},"N":{"type":"integer"}}}`, `{"Child":{"Child":{"N":"x"}}}`, []string{"/Child/Child/N type"}},
		{"$ref with escaped pointer", `{"definitions":{"a/b":{"type":"string"}},"$ref":"#/definitions/a~1b"}`, `[]`, []string{" type"}},
		{"$ref with percent-encoding", `{"definitions":{"a b":{"type":"string"}},"$ref":"#/definitions/a%20b"}`, `[]`, []string{" type"}},
		{"false schema", `{"properties":{"Gone":false}}`, `{"Gone":1}`, []string{"/Gone false"}},
		{"false item schema", `{"items":false}`, `[1]`, []string{"/0 false"}},
		{"true schema", `{"properties":{"Any":true}}`, `{"Any":[1]}`, nil},
		{"annotations are ignored", `{"description":"d","title":"t","default":1,"examples":[1],"$comment":"c","readOnly":true,"insertionOrder":false,"arrayType":"Standard","relationshipRef":{},"x-rcfge-own":["enum"],"x-anything":1}`, `1`, nil},
	}, schema.Options{})
}

func seq(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, i)
	}
	return b.String()
}

// TestMessages pins the texts that docs, examples and tools rely on.
func TestMessages(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"type":"object","additionalProperties":false,"required":["Name"],"properties":{
		"Name":{"type":"string","pattern":"^[a-z]+$","maxLength":3},"Mode":{"enum":["ON","OFF"]},"N":{"type":"integer","minimum":0,"maximum":100,"multipleOf":5},
		"C":{"const":"x"},"T":{"format":"date-time"},"L":{"type":"array","items":{"type":"string"},"maxItems":1,"uniqueItems":true},
		"O":{"type":"object","additionalProperties":false,"properties":{}}}}`)
	got, err := s.Validate(context.Background(), mustDecode(t, `{"Name":"ABCD","Mode":"X","N":101,"C":"y","T":"now","L":["a","a"],"O":{"Deep":1},"New":1}`), schema.Options{TypeName: "AWS::Test::Thing"})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, v := range got {
		msgs = append(msgs, v.Path+" ["+v.Keyword+" "+v.SchemaLocation+"] "+v.Message+" {"+v.Allowed+"}")
	}
	want := []string{
		" [required #/required] missing required properties: 'Name' {}",
		"/C [const #/properties/C/const] value is not the approved value x {x}",
		"/L [maxItems #/properties/L/maxItems] maximum 1 items required, but found 2 items {}",
		"/L [uniqueItems #/properties/L/uniqueItems] items at index 0 and 1 are equal {}",
		"/Mode [enum #/properties/Mode/enum] value is not one of the approved values: ON, OFF {ON, OFF}",
		"/N [maximum #/properties/N/maximum] value must be <= 100 {}",
		"/N [multipleOf #/properties/N/multipleOf] value is not a multiple of 5 {}",
		"/Name [maxLength #/properties/Name/maxLength] length must be <= 3, but got 4 {}",
		"/Name [pattern #/properties/Name/pattern] value does not match the approved pattern ^[a-z]+$ {^[a-z]+$}",
		"/New [additionalProperties #/additionalProperties] New is not an approved property of AWS::Test::Thing {}",
		"/O/Deep [additionalProperties #/properties/O/additionalProperties] Deep is not an approved property of AWS::Test::Thing at /O {}",
		"/T [format #/properties/T/format] value is not a valid date-time {}",
	}
	// "Name" is present: required is not reported; drop that expectation.
	want = want[1:]
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	got, _ = s.Validate(context.Background(), mustDecode(t, `{"x/y~z":1}`), schema.Options{})
	if len(got) != 2 || got[1].Path != "/x~1y~0z" || got[1].Message != "x/y~z is not an approved property of the resource" {
		t.Errorf("escaped names: %+v", got)
	}
	long := compile(t, `{"pattern":"^`+strings.Repeat("a", 300)+`$"}`)
	got, _ = long.Validate(context.Background(), "b", schema.Options{})
	if len(got) != 1 || got[0].Allowed != "" || got[0].Message != "value does not match the approved pattern" {
		t.Errorf("a long pattern is not quoted: %+v", got)
	}
}

// TestUnknown: each rule of the no-bypass issue for values not known before deployment.
func TestUnknown(t *testing.T) {
	t.Parallel()
	const tpl = `{"type":"object","additionalProperties":false,"required":["Name"],"maxProperties":3,
		"patternProperties":{"^Tag[0-9]$":{"type":"string","maxLength":2}},
		"propertyNames":{"maxLength":6},
		"properties":{
			"Name":{"type":"string","pattern":"^[a-z]+$"},
			"Mode":{"enum":["ON","OFF"]},
			"Gone":false,
			"Obj":{"type":"object","additionalProperties":false,"properties":{"A":{"type":"integer"}}},
			"List":{"type":"array","minItems":2,"uniqueItems":true,"items":{"type":"string","pattern":"^subnet-"}},
			"Cond":{"type":"object","if":{"properties":{"K":{"const":"a"}}},"then":{"required":["A"]},"else":{"required":["B"]}},
			"Choice":{"anyOf":[{"type":"integer","minimum":10},{"type":"string","pattern":"^x"}]},
			"Shape":{"oneOf":[{"type":"object","required":["A"],"additionalProperties":false,"properties":{"A":{"pattern":"^a"}}},{"type":"object","required":["B"],"additionalProperties":false,"properties":{"B":{}}}]}}}`
	s := compile(t, tpl)
	tests := []struct {
		name    string
		in      string
		unknown []string
		want    []string
	}{
		{"constraints on the value are skipped", `{"Name":"UNKNOWN","Mode":"UNKNOWN"}`, []string{"/Name", "/Mode"}, nil},
		{"a sibling is still checked", `{"Name":"UNKNOWN","Mode":"MAYBE"}`, []string{"/Name"}, []string{"/Mode enum"}},
		{"the property-name gate never yields", `{"Name":"a","RcfgeX":"UNKNOWN"}`, []string{"/RcfgeX"}, []string{"/RcfgeX additionalProperties"}},
		{"a false schema never yields", `{"Name":"a","Gone":"UNKNOWN"}`, []string{"/Gone"}, []string{"/Gone false"}},
		{"the nested name gate never yields", `{"Name":"a","Obj":{"X":"UNKNOWN"}}`, []string{"/Obj/X"}, []string{"/Obj/X additionalProperties"}},
		{"propertyNames on the unknown's own name", `{"Name":"a","Toolong7":"UNKNOWN"}`, []string{"/Toolong7"}, []string{"/Toolong7 additionalProperties", "/Toolong7 maxLength"}},
		{"patternProperties value skipped, name matched", `{"Name":"a","Tag1":"UNKNOWN"}`, []string{"/Tag1"}, nil},
		{"required on the parent", `{"Mode":"UNKNOWN"}`, []string{"/Mode"}, []string{" required"}},
		{"an ancestor's maxProperties", `{"Name":"a","Mode":"U","Tag1":"U","Tag2":"U"}`, []string{"/Mode", "/Tag1", "/Tag2"}, []string{" maxProperties"}},
		{"inside an unknown object", `{"Name":"a","Obj":{"A":"x","B":1}}`, []string{"/Obj"}, nil},
		{"an unknown array skips items and its own length", `{"Name":"a","List":"UNKNOWN"}`, []string{"/List"}, nil},
		{"/List/1 does not hide /List/10", `{"Name":"a","List":["subnet-0","subnet-1","subnet-2","subnet-3","subnet-4","subnet-5","subnet-6","subnet-7","subnet-8","subnet-9","bad"]}`, []string{"/List/1"}, []string{"/List/10 pattern"}},
		{"two unknown items are not equal", `{"Name":"a","List":["U","U"]}`, []string{"/List/0", "/List/1"}, nil},
		{"known duplicates still are", `{"Name":"a","List":["U","subnet-1","subnet-1"]}`, []string{"/List/0"}, []string{"/List uniqueItems"}},
		{"a combinator whose choice depends on the unknown", `{"Name":"a","Choice":"UNKNOWN"}`, []string{"/Choice"}, nil},
		{"a combinator failing on known parts", `{"Name":"a","Shape":{"A":"UNKNOWN","C":1}}`, []string{"/Shape/A"}, []string{"/Shape oneOf"}},
		{"a combinator passing only through the unknown", `{"Name":"a","Shape":{"A":"UNKNOWN"}}`, []string{"/Shape/A"}, nil},
		{"an if on the unknown, one branch passes", `{"Name":"a","Cond":{"K":"U","A":1}}`, []string{"/Cond/K"}, nil},
		{"an if on the unknown, both branches fail", `{"Name":"a","Cond":{"K":"U"}}`, []string{"/Cond/K"}, []string{"/Cond required"}},
		{"the whole resource unknown", `{"Nope":1}`, []string{""}, nil},
		{"a malformed pointer is ignored", `{"Name":"a","Mode":"X"}`, []string{"Mode"}, []string{"/Mode enum"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Validate(context.Background(), mustDecode(t, tt.in), schema.Options{TypeName: "T", Unknown: tt.unknown})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("(-want +got):\n%s\n%v", diff, got)
			}
		})
	}
}

// TestReferences: dynamic references skip AWS's constraints and turn rcfge's own into
// Unverifiable violations; property-name gates never yield.
func TestReferences(t *testing.T) {
	t.Parallel()
	const props = `"additionalProperties":false,"properties":{
		"Password":{"type":"string","minLength":8,"pattern":"^[^ ]+$"},
		"Topic":{"type":"string","pattern":"^arn:aws:sns:eu-west-1:111122223333:","x-rcfge-own":["pattern"]},
		"Mode":{"anyOf":[{"enum":["A"],"x-rcfge-own":["enum"]},{"type":"integer"}]},
		"Ref":{"$ref":"#/definitions/Own"}},
		"definitions":{"Own":{"type":"string","const":"x","x-rcfge-own":["const"]}}`
	generated := compile(t, `{"x-rcfge":{"generated":true},`+props+`}`)
	hand := compile(t, `{"x-rcfge":{},`+props+`}`)
	ref := "{{resolve:secretsmanager:s:SecretString:k}}"
	tests := []struct {
		name    string
		s       *schema.Schema
		in      string
		refs    []string
		unknown []string
		want    []string
	}{
		{"a provider constraint is skipped", generated, `{"Password":"` + ref + `"}`, []string{"/Password"}, nil, nil},
		{"an own constraint is unverifiable", generated, `{"Topic":"` + ref + `"}`, []string{"/Topic"}, nil, []string{"/Topic pattern!"}},
		{"an own constraint through $ref", generated, `{"Ref":"` + ref + `"}`, []string{"/Ref"}, nil, []string{"/Ref const!"}},
		{"an own constraint inside a combinator", generated, `{"Mode":"` + ref + `"}`, []string{"/Mode"}, nil, []string{"/Mode enum!"}},
		{"a hand-written template owns every constraint", hand, `{"Password":"` + ref + `"}`, []string{"/Password"}, nil, []string{"/Password minLength!", "/Password pattern!", "/Password type!"}},
		{"an unapproved property with a reference", generated, `{"NewFeature":"` + ref + `"}`, []string{"/NewFeature"}, nil, []string{"/NewFeature additionalProperties"}},
		{"unknown wins over reference", generated, `{"Topic":"` + ref + `"}`, []string{"/Topic"}, []string{"/Topic"}, nil},
		{"a literal beside a reference is checked", generated, `{"Topic":"arn:aws:sns:us-east-1:999:x","Password":"` + ref + `"}`, []string{"/Password"}, nil, []string{"/Topic pattern"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.s.Validate(context.Background(), mustDecode(t, tt.in), schema.Options{References: tt.refs, Unknown: tt.unknown})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("(-want +got):\n%s\n%v", diff, got)
			}
			for _, v := range got {
				if v.Unverifiable && !strings.Contains(v.Message, "dynamic reference") {
					t.Errorf("message %q does not say why", v.Message)
				}
			}
		})
	}
}

// TestNumbers: any JSON number is exact or a violation; never a panic, never an error.
func TestNumbers(t *testing.T) {
	t.Parallel()
	notNumber := []string{" type"}
	runRows(t, []row{
		{"a huge exponent is exact", `{"type":"integer","maximum":100}`, `1e999999999`, []string{" maximum"}},
		{"a tiny exponent is exact", `{"type":"number","exclusiveMinimum":0}`, `1e-999999999`, nil},
		{"a tiny negative is below 0", `{"minimum":0}`, `-1e-999999999`, []string{" minimum"}},
		{"an exponent beyond int64", `{"type":"number"}`, `1e99999999999999999999`, notNumber},
		{"a 100-digit mantissa", `{"type":"number"}`, strings.Repeat("9", 100), notNumber},
		{"64 bytes is the cap", `{"type":"integer"}`, strings.Repeat("9", 64), nil},
		{"65 bytes is over the cap", `{"type":"integer"}`, strings.Repeat("9", 65), notNumber},
		{"-0 equals 0", `{"const":0}`, `-0`, nil},
		{"-0 is not above 0", `{"exclusiveMinimum":0}`, `-0`, []string{" exclusiveMinimum"}},
		{"1e400 multipleOf 7", `{"multipleOf":7}`, `1e400`, []string{" multipleOf"}},
		{"7e400 multipleOf 7", `{"multipleOf":7}`, `7e400`, nil},
		{"1e999999999 multipleOf 3 (no expansion)", `{"multipleOf":3}`, `1e999999999`, []string{" multipleOf"}},
		{"1e999999999 multipleOf 0.5", `{"multipleOf":0.5}`, `1e999999999`, nil},
		{"a huge minimum", `{"minimum":1e999999}`, `1e999998`, []string{" minimum"}},
		{"numbers in enum compare by value", `{"enum":[100]}`, `1e2`, nil},
		{"a number bomb in a list", `{"items":{"type":"integer","maximum":5}}`, `[1e999999999,1e-999999999,` + strings.Repeat("1", 80) + `]`, []string{"/0 maximum", "/1 type", "/2 type"}},
	}, schema.Options{})

	s := compile(t, `{"type":"number","maximum":1}`)
	for _, v := range []any{2.5, 2, int64(2), float32(2)} {
		got, err := s.Validate(context.Background(), v, schema.Options{})
		if err != nil || len(got) != 1 || got[0].Keyword != "maximum" {
			t.Errorf("Go %T %v: %v %v", v, v, got, err)
		}
	}
	got, err := s.Validate(context.Background(), json.Number("NaN"), schema.Options{})
	if err != nil || len(got) != 1 || got[0].Message != "value is not a number CloudFormation accepts" {
		t.Errorf("NaN: %v %v", got, err)
	}
}

// errAfter is a context whose Err turns to Canceled after n calls: a deadline that fires at a
// known point of the walk.
type errAfter struct {
	context.Context
	mu sync.Mutex
	n  int
}

func (c *errAfter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n--
	if c.n < 0 {
		return context.Canceled
	}
	return nil
}

func manyUnapproved(n int) map[string]any {
	obj := map[string]any{}
	for i := range n {
		obj[fmt.Sprintf("P%06d", i)] = json.Number("1")
	}
	return obj
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"type":"object","additionalProperties":false,"properties":{}}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// Cancelled before: a small instance is still checked (it takes fewer steps than the check
	// interval), so the violation at the top is found and decides.
	got, err := s.Validate(ctx, map[string]any{"A": 1}, schema.Options{})
	if err != nil || len(got) != 1 || got[0].Path != "/A" {
		t.Errorf("cancelled before, small instance: %v %v; want the /A violation", got, err)
	}
	// Cancelled before, a large instance: the work stops at the first look at the context.
	got, err = s.Validate(ctx, manyUnapproved(100000), schema.Options{})
	if !errors.Is(err, context.Canceled) || len(got) == 0 || len(got) > 1000 {
		t.Errorf("cancelled before, large instance: %d violations, %v; want a few and the wrapped error", len(got), err)
	}
	// Cancelled mid-way: the violations found so far come back with the error.
	got, err = s.Validate(&errAfter{Context: context.Background(), n: 3}, manyUnapproved(100000), schema.Options{})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("err = %v, want a wrapped context.Canceled", err)
	}
	if len(got) == 0 || len(got) >= 100000 {
		t.Errorf("got %d violations, want the ones found before the deadline", len(got))
	}
	if !slices.IsSortedFunc(got, func(a, b verdict.Violation) int { return strings.Compare(a.Path, b.Path) }) {
		t.Error("violations not sorted")
	}
}

func TestMaxViolations(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"type":"object","additionalProperties":false,"properties":{}}`)
	in := manyUnapproved(5000)
	var first []verdict.Violation
	for range 3 {
		got, err := s.Validate(context.Background(), in, schema.Options{MaxViolations: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 101 {
			t.Fatalf("got %d violations, want MaxViolations+1 = 101", len(got))
		}
		if got[0].Path != "/P000000" || got[100].Path != "/P000100" {
			t.Fatalf("not the first in path order: %s .. %s", got[0].Path, got[100].Path)
		}
		if first != nil && !slices.Equal(first, got) {
			t.Fatal("truncated answer differs between runs")
		}
		first = got
	}
	got, _ := s.Validate(context.Background(), manyUnapproved(100), schema.Options{MaxViolations: 100})
	if len(got) != 100 {
		t.Errorf("exactly the limit: got %d, want 100", len(got))
	}
	got, _ = s.Validate(context.Background(), in, schema.Options{})
	if len(got) != 5000 {
		t.Errorf("no limit: got %d", len(got))
	}
}

// TestDepth: a 10,000-deep instance is a violation at the depth limit, not a stack overflow or an
// error.
func TestDepth(t *testing.T) {
	t.Parallel()
	s := compile(t, `{"type":"object","properties":{"C":{"$ref":"#"}}}`)
	var v any = map[string]any{}
	for range 10000 {
		v = map[string]any{"C": v}
	}
	got, err := s.Validate(context.Background(), v, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Keyword != "depth" || strings.Count(got[0].Path, "/") != 101 {
		t.Errorf("got %v", brief(got))
	}
	arr := compile(t, `{"items":{"$ref":"#"}}`)
	var a any = []any{}
	for range 10000 {
		a = []any{a}
	}
	if got, err := arr.Validate(context.Background(), a, schema.Options{}); err != nil || len(got) != 1 {
		t.Errorf("arrays: %v %v", brief(got), err)
	}
}

// TestConcurrentLazyCompile: many goroutines reach the same uncompiled subschemas at once (run with
// -race); every one gets the answer a lone validation gets.
func TestConcurrentLazyCompile(t *testing.T) {
	t.Parallel()
	in := mustDecode(t, `{"NewFeature":1,"Rules":[{"Name":"A1","Mode":"MAYBE","Weight":"101","Children":[{"Name":"b","Sneaky":true}]}],"Target":{"Arn":"nope"},"Port":"3000","Deep":{"O":{}}}`)
	want, err := widget(t).Validate(context.Background(), in, schema.Options{TypeName: "T"})
	if err != nil || len(want) == 0 {
		t.Fatal(want, err)
	}
	for range 5 {
		s := widget(t) // fresh: nothing compiled yet
		var wg sync.WaitGroup
		results := make([][]verdict.Violation, 32)
		for i := range results {
			wg.Go(func() {
				results[i], _ = s.Validate(context.Background(), in, schema.Options{TypeName: "T"})
			})
		}
		wg.Wait()
		for _, got := range results {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("concurrent answer differs (-want +got):\n%s", diff)
			}
		}
	}
}

// TestCompileRefuses: a rule the validator cannot enforce is a compile error naming it, never
// ignored.
func TestCompileRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ doc, want string }{
		{`{"properties":{"A":{"unevaluatedProperties":false}}}`, `#/properties/A/unevaluatedProperties`},
		{`{"$recursiveRef":"#"}`, `"$recursiveRef"`},
		{`{"properties":{"A":{"maxlength":3}}}`, `"maxlength"`},
		{`{"dependentRequired":{"A":["B"]}}`, `"dependentRequired"`},
		{`{"properties":{"A":{"$id":"x"}}}`, `"$id"`},
		{`{"format":"email"}`, `format "email"`},
		{`{"$schema":"https://json-schema.org/draft/2019-09/schema"}`, `2019-09`},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema"}`, `2020-12`},
		{`{"$schema":"http://json-schema.org/draft-04/schema#"}`, `draft-04`},
		{`{"$ref":"#/definitions/missing"}`, `nothing at`},
		{`{"$ref":"other.json#/x"}`, `remote references are refused`},
		{`{"$ref":"#anchor"}`, `JSON Pointer`},
		{`{"definitions":{"a":1},"$ref":"#/definitions/a"}`, `not a schema`},
		{`{"definitions":{"a":{"allOf":[{"$ref":"#/definitions/b"}]},"b":{"$ref":"#/definitions/a"}},"properties":{"X":{"$ref":"#/definitions/a"}}}`, `reference loop`},
		{`{"$ref":"#"}`, `reference loop`},
		{`{"patternProperties":{"(?=x)":{}}}`, `patternProperties`},
		{`{"pattern":"(?!aws:)"}`, `#/pattern`},
		{`{"multipleOf":0}`, `multipleOf must be greater than 0`},
		{`{"minLength":-1}`, `minLength must be a non-negative integer`},
		{`{"minimum":` + strings.Repeat("1", 65) + `}`, `minimum must be a number`},
		{`{"type":"strin"}`, `unknown type`},
		{`{"type":[]}`, `must not be empty`},
		{`{"enum":[]}`, `enum must be a non-empty array`},
		{`{"required":[1]}`, `required must be an array of strings`},
		{`{"properties":{"A":1}}`, `#/properties/A: a schema must be an object or a boolean`},
		{`{"allOf":[]}`, `allOf must be a non-empty array`},
		{`{"uniqueItems":"yes"}`, `uniqueItems must be a boolean`},
		{`{"dependencies":{"A":[1]}}`, `property dependency`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			_, err := schema.Compile("t.json", mustDecode(t, tt.doc))
			var ce *schema.CompileError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "t.json") {
				t.Errorf("Compile(%s) = %v, want a CompileError naming %s", tt.doc, err, tt.want)
			}
		})
	}
	// An unused definition that loops is harmless.
	if _, err := schema.Compile("t.json", mustDecode(t, `{"definitions":{"a":{"$ref":"#/definitions/a"}},"type":"object"}`)); err != nil {
		t.Errorf("unused loop: %v", err)
	}
}
