package store_test

import (
	"errors"
	"testing"

	"github.com/rcfge/rcfge/hook/store"
)

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typeName string
		want     string // "" means refused
	}{
		{"AWS::S3::Bucket", "AWS-S3-Bucket.json"},
		{"AWS::EC2::VPCEndpoint", "AWS-EC2-VPCEndpoint.json"},
		{"Org::Service::Name::MODULE", "Org-Service-Name-MODULE.json"},
		{"Custom::My-Thing", "Custom-My-Thing.json"},
		{"Custom::a_b@c", "Custom-a_b@c.json"},
		{"Custom::-", "Custom--.json"},
		// A hyphen (or _ @) in any position of a registry type would map onto another type's file.
		{"AWS::S3-Bucket", ""},
		{"AWS-S3::Bucket", ""},
		{"AWS::S3::Bucket-", ""},
		{"-AWS::S3::Bucket", ""},
		{"AWS::S3::-Bucket", ""},
		{"AWS::S3::Buck_et", ""},
		{"AWS::S3::Buck@et", ""},
		{"AWS::S3", ""},
		{"AWS::S3::Bucket::Part::Five", ""},
		{"AWS::S3::", ""},
		{"::S3::Bucket", ""},
		{"AWS:S3:Bucket", ""},
		{"Custom::", ""},
		{"Custom::A::B", ""},
		{"Custom::a/b", ""},
		{"../../etc/passwd", ""},
		{"AWS::S3::Bucket/../x", ""},
		{"AWS::S3::Bucket\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := store.FileName(tt.typeName)
		if tt.want == "" {
			if err == nil || !errors.Is(err, store.ErrInvalidType) {
				t.Errorf("FileName(%q) = %q, %v; want ErrInvalidType", tt.typeName, got, err)
			}
			if store.ValidTypeName(tt.typeName) {
				t.Errorf("ValidTypeName(%q) is true", tt.typeName)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("FileName(%q) = %q, %v; want %q", tt.typeName, got, err, tt.want)
			continue
		}
		// The reverse mapping gives back exactly the type.
		if back, ok := store.TypeName(got); !ok || back != tt.typeName {
			t.Errorf("TypeName(%q) = %q, %v; want %q", got, back, ok, tt.typeName)
		}
	}
}

func TestTypeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want string // "" means not a template file name
	}{
		{"AWS-S3-Bucket.json", "AWS::S3::Bucket"},
		{"Custom-My-Thing.json", "Custom::My-Thing"},
		{"Org-Service-Name-MODULE.json", "Org::Service::Name::MODULE"},
		{"exceptions.json", ""},
		{"AWS-S3-Bucket.yaml", ""},
		{"AWS-S3-Bucket", ""},
		{"AWS--S3-Bucket.json", ""},
		{"AWS-S3-Bucket-.json", ""},
		{"-AWS-S3-Bucket.json", ""},
		{"AWS-S3.json", ""},
		{"accounts/111122223333/AWS-S3-Bucket.json", ""},
		{"AWS-S3-Bu_cket.json", ""},
		{".json", ""},
	}
	for _, tt := range tests {
		got, ok := store.TypeName(tt.file)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("TypeName(%q) = %q, %v; want %q", tt.file, got, ok, tt.want)
		}
	}
}
