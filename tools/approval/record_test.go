package approval_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/approval"
)

func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	when := time.Date(2026, 8, 10, 12, 30, 0, 987, time.FixedZone("CEST", 2*3600))
	entries := []approval.Entry{
		approval.NewEntry(approval.Approve, "AWS::S3::Bucket", approval.Grant{Path: "/BucketNamePrefix"}, "CHG-1", "Ann", when, "sha256:aa"),
		approval.NewEntry(approval.Approve, "AWS::S3::Bucket", approval.Grant{Path: "/S", Value: "GLACIER_IR", Enum: true}, "CHG-2 \"quoted\" <b>", "Bob", when, "sha256:bb"),
		approval.NewEntry(approval.Approve, "AWS::S3::Bucket", approval.Grant{Path: "/S", Value: "", Enum: true}, "empty value", "Bob", when, "sha256:bb"),
		approval.NewEntry(approval.Revoke, "AWS::SQS::Queue", approval.Grant{}, "CHG-3", "Cy", when, ""),
	}
	path := filepath.Join(t.TempDir(), approval.RecordFile)
	if err := approval.AppendRecord(path, entries[:2]...); err != nil {
		t.Fatal(err)
	}
	if err := approval.AppendRecord(path, entries[2:]...); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != len(entries) {
		t.Errorf("%d lines, want one per entry (%d)", n, len(entries))
	}
	got, err := approval.ReadRecord(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ReadRecord() error = %v", err)
	}
	if diff := cmp.Diff(entries, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	for i, e := range got {
		if e.When.Location() != time.UTC || e.When.Nanosecond() != 0 {
			t.Errorf("entry %d: when %v, want UTC to the second", i, e.When)
		}
		if g := e.Grant(); g != entries[i].Grant() {
			t.Errorf("entry %d: grant %+v, want %+v", i, g, entries[i].Grant())
		}
	}
	if !strings.Contains(string(b), `"when":"2026-08-10T10:30:00Z"`) {
		t.Errorf("when is not RFC 3339 UTC:\n%s", b)
	}
}

func TestReadRecordErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not JSON", "{\n", "approvals record line 1:"},
		{"unknown field", `{"action":"approve","type":"T","reason":"r","by":"b","when":"2026-01-01T00:00:00Z","source":"","extra":1}`, `line 1: json: unknown field "extra"`},
		{"bad action", `{"action":"allow","type":"T"}`, `line 1: action "allow"`},
		{"no type", "\n" + `{"action":"revoke"}`, "line 2: no type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := approval.ReadRecord(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadRecord() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestAppendRecordError(t *testing.T) {
	t.Parallel()
	err := approval.AppendRecord(filepath.Join(t.TempDir(), "missing", approval.RecordFile))
	if err == nil || !strings.Contains(err.Error(), "approvals record") {
		t.Fatalf("AppendRecord() error = %v", err)
	}
}
