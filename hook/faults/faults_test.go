package faults_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/faults"
	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/hook/wire"
)

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Run(m, &srv)) }

func server(tb testing.TB) faults.Server {
	tb.Helper()
	if srv == nil {
		tb.Skip(s3test.SkipReason)
	}
	return faults.Server{
		S3: srv, Endpoint: srv.Endpoint, Region: s3test.Region,
		Owner:    faults.Keys{Access: s3test.RootAccess, Secret: s3test.RootSecret},
		Stranger: faults.Keys{Access: s3test.StrangerAccess, Secret: s3test.StrangerSecret},
	}
}

// TestMatrix plays every fault against versitygw under both policies and holds each answer to
// its row: the configured answer with a specific message, never SUCCESS by accident, no panic.
func TestMatrix(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results, err := faults.Run(ctx, server(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * len(faults.Rows()); len(results) != want {
		t.Fatalf("%d results, want %d", len(results), want)
	}
	if err := faults.Check(results); err != nil {
		t.Error(err)
	}
	var md bytes.Buffer
	if err := faults.Markdown(&md, results, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range faults.Rows() {
		if !strings.Contains(md.String(), "| "+r.Name+" |") {
			t.Errorf("table lacks row %q", r.Name)
		}
	}
}

// TestCheck proves Check can fail: each doctored answer must be caught.
func TestCheck(t *testing.T) {
	t.Parallel()
	rows := map[string]faults.Row{}
	for _, r := range faults.Rows() {
		rows[r.Name] = r
	}
	engineRow, requestRow, control := rows["HTTP 500s"], rows["malformed request"], rows["control: compliant resource"]
	failed := func(code wire.ErrorCode, msg string) wire.Response {
		return wire.Response{HookStatus: wire.StatusFailed, ErrorCode: code, Message: msg}
	}
	success := func(msg string) wire.Response { return wire.Response{HookStatus: wire.StatusSuccess, Message: msg} }
	tests := []struct {
		name    string
		res     faults.Result
		wantErr bool
	}{
		{"expected failure", faults.Result{Row: engineRow, Policy: "FAIL", Resp: failed(wire.CodeInternalFailure, "the template store failed: S3 unavailable")}, false},
		{"warned failure", faults.Result{Row: engineRow, Policy: "WARN", Resp: success("WARN (OnEngineError=WARN), not blocking: S3 unavailable")}, false},
		{"control success", faults.Result{Row: control, Policy: "FAIL", Resp: success("AWS::S3::Bucket Bucket complies with s3://b/k")}, false},
		{"request error under WARN still fails", faults.Result{Row: requestRow, Policy: "WARN", Resp: failed(wire.CodeInvalidRequest, "invalid hook request: unexpected EOF")}, false},
		{"success by accident", faults.Result{Row: engineRow, Policy: "FAIL", Resp: success("S3 unavailable")}, true},
		{"success under WARN without naming the knob", faults.Result{Row: engineRow, Policy: "WARN", Resp: success("S3 unavailable")}, true},
		{"request error waived by WARN", faults.Result{Row: requestRow, Policy: "WARN", Resp: success("WARN (OnEngineError=WARN): invalid hook request")}, true},
		{"wrong code", faults.Result{Row: engineRow, Policy: "FAIL", Resp: failed(wire.CodeNonCompliant, "S3 unavailable")}, true},
		{"unspecific message", faults.Result{Row: engineRow, Policy: "FAIL", Resp: failed(wire.CodeInternalFailure, "rcfge failed")}, true},
		{"empty message", faults.Result{Row: control, Policy: "FAIL", Resp: wire.Response{HookStatus: wire.StatusSuccess}}, true},
		{"escaped panic", faults.Result{Row: engineRow, Policy: "FAIL", Panic: "boom"}, true},
		{"recovered panic", faults.Result{Row: engineRow, Policy: "FAIL", Resp: failed(wire.CodeInternalFailure, "request: S3 unavailable internal error: boom")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := faults.Check([]faults.Result{tt.res})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Check = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, faults.ErrMismatch) {
				t.Fatalf("error is not ErrMismatch: %v", err)
			}
		})
	}
}

// TestMarkdown: the table masks ports, escapes pipes, and reports a failed check at the top.
func TestMarkdown(t *testing.T) {
	t.Parallel()
	var row faults.Row
	for _, r := range faults.Rows() {
		if r.Name == "connection refused" {
			row = r
		}
	}
	res := []faults.Result{
		{Row: row, Policy: "FAIL", Resp: wire.Response{HookStatus: wire.StatusFailed, ErrorCode: wire.CodeInternalFailure, Message: "dial tcp 127.0.0.1:40123: connection refused | again"}},
		{Row: row, Policy: "WARN", Resp: wire.Response{HookStatus: wire.StatusSuccess, Message: "WARN"}},
	}
	var b bytes.Buffer
	if err := faults.Markdown(&b, res, errors.New("row x failed")); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"127.0.0.1:PORT: connection refused \\| again", "**CHECK FAILED:** row x failed", "| FAILED InternalFailure | SUCCESS |"} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "40123") {
		t.Errorf("port not masked:\n%s", got)
	}
	if err := faults.Markdown(failingWriter{}, res, nil); err == nil {
		t.Error("Markdown hid a write error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
