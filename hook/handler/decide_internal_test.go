package handler

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
)

// TestEngineMessage pins the words an operator reads for each engine failure, and that the
// engine's own prefix is dropped while its cause is kept.
func TestEngineMessage(t *testing.T) {
	inner := errors.New("bad keyword")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"invalid template named once", &engine.Error{Kind: engine.KindInvalidTemplate, TypeName: "AWS::S3::Bucket", Template: "t.json", Err: inner},
			"the approved template is invalid: template t.json: bad keyword"},
		{"invalid template already named", &engine.Error{Kind: engine.KindInvalidTemplate, Template: "t.json", Err: errors.New("t.json: bad keyword")},
			"the approved template is invalid: t.json: bad keyword"},
		{"invalid template without a key", &engine.Error{Kind: engine.KindInvalidTemplate, Err: inner},
			"the approved template is invalid: bad keyword"},
		{"store", &engine.Error{Kind: engine.KindStore, Err: inner}, "the template store failed: bad keyword"},
		{"deadline kind", &engine.Error{Kind: engine.KindDeadline, Err: context.Canceled}, "rcfge could not decide in time (deadline): context canceled"},
		{"deadline wrapped", fmt.Errorf("s3: %w", context.DeadlineExceeded), "rcfge could not decide in time (deadline): s3: context deadline exceeded"},
		{"anything else", errors.New("boom"), "rcfge failed: boom"},
	}
	for _, tt := range tests {
		if got := engineMessage(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCause(t *testing.T) {
	inner := errors.New("inner")
	plain := errors.New("plain")
	bare := &engine.Error{Kind: engine.KindStore}
	for _, tt := range []struct {
		in, want error
	}{
		{&engine.Error{Kind: engine.KindStore, Err: inner}, inner},
		{fmt.Errorf("wrapped: %w", &engine.Error{Kind: engine.KindStore, Err: inner}), inner},
		{plain, plain},
		{bare, bare},
	} {
		if got := cause(tt.in); got != tt.want {
			t.Errorf("cause(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
