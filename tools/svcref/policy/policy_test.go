package policy_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/svcref/policy"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		want    []policy.Pattern
		wantErr error
	}{
		{
			name: "statement object, action string",
			doc:  `{"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}`,
			want: []policy.Pattern{{File: "p.json", Statement: "#0", Effect: "Allow", Element: "Action", Pattern: "s3:Get*"}},
		},
		{
			name: "statement list, sid, not-action list",
			doc: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "A", "Effect": "Deny", "NotAction": ["iam:*", "sts:AssumeRole"], "Resource": "*"},
				{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`,
			want: []policy.Pattern{
				{File: "p.json", Statement: "A", Effect: "Deny", Element: "NotAction", Pattern: "iam:*"},
				{File: "p.json", Statement: "A", Effect: "Deny", Element: "NotAction", Pattern: "sts:AssumeRole"},
				{File: "p.json", Statement: "#1", Effect: "Allow", Element: "Action", Pattern: "*"},
			},
		},
		{name: "not JSON", doc: `{"Statement": [`, wantErr: policy.ErrInvalidPolicy},
		{name: "trailing data", doc: `{"Statement": {"Effect": "Allow", "Action": "*"}} {}`, wantErr: policy.ErrInvalidPolicy},
		{name: "not an object", doc: `["s3:*"]`, wantErr: policy.ErrInvalidPolicy},
		{name: "no statement", doc: `{"Version": "2012-10-17"}`, wantErr: policy.ErrInvalidPolicy},
		{name: "null statement", doc: `{"Statement": null}`, wantErr: policy.ErrInvalidPolicy},
		{name: "empty statement list", doc: `{"Statement": []}`, wantErr: policy.ErrInvalidPolicy},
		{name: "null action", doc: `{"Statement": {"Effect": "Allow", "Action": null}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "statement is a string", doc: `{"Statement": "Allow"}`, wantErr: policy.ErrInvalidPolicy},
		{name: "statement object malformed", doc: `{"Statement": {"Effect": 1}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "bad effect", doc: `{"Statement": {"Effect": "allow", "Action": "*"}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "no action", doc: `{"Statement": {"Effect": "Allow", "Resource": "*"}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "action and not-action", doc: `{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "action is a number", doc: `{"Statement": {"Effect": "Allow", "Action": 3}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "action list empty", doc: `{"Statement": {"Effect": "Allow", "Action": []}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "action without service", doc: `{"Statement": {"Effect": "Allow", "Action": "GetObject"}}`, wantErr: policy.ErrInvalidPolicy},
		{name: "action with empty name", doc: `{"Statement": {"Effect": "Allow", "Action": ["s3:"]}}`, wantErr: policy.ErrInvalidPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := policy.Parse("p.json", []byte(tt.doc))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	got, skipped, err := policy.Load(context.Background(), os.DirFS("testdata"), "policies")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []policy.Pattern{
		{File: "policies/deny-data.json", Statement: "DenyObjectWrites", Effect: "Deny", Element: "Action", Pattern: "s3:Put*"},
		{File: "policies/deny-data.json", Statement: "DenyObjectWrites", Effect: "Deny", Element: "Action", Pattern: "s3:DeleteObject"},
		{File: "policies/deny-data.json", Statement: "#1", Effect: "Deny", Element: "NotAction", Pattern: "iam:Get*"},
		{File: "policies/nested/allow-tags.json", Statement: "AllowTagging", Effect: "Allow", Element: "Action", Pattern: "ec2:*Tags"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"policies/manifest.json"}, skipped); diff != "" {
		t.Errorf("Load skipped mismatch (-want +got):\n%s", diff)
	}
	if loc := got[2].Location(); loc != "policies/deny-data.json statement #1 (Deny NotAction)" {
		t.Errorf("Location() = %q", loc)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bad := fstest.MapFS{"p/a.json": {Data: []byte(`{"Statement": {"Effect": "Allow", "Action": "s3:*"}}`)}, "p/b.JSON": {Data: []byte(`{"Version": "2012-10-17"}`)}}
	tests := []struct {
		name    string
		ctx     context.Context
		fsys    fs.FS
		root    string
		wantErr error
	}{
		{name: "folder missing", ctx: context.Background(), fsys: os.DirFS("testdata"), root: "nope", wantErr: fs.ErrNotExist},
		{name: "only a manifest", ctx: context.Background(), fsys: fstest.MapFS{"p/manifest.json": {Data: []byte(`{"quotas": {}}`)}}, root: "p", wantErr: policy.ErrNoPolicies},
		{name: "no policy files", ctx: context.Background(), fsys: os.DirFS("testdata"), root: "empty", wantErr: policy.ErrNoPolicies},
		{name: "one bad file", ctx: context.Background(), fsys: bad, root: "p", wantErr: policy.ErrInvalidPolicy},
		{name: "cancelled", ctx: cancelled, fsys: os.DirFS("testdata"), root: "policies", wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := policy.Load(tt.ctx, tt.fsys, tt.root)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestGrantsMore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		effect, element string
		want            bool
	}{
		{"Allow", "Action", true},
		{"Deny", "NotAction", true},
		{"Deny", "Action", false},
		{"Allow", "NotAction", false},
	}
	for _, tt := range tests {
		p := policy.Pattern{Effect: tt.effect, Element: tt.element, Pattern: "s3:*"}
		if got := p.GrantsMore(); got != tt.want {
			t.Errorf("%s %s: GrantsMore() = %v, want %v", tt.effect, tt.element, got, tt.want)
		}
	}
}
