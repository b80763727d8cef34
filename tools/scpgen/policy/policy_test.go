package policy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen/policy"
)

// catalog is a two-service stand-in for the service reference: the check only needs pattern
// expansion and condition-key lookup, which svcref's own tests prove against the real data.
type catalog struct{}

var actions = []string{"s3:CreateBucket", "s3:PutBucketTagging", "s3:PutObject"}

func (catalog) Expand(p string) ([]string, error) {
	svc, _, _ := strings.Cut(strings.ToLower(p), ":")
	if svc != "s3" {
		return nil, fmt.Errorf("unknown service %q", svc)
	}
	var out []string
	for _, a := range actions {
		if ok, _ := filepath.Match(strings.ToLower(p), strings.ToLower(a)); ok {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: pattern matches no action", p)
	}
	return out, nil
}

func (catalog) HasConditionKey(k string) bool {
	return slices.Contains([]string{"aws:calledviafirst", "aws:principalarn", "aws:tagkeys", "aws:securetransport"}, strings.ToLower(k)) ||
		strings.HasPrefix(strings.ToLower(k), "aws:resourcetag/")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{name: "valid", doc: "@valid.json", want: nil},
		{name: "not JSON", doc: `{"Version":`, want: []string{"not JSON: unexpected EOF"}},
		{name: "trailing data", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}} {}`,
			want: []string{"not JSON: data after the policy document"}},
		{name: "not an object", doc: `[]`, want: []string{"the policy must be a JSON object"}},
		{name: "no version, no statement", doc: `{"Id":"x"}`, want: []string{
			`Version is missing; SCPs need "2012-10-17"`, "Statement is missing"}},
		{name: "bad version and unknown key", doc: `{"Version":"2020-01-01","Id":3,"Foo":1,"Statement":[]}`, want: []string{
			`/Foo: unknown policy element "Foo"`, "/Version: Version 2020-01-01 is not a policy language version",
			"/Id: Id must be a string", "/Statement: Statement is empty"}},
		{name: "statement kinds", doc: `{"Version":"2012-10-17","Statement":[1]}`, want: []string{"/Statement/0: a statement must be a JSON object"}},
		{name: "statement not list", doc: `{"Version":"2012-10-17","Statement":"x"}`, want: []string{"/Statement: Statement must be an object or an array of objects"}},
		{name: "statement elements", doc: `{"Version":"2012-10-17","Statement":{"Sid":"a-b","Effect":"Permit","Principal":"*","Action":"*","NotAction":"*","Resource":"x","X":1}}`,
			want: []string{
				"/Statement/Principal: Principal is not allowed in a service control policy",
				`/Statement/X: unknown statement element "X"`,
				`/Statement/Sid: Sid "a-b" may hold only letters and digits`,
				`/Statement/Effect: Effect must be "Allow" or "Deny", not Permit`,
				"/Statement: a statement has Action or NotAction, not both",
				`/Statement/Resource/0: "x" is neither "*" nor an ARN`,
			}},
		{name: "missing parts", doc: `{"Version":"2012-10-17","Statement":[{"Sid":7}]}`, want: []string{
			"/Statement/0/Sid: Sid must be a string", "/Statement/0: Effect is missing",
			"/Statement/0: Action or NotAction is missing", "/Statement/0: Resource or NotResource is missing"}},
		{name: "duplicate sid", doc: `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}`,
			want: []string{`/Statement/1/Sid: Sid "A" is also used at /Statement/0`}},
		{name: "actions", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["s3:Get*","sqs:SendMessage","s3:DeleteBucketCors","PutObject",3],"Resource":[]}}`,
			want: []string{
				"/Statement/NotAction/4: want a string, got a number",
				`/Statement/NotAction/0: action "s3:Get*": s3:Get*: pattern matches no action`,
				`/Statement/NotAction/1: action "sqs:SendMessage": unknown service "sqs"`,
				`/Statement/NotAction/2: action "s3:DeleteBucketCors": s3:DeleteBucketCors: pattern matches no action`,
				`/Statement/NotAction/3: action "PutObject" is not service:action`,
				"/Statement/Resource: the list is empty",
			}},
		{name: "action type", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":{},"NotResource":"*"}}`,
			want: []string{"/Statement/Action: want a string or an array of strings, got an object"}},
		{name: "resources", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":["arn:aws:s3:::b","a:b:c:d:e:f","arn:aws:s3"]}}`,
			want: []string{`/Statement/Resource/1: "a:b:c:d:e:f" is neither "*" nor an ARN`, `/Statement/Resource/2: "arn:aws:s3" is neither "*" nor an ARN`}},
		{name: "conditions", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
			"StringEqualz":{"aws:CalledViaFirst":"x"},
			"NullIfExists":{"aws:TagKeys":"true"},
			"StringLike":"x",
			"Bool":{},
			"StringEquals":{"aws:NoSuchKey":"x","aws:PrincipalArn":[],"aws:TagKeys":[true,null]},
			"Null":{"aws:TagKeys":"maybe"}}}}`,
			want: []string{
				"/Statement/Condition/Bool: Bool has no condition keys",
				`/Statement/Condition/Null/aws:TagKeys: Null takes true or false, not maybe`,
				`/Statement/Condition/NullIfExists: unknown condition operator "NullIfExists"`,
				`/Statement/Condition/StringEquals/aws:NoSuchKey: unknown condition key "aws:NoSuchKey"`,
				"/Statement/Condition/StringEquals/aws:PrincipalArn: the value list is empty",
				"/Statement/Condition/StringEquals/aws:TagKeys/0: a boolean value needs Bool or Null, not StringEquals",
				"/Statement/Condition/StringEquals/aws:TagKeys/1: a condition value must be a string, number or boolean, got null",
				`/Statement/Condition/StringEqualz: unknown condition operator "StringEqualz"`,
				"/Statement/Condition/StringLike: StringLike must map condition keys to values",
			}},
		{name: "condition not object", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{}}}`,
			want: []string{"/Statement/Condition: Condition is empty"}},
		{name: "condition wrong type", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":[]}}`,
			want: []string{"/Statement/Condition: Condition must be an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := []byte(tt.doc)
			if f, ok := strings.CutPrefix(tt.doc, "@"); ok {
				var err error
				if doc, err = os.ReadFile(filepath.Join("testdata", f)); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, p := range policy.Check(doc, catalog{}) {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMinifyAndSize(t *testing.T) {
	t.Parallel()
	p := policy.Policy{Version: policy.Version, Statement: []policy.Statement{{
		Sid: "A", Effect: "Deny", Action: policy.List{"s3:Put*"}, Resource: policy.List{"arn:aws:s3:::b<&>", "*"},
		Condition: policy.Condition{"StringNotEquals": {"aws:CalledViaFirst": {"cloudformation.amazonaws.com"}}},
	}}}
	b, err := policy.Minify(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:Put*","Resource":["arn:aws:s3:::b<&>","*"],"Condition":{"StringNotEquals":{"aws:CalledViaFirst":"cloudformation.amazonaws.com"}}}]}`
	if string(b) != want {
		t.Errorf("Minify =\n%s\nwant\n%s", b, want)
	}
	if got := policy.Size(b); got != len(want) {
		t.Errorf("Size = %d, want %d", got, len(want))
	}
	pretty, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	compact, err := policy.Compact(pretty)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(compact), " \n") {
		t.Errorf("Compact left whitespace: %s", compact)
	}
	if _, err := policy.Compact([]byte("{")); err == nil {
		t.Error("Compact accepted broken JSON")
	}
	if got := policy.Size([]byte(`"é"`)); got != 3 {
		t.Errorf("Size counts bytes, not characters: %d", got)
	}
}

func TestListJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    policy.List
		wantErr bool
	}{
		{in: `"a"`, want: policy.List{"a"}},
		{in: `["a","b"]`, want: policy.List{"a", "b"}},
		{in: `3`, wantErr: true},
	}
	for _, tt := range tests {
		var l policy.List
		err := l.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s: err = %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, l); !tt.wantErr && diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
}
