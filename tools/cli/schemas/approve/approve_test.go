package approve_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/schemas/approve"
	"github.com/rcfge/rcfge/tools/render"
)

func TestNewCmdApproveFlags(t *testing.T) {
	t.Setenv("USER", "someone")
	base := []string{"--source", "s", "--templates", "t", "--reason", "CHG-1"}
	tests := []struct {
		name    string
		args    []string
		want    approve.ApproveOptions
		wantErr string
	}{
		{
			name: "property and enum value",
			args: append(append([]string{}, base...), "--by", "ann", "AWS::S3::Bucket", "/BucketNamePrefix", "/Rules/*/StorageClass=GLACIER_IR"),
			want: approve.ApproveOptions{Source: "s", Templates: "t", Reason: "CHG-1", By: "ann", Type: "AWS::S3::Bucket", Format: render.Text,
				Grants: []approval.Grant{{Path: "/BucketNamePrefix"}, {Path: "/Rules/*/StorageClass", Value: "GLACIER_IR", Enum: true}}},
		},
		{
			name: "whole type",
			args: append(append([]string{}, base...), "--by", "ann", "--format", "json", "AWS::SQS::Queue"),
			want: approve.ApproveOptions{Source: "s", Templates: "t", Reason: "CHG-1", By: "ann", Type: "AWS::SQS::Queue", Format: render.JSON},
		},
		{name: "no type", args: base, wantErr: "requires at least 1 arg"},
		{name: "no reason", args: []string{"--source", "s", "--templates", "t", "AWS::S3::Bucket"}, wantErr: "--reason is required"},
		{name: "no source", args: []string{"--templates", "t", "--reason", "r", "AWS::S3::Bucket"}, wantErr: "--source is required"},
		{name: "no templates", args: []string{"--source", "s", "--reason", "r", "AWS::S3::Bucket"}, wantErr: "--templates is required"},
		{name: "path without slash", args: append(append([]string{}, base...), "AWS::S3::Bucket", "BucketNamePrefix"), wantErr: "want an instance path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cli.Test()
			var got *approve.ApproveOptions
			cmd := approve.NewCmdApprove(&cli.Factory{IO: ios}, func(o *approve.ApproveOptions) error { got = o; return nil })
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
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(approve.ApproveOptions{}, "IO", "AWSConfig")); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
	// --by defaults to git's user.name, else $USER: never empty.
	ios, _, _, _ := cli.Test()
	var got *approve.ApproveOptions
	cmd := approve.NewCmdApprove(&cli.Factory{IO: ios}, func(o *approve.ApproveOptions) error { got = o; return nil })
	cmd.SetArgs(append(append([]string{}, base...), "AWS::S3::Bucket"))
	if err := cmd.Execute(); err != nil || got.By == "" {
		t.Errorf("default --by: %q, %v", got.By, err)
	}
}
