package revoke_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/revoke"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdRevokeFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    revoke.RevokeOptions
		wantErr string
	}{
		{
			name: "enum value",
			args: []string{"--source", "s", "--templates", "t", "--reason", "CHG-2", "--by", "bob", "AWS::S3::Bucket", "/S=GLACIER_IR"},
			want: revoke.RevokeOptions{Source: "s", Templates: "t", Reason: "CHG-2", By: "bob", Type: "AWS::S3::Bucket", Format: render.Text,
				Grants: []approval.Grant{{Path: "/S", Value: "GLACIER_IR", Enum: true}}},
		},
		{name: "no reason", args: []string{"--source", "s", "--templates", "t", "AWS::S3::Bucket"}, wantErr: "--reason is required"},
		{name: "bad path", args: []string{"--source", "s", "--templates", "t", "--reason", "r", "AWS::S3::Bucket", "/A/"}, wantErr: "want an instance path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *revoke.RevokeOptions
			cmd := revoke.NewCmdRevoke(&cli.Factory{IO: ios}, func(o *revoke.RevokeOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Execute() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(revoke.RevokeOptions{}, "IO", "AWSConfig")); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}
