package svcref_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/svcref"
)

func loadMini(t testing.TB) *svcref.Catalog {
	t.Helper()
	c, err := svcref.LoadDir(context.Background(), filepath.Join("testdata", "mini"))
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	return c
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dir     string
		wantErr error
	}{
		{name: "no such directory", dir: "does-not-exist", wantErr: fs.ErrNotExist},
		{name: "not a directory", dir: "mini/s3.json", wantErr: svcref.ErrInvalidSnapshot},
		{name: "index missing", dir: "no-index", wantErr: fs.ErrNotExist},
		{name: "index not JSON", dir: "bad-index-json", wantErr: svcref.ErrInvalidSnapshot},
		{name: "index empty", dir: "empty-index", wantErr: svcref.ErrInvalidSnapshot},
		{name: "service name is a path", dir: "bad-name", wantErr: svcref.ErrInvalidSnapshot},
		{name: "service listed twice", dir: "dup-service", wantErr: svcref.ErrInvalidSnapshot},
		{name: "service file missing", dir: "missing-file", wantErr: fs.ErrNotExist},
		{name: "service file not JSON", dir: "bad-service-json", wantErr: svcref.ErrInvalidSnapshot},
		{name: "service file for another service", dir: "wrong-name", wantErr: svcref.ErrInvalidSnapshot},
		{name: "action listed twice", dir: "dup-action", wantErr: svcref.ErrInvalidSnapshot},
		{name: "action name with wildcard", dir: "bad-action-name", wantErr: svcref.ErrInvalidSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := svcref.LoadDir(context.Background(), filepath.Join("testdata", tt.dir))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadDir(%s) error = %v, want %v", tt.dir, err, tt.wantErr)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := svcref.LoadDir(ctx, filepath.Join("testdata", "mini"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadDir with cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestServices(t *testing.T) {
	t.Parallel()
	c := loadMini(t)
	var names []string
	for _, s := range c.Services() {
		names = append(names, s.Name+"@"+s.Version)
	}
	if diff := cmp.Diff([]string{"ec2@v1.4", "iam@v1.3", "s3@v1.4"}, names); diff != "" {
		t.Errorf("Services() mismatch (-want +got):\n%s", diff)
	}
	s3, ok := c.Service("S3")
	if !ok {
		t.Fatal(`Service("S3") not found`)
	}
	want := &svcref.Service{
		Name:    "s3",
		Version: "v1.4",
		Actions: []svcref.Action{
			{Service: "s3", Name: "GetObject", Resources: []string{"object"}, ConditionKeys: []string{"s3:ExistingObjectTag/<key>"}},
			{Service: "s3", Name: "ListBucket", Resources: []string{"bucket"}, IsList: true},
			{Service: "s3", Name: "PutBucketPolicy", Resources: []string{"bucket"}, IsWrite: true, IsPermissionManagement: true},
			{Service: "s3", Name: "PutObject", Resources: []string{"object"}, ConditionKeys: []string{"s3:RequestObjectTag/<key>", "s3:x-amz-acl"}, IsWrite: true},
			{Service: "s3", Name: "PutObjectTagging", Resources: []string{"object"}, IsWrite: true, IsTaggingOnly: true},
		},
		ConditionKeys: []svcref.ConditionKey{
			{Name: "s3:ExistingObjectTag/<key>", Types: []string{"String"}},
			{Name: "s3:RequestObjectTag/<key>", Types: []string{"String"}},
			{Name: "s3:x-amz-acl", Types: []string{"String"}},
		},
		Resources: []svcref.Resource{
			{Name: "bucket", ARNFormats: []string{"arn:${Partition}:s3:::${BucketName}"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}},
			{Name: "object", ARNFormats: []string{"arn:${Partition}:s3:::${BucketName}/${ObjectName}"}},
		},
	}
	if diff := cmp.Diff(want, s3); diff != "" {
		t.Errorf("Service(s3) mismatch (-want +got):\n%s", diff)
	}
	if _, ok := c.Service("s4"); ok {
		t.Error(`Service("s4") found, want not found`)
	}
}

func TestAction(t *testing.T) {
	t.Parallel()
	c := loadMini(t)
	tests := []struct {
		name       string
		fullName   string
		wantOK     bool
		wantName   string
		wantAccess string
	}{
		{name: "exact", fullName: "s3:GetObject", wantOK: true, wantName: "s3:GetObject", wantAccess: svcref.AccessRead},
		{name: "case-insensitive", fullName: "S3:getobject", wantOK: true, wantName: "s3:GetObject", wantAccess: svcref.AccessRead},
		{name: "write", fullName: "s3:PutObject", wantOK: true, wantName: "s3:PutObject", wantAccess: svcref.AccessWrite},
		{name: "list", fullName: "s3:ListBucket", wantOK: true, wantName: "s3:ListBucket", wantAccess: svcref.AccessList},
		{name: "permissions management beats write", fullName: "iam:PassRole", wantOK: true, wantName: "iam:PassRole", wantAccess: svcref.AccessPermissionsManagement},
		{name: "tagging beats write", fullName: "ec2:CreateTags", wantOK: true, wantName: "ec2:CreateTags", wantAccess: svcref.AccessTagging},
		{name: "unknown action", fullName: "s3:GetObjects", wantOK: false},
		{name: "unknown service", fullName: "s4:GetObject", wantOK: false},
		{name: "no colon", fullName: "s3GetObject", wantOK: false},
		{name: "wildcard is not a name", fullName: "s3:Get*", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, ok := c.Action(tt.fullName)
			if ok != tt.wantOK {
				t.Fatalf("Action(%q) ok = %v, want %v", tt.fullName, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if got := a.FullName(); got != tt.wantName {
				t.Errorf("FullName() = %q, want %q", got, tt.wantName)
			}
			if got := a.AccessLevel(); got != tt.wantAccess {
				t.Errorf("AccessLevel() = %q, want %q", got, tt.wantAccess)
			}
		})
	}
}

func TestAllActions(t *testing.T) {
	t.Parallel()
	c := loadMini(t)
	want := []string{
		"ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags", "ec2:RunInstances",
		"iam:GetRole", "iam:PassRole",
		"s3:GetObject", "s3:ListBucket", "s3:PutBucketPolicy", "s3:PutObject", "s3:PutObjectTagging",
	}
	got := c.AllActions()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllActions() mismatch (-want +got):\n%s", diff)
	}
	got[0] = "mutated"
	if c.AllActions()[0] != want[0] {
		t.Error("AllActions() returned the catalogue's own slice")
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	c := loadMini(t)
	tests := []struct {
		name    string
		pattern string
		want    []string
		wantErr error
	}{
		{name: "prefix", pattern: "s3:Put*", want: []string{"s3:PutBucketPolicy", "s3:PutObject", "s3:PutObjectTagging"}},
		{name: "suffix", pattern: "ec2:*Tags", want: []string{"ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags"}},
		{name: "infix", pattern: "s3:Put*Tagging", want: []string{"s3:PutObjectTagging"}},
		{name: "question mark", pattern: "ec2:?eleteTags", want: []string{"ec2:DeleteTags"}},
		{name: "case-insensitive", pattern: "S3:put*", want: []string{"s3:PutBucketPolicy", "s3:PutObject", "s3:PutObjectTagging"}},
		{name: "literal", pattern: "iam:passrole", want: []string{"iam:PassRole"}},
		{name: "service wildcard", pattern: "*:Get*", want: []string{"iam:GetRole", "s3:GetObject"}},
		{name: "service star", pattern: "iam:*", want: []string{"iam:GetRole", "iam:PassRole"}},
		{name: "everything", pattern: "*", want: c.AllActions()},
		{name: "unknown service", pattern: "s4:Get*", wantErr: svcref.ErrUnknownService},
		{name: "service wildcard matches nothing", pattern: "zz*:Get*", wantErr: svcref.ErrUnknownService},
		{name: "matches nothing", pattern: "s3:Delete*", wantErr: svcref.ErrNoMatch},
		{name: "question mark needs a character", pattern: "ec2:?CreateTags", wantErr: svcref.ErrNoMatch},
		{name: "empty", pattern: "", wantErr: svcref.ErrInvalidPattern},
		{name: "no colon", pattern: "s3Get*", wantErr: svcref.ErrInvalidPattern},
		{name: "empty action", pattern: "s3:", wantErr: svcref.ErrInvalidPattern},
		{name: "empty service", pattern: ":GetObject", wantErr: svcref.ErrInvalidPattern},
		{name: "two colons", pattern: "s3:Get:Object", wantErr: svcref.ErrInvalidPattern},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Expand(tt.pattern)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Expand(%q) error = %v, want %v", tt.pattern, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tt.pattern, diff)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:*", "s3-object-lambda:GetObject", false},
		{"s3*:*", "s3-object-lambda:GetObject", true},
		{"s3:get*", "S3:GetObject", true},
		{"s3:Get*Acl", "s3:GetObjectAcl", true},
		{"s3:Get*Acl", "s3:GetObjectAclX", false},
		{"s3:*Object*", "s3:GetObjectTagging", true},
		{"s3:G?tObject", "s3:GetObject", true},
		{"s3:G?tObject", "s3:GtObject", false},
		{"s3:GetObject", "s3:GetObjects", false},
		{"s3:GetObject*", "s3:GetObject", true},
		{"**:*a*b*", "x:ab", true},
		{"", "", true},
		{"", "s3:GetObject", false},
	}
	for _, tt := range tests {
		if got := svcref.Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestHasConditionKey(t *testing.T) {
	t.Parallel()
	c := loadMini(t)
	tests := []struct {
		key  string
		want bool
	}{
		{"s3:x-amz-acl", true},
		{"S3:X-AMZ-ACL", true},
		{"ec2:InstanceType", true},
		{"s3:ExistingObjectTag/env", true},
		{"s3:ExistingObjectTag/", false},
		{"ec2:ResourceTag/Team", true},
		{"iam:PassedToService", true},
		{"iam:PassedToServices", false},
		{"s3:NoSuchKey", false},
		{"", false},
		// Global keys come from the documented table, not from the snapshot.
		{"aws:PrincipalArn", true},
		{"aws:principalorgid", true},
		{"aws:CalledViaFirst", true},
		{"aws:CalledVia", true},
		{"aws:CalledViaLast", true},
		{"aws:ViaAWSService", true},
		{"aws:SourceArn", true},
		{"aws:SourceAccount", true},
		{"aws:RequestedRegion", true},
		{"aws:TagKeys", true},
		{"aws:PrincipalTag/CostCenter", true},
		{"aws:RequestTag/Team", true},
		{"aws:ResourceTag/Team", true},
		{"aws:PrincipalTag/", false},
		{"aws:NoSuchGlobalKey", false},
	}
	for _, tt := range tests {
		if got := c.HasConditionKey(tt.key); got != tt.want {
			t.Errorf("HasConditionKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestGlobalConditionKeys(t *testing.T) {
	t.Parallel()
	keys := svcref.GlobalConditionKeys()
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k.Name] {
			t.Errorf("global key %s listed twice", k.Name)
		}
		seen[k.Name] = true
		if len(k.Types) == 0 {
			t.Errorf("global key %s has no type", k.Name)
		}
	}
	keys[0].Types[0] = "mutated"
	if svcref.GlobalConditionKeys()[0].Types[0] == "mutated" {
		t.Error("GlobalConditionKeys() returned shared slices")
	}
}

func TestNewCatalogDuplicate(t *testing.T) {
	t.Parallel()
	_, err := svcref.NewCatalog([]*svcref.Service{{Name: "s3"}, {Name: "S3"}})
	if !errors.Is(err, svcref.ErrInvalidSnapshot) {
		t.Fatalf("NewCatalog with duplicate services: error = %v, want ErrInvalidSnapshot", err)
	}
	_, err = svcref.NewCatalog([]*svcref.Service{{Name: "s3", Actions: []svcref.Action{
		{Service: "s3", Name: "GetObject"}, {Service: "s3", Name: "getObject"},
	}}})
	if !errors.Is(err, svcref.ErrInvalidSnapshot) {
		t.Fatalf("NewCatalog with duplicate actions: error = %v, want ErrInvalidSnapshot", err)
	}
}
