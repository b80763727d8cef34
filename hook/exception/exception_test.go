package exception_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/exception"
	"github.com/rcfge/rcfge/hook/verdict"
)

// valid is one well-formed exception; tests replace one field at a time.
const valid = `{"id":"EX-1","type":"AWS::S3::Bucket","scope":{"accounts":["111122223333"]},"allow":["/A"],
  "expires":"2030-06-30","ticket":"SEC-1","owner":"o@example.com","reason":"r"}`

func file(exceptions ...string) []byte {
	return []byte(`{"version":1,"exceptions":[` + strings.Join(exceptions, ",") + `]}`)
}

// with returns valid with fields replaced (field, JSON value, ...); an empty value removes it.
func with(fieldValues ...string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(valid), &m); err != nil {
		panic(err)
	}
	for i := 0; i < len(fieldValues); i += 2 {
		field, value := fieldValues[i], fieldValues[i+1]
		if value == "" {
			delete(m, field)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			panic(err)
		}
		m[field] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"not JSON", []byte(`{`), "not a valid exceptions file"},
		{"trailing data", []byte(`{"version":1,"exceptions":[]} {}`), "trailing data"},
		{"unknown top-level field", []byte(`{"version":1,"exceptions":[],"extra":1}`), `unknown field "extra"`},
		{"misspelt field", file(with("expiry", `"2099-01-01"`)), `unknown field "expiry"`},
		{"wrong version", []byte(`{"version":2,"exceptions":[]}`), "version 2: want 1"},
		{"no version", []byte(`{"exceptions":[]}`), "version 0: want 1"},
		{"missing id", file(with("id", "")), `exception #0: id ""`},
		{"bad id", file(with("id", `"a b"`)), `id "a b"`},
		{"duplicate id", file(valid, valid), "exception EX-1: duplicate id"},
		{"bad type", file(with("type", `"AWS::S3-Bucket"`)), `type "AWS::S3-Bucket" is not a resource type name`},
		{"no accounts", file(with("scope", `{"stacks":["x"]}`)), "scope.accounts is required"},
		{"bad account", file(with("scope", `{"accounts":["1234"]}`)), `"1234" is not a 12-digit account ID`},
		{"bad stack pattern", file(with("scope", `{"accounts":["111122223333"],"stacks":["a["]}`)), `"a[" is not a valid stack-name pattern`},
		{"empty stack pattern", file(with("scope", `{"accounts":["111122223333"],"stacks":[""]}`)), `"" is not a valid stack-name pattern`},
		{"bad logical ID", file(with("scope", `{"accounts":["111122223333"],"logicalIds":["a-b"]}`)), `"a-b" is not a logical ID`},
		{"no allow", file(with("allow", `[]`)), "allow is empty"},
		{"root path", file(with("allow", `["/"]`)), "the whole resource cannot be excepted"},
		{"empty path", file(with("allow", `["=x"]`)), "the whole resource cannot be excepted"},
		{"relative path", file(with("allow", `["A"]`)), "JSON Pointer"},
		{"empty segment", file(with("allow", `["/A//B"]`)), "empty path segment"},
		{"wildcard first", file(with("allow", `["/*/B"]`)), "must name a property"},
		{"no expiry", file(with("expires", "")), "expires: required"},
		{"bad expiry", file(with("expires", `"31/12/2030"`)), `"31/12/2030" is not an RFC 3339 date`},
		{"no ticket", file(with("ticket", `" "`)), "ticket is required"},
		{"no owner", file(with("owner", "")), "owner is required"},
		{"no reason", file(with("reason", "")), "reason is required"},
		{"every problem of an exception is named", file(with("owner", ""), with("id", `"EX-2"`, "reason", "")), "exception EX-1: owner is required\nexception EX-2: reason is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := exception.Parse(tt.body)
			if err == nil || f != nil {
				t.Fatalf("Parse accepted it: %+v", f)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	f, err := exception.Parse(file(valid, with("id", `"EX-2"`, "expires", `"2030-06-30T12:00:00+02:00"`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Exceptions) != 2 || f.Exceptions[0].ID != "EX-1" {
		t.Fatalf("%+v", f)
	}
	// A date holds through the end of that day, UTC; a date-time until that instant.
	if got, want := f.Exceptions[0].ExpiresAt(), time.Date(2030, 7, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("date expiry %v, want %v", got, want)
	}
	if got, want := f.Exceptions[1].ExpiresAt(), time.Date(2030, 6, 30, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("date-time expiry %v, want %v", got, want)
	}
	x := f.Exceptions[0]
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2030, 6, 30, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2030, 7, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), true},
	} {
		if got := x.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if _, err := exception.Parse([]byte(`{"version":1,"exceptions":[]}`)); err != nil {
		t.Errorf("an empty list: %v", err)
	}
}

func TestInScope(t *testing.T) {
	t.Parallel()
	f, err := exception.Parse(file(with("scope", `{"accounts":["111122223333","444455556666"],"stacks":["data-*","exact"],"logicalIds":["Uploads","Logs"]}`)))
	if err != nil {
		t.Fatal(err)
	}
	x := f.Exceptions[0]
	in := exception.Where{AccountID: "111122223333", StackName: "data-lake", LogicalID: "Uploads", TypeName: "AWS::S3::Bucket"}
	tests := []struct {
		name   string
		change func(*exception.Where)
		want   bool
	}{
		{"all match", func(*exception.Where) {}, true},
		{"second account, exact stack, second logical ID", func(w *exception.Where) { w.AccountID, w.StackName, w.LogicalID = "444455556666", "exact", "Logs" }, true},
		{"other account", func(w *exception.Where) { w.AccountID = "999988887777" }, false},
		{"no account", func(w *exception.Where) { w.AccountID = "" }, false},
		{"other stack", func(w *exception.Where) { w.StackName = "web-data-lake" }, false},
		{"no stack (validate outside a stack)", func(w *exception.Where) { w.StackName = "" }, false},
		{"glob does not cross into a prefix", func(w *exception.Where) { w.StackName = "exact-2" }, false},
		{"other logical ID", func(w *exception.Where) { w.LogicalID = "uploads" }, false},
		{"other type", func(w *exception.Where) { w.TypeName = "AWS::S3::BucketPolicy" }, false},
	}
	for _, tt := range tests {
		w := in
		tt.change(&w)
		if got := x.InScope(w); got != tt.want {
			t.Errorf("%s: InScope(%+v) = %v, want %v", tt.name, w, got, tt.want)
		}
	}
	// Without stacks or logical IDs, any stack and resource of the accounts is in scope.
	f, _ = exception.Parse(file(valid))
	if !f.Exceptions[0].InScope(exception.Where{AccountID: "111122223333", TypeName: "AWS::S3::Bucket"}) {
		t.Error("account-wide exception not in scope")
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCovers(t *testing.T) {
	t.Parallel()
	f, err := exception.Parse(file(with("allow", `["/A","/Rules/*/New","/Class=GLACIER_IR","/N=5","/B=true","/Deep/*/Mode=on","/a~1b"]`)))
	if err != nil {
		t.Fatal(err)
	}
	x := f.Exceptions[0]
	props := decode(t, `{"A":{"X":1},"AB":1,"Rules":[{"New":1,"Old":2}],"Class":"GLACIER_IR","N":5,"B":true,"Deep":[{"Mode":"on"},{"Mode":"off"}],"a/b":1,"Other":"GLACIER_IR","Obj":{"k":"v"}}`)
	tests := []struct {
		path string
		want bool
	}{
		{"/A", true},
		{"/A/X", true},
		{"/AB", false},
		{"", false},
		{"/Rules/0/New", true},
		{"/Rules/0/New/Sub", true},
		{"/Rules/0/Old", false},
		{"/Rules/x/New", false},
		{"/Rules/0", false},
		{"/Class", true},
		{"/Other", false},
		{"/N", true},
		{"/B", true},
		{"/Deep/0/Mode", true},
		{"/Deep/1/Mode", false},
		{"/a~1b", true},
		{"/a", false},
		{"not a pointer", false},
	}
	for _, tt := range tests {
		if got := x.Covers(verdict.Violation{Path: tt.path}, props); got != tt.want {
			t.Errorf("Covers(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	// A value exception covers only that value, exactly at its path.
	for _, p := range []string{`{"Class":"GLACIER"}`, `{"Class":{"v":"GLACIER_IR"}}`, `{"N":"5.0"}`, `{"B":"yes"}`, `{}`} {
		path := "/" + strings.SplitN(strings.Trim(p, `{"`), `"`, 2)[0]
		if p == `{}` {
			path = "/Class"
		}
		if x.Covers(verdict.Violation{Path: path}, decode(t, p)) {
			t.Errorf("value exception covers %s in %s", path, p)
		}
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	f, err := exception.Parse(file(
		with("allow", `["/A"]`),
		with("id", `"EX-OLD"`, "allow", `["/B"]`, "expires", `"2020-01-01"`),
		with("id", `"EX-OTHER"`, "allow", `["/A","/C"]`, "scope", `{"accounts":["444455556666"]}`),
	))
	if err != nil {
		t.Fatal(err)
	}

	vs := []verdict.Violation{{Path: "/A"}, {Path: "/B"}, {Path: "/B/1"}, {Path: "/C"}}
	w := exception.Where{AccountID: "111122223333", StackName: "s", LogicalID: "L", TypeName: "AWS::S3::Bucket"}
	got := f.Apply(vs, decode(t, `{}`), w, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	want := exception.Applied{
		Violations: []verdict.Violation{{Path: "/B"}, {Path: "/B/1"}, {Path: "/C"}},
		Excepted:   []verdict.Excepted{{Violation: verdict.Violation{Path: "/A"}, Exception: "EX-1", Ticket: "SEC-1", Expires: "2030-06-30"}},
		Notes:      []string{"exception EX-OLD (ticket SEC-1) expired on 2020-01-01 and was ignored"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Apply =\n%+v\nwant\n%+v", got, want)
	}
	// Once EX-1 expires too, nothing is excepted and both are noted.
	got = f.Apply(vs, decode(t, `{}`), w, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(got.Violations) != 4 || len(got.Excepted) != 0 || len(got.Notes) != 2 {
		t.Errorf("after expiry: %+v", got)
	}
	var nilFile *exception.File
	if got := nilFile.Apply(vs, nil, w, time.Now()); !reflect.DeepEqual(got.Violations, vs) || got.Excepted != nil {
		t.Errorf("nil file: %+v", got)
	}
}

// TestReplayFixtures: the shared fixture files parse (or, for the malformed one, fail) as the
// replay cases expect.
func TestReplayFixtures(t *testing.T) {
	t.Parallel()
	for path, wantErr := range map[string]string{
		"testdata/replay/templates/exceptions.json":                       "",
		"testdata/replay/templates/accounts/444455556666/exceptions.json": `unknown field "expiry"`,
		"testdata/example/exceptions.json":                                "",
	} {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = exception.Parse(body)
		if (wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%s: %v, want error %q", path, err, wantErr)
		}
	}
}
