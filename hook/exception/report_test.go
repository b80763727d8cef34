package exception_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rcfge/rcfge/hook/exception"
)

func TestScan(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 6, 20, 12, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"AWS-S3-Bucket.json":                       {Data: []byte(`{}`)},
		"accounts/444455556666/AWS-SQS-Queue.json": {Data: []byte(`{}`)},
		"exceptions.json": {Data: file(
			valid, // expires 2030-06-30: 10 days left
			with("id", `"EX-LATER"`, "expires", `"2031-01-01"`),
			with("id", `"EX-OLD"`, "expires", `"2030-06-01"`),
			with("id", `"EX-NOTYPE"`, "type", `"AWS::SNS::Topic"`),
			with("id", `"EX-SQS"`, "type", `"AWS::SQS::Queue"`, "scope", `{"accounts":["444455556666"]}`),
		)},
		"accounts/444455556666/exceptions.json": {Data: file(with("id", `"EX-ACC"`, "scope", `{"accounts":["444455556666","111122223333"]}`))},
		"accounts/777788889999/exceptions.json": {Data: []byte(`{"version":1,"exceptions":[{"id":"EX-BAD"}]}`)},
	}
	rep, err := exception.Scan(fsys, now, 14*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Exceptions {
		got = append(got, e.File+" "+e.ID+" "+e.Status)
	}
	want := []string{
		"exceptions.json EX-1 expiring", "exceptions.json EX-LATER active", "exceptions.json EX-OLD expired",
		"exceptions.json EX-NOTYPE expiring", "exceptions.json EX-SQS expiring", "accounts/444455556666/exceptions.json EX-ACC expiring",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exceptions\n%q\nwant\n%q", got, want)
	}
	if rep.Exceptions[0].DaysLeft != 10 || rep.Exceptions[2].DaysLeft != -19 {
		t.Errorf("days left %d, %d; want 10, -19", rep.Exceptions[0].DaysLeft, rep.Exceptions[2].DaysLeft)
	}
	var findings []string
	for _, f := range rep.Findings {
		findings = append(findings, f.File+"|"+f.Exception+"|"+f.Message)
	}
	wantFindings := []string{
		"exceptions.json|EX-OLD|expired on 2030-06-01: remove it (it is ignored) or renew it with a ticket",
		"exceptions.json|EX-NOTYPE|no template for AWS::SNS::Topic: the type is not approved, so the exception can never apply",
		"accounts/444455556666/exceptions.json|EX-ACC|names accounts other than 444455556666, but this file applies only to 444455556666",
	}
	if len(findings) < len(wantFindings)+1 || !reflect.DeepEqual(findings[:3], wantFindings) {
		t.Errorf("findings\n%q\nwant first\n%q", findings, wantFindings)
	}
	// The malformed file is a finding per problem, each naming the file and the exception.
	for _, f := range findings[3:] {
		if !strings.HasPrefix(f, "accounts/777788889999/exceptions.json||exception EX-BAD: ") {
			t.Errorf("malformed-file finding %q", f)
		}
	}
	if rep.OK() {
		t.Error("OK with findings")
	}
	if f := rep.Filter("expired", "expiring"); len(f.Exceptions) != 5 {
		t.Errorf("Filter kept %d, want 5", len(f.Exceptions))
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"EX-1  ", "expiring (10 days left)", "accounts 111122223333", "EX-OLD", "expired  ", "exceptions.json: exception EX-OLD: expired on 2030-06-01"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, buf.String())
		}
	}
}

func TestScanEmptyFolder(t *testing.T) {
	t.Parallel()
	rep, err := exception.Scan(fstest.MapFS{}, time.Now(), 0)
	if err != nil || !rep.OK() || len(rep.Exceptions) != 0 {
		t.Errorf("%+v %v", rep, err)
	}
	var buf bytes.Buffer
	_ = rep.WriteText(&buf)
	if buf.String() != "no exceptions\n" {
		t.Errorf("%q", buf.String())
	}
}
