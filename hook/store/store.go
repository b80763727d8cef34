// Package store defines where restricted schema templates come from. Implementations live in
// child packages: dirstore (a folder or the embedded default) and s3store.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rcfge/rcfge/hook/ident"
)

// ErrNotFound means the store has no template for the type: the type is not approved.
var ErrNotFound = errors.New("template not found")

// ErrInvalidType means the name is not a CloudFormation type name and cannot name a template.
var ErrInvalidType = errors.New("invalid resource type name")

// Template is one restricted schema template as the store holds it.
type Template struct {
	// Key says where it came from (file path or S3 key); it names the template in errors.
	Key string
	// Version is opaque: the same Key and Version always mean the same Body (a digest or an ETag).
	Version string
	// Body is the raw JSON. Callers must not modify it.
	Body []byte
}

// Store looks up the template for a resource type. accountID selects a per-account override where
// the store supports one; it may be empty.
type Store interface {
	Get(ctx context.Context, typeName, accountID string) (Template, error)
}

var (
	typePart   = ident.NewSet("A-Za-z0-9")
	customName = ident.NewSet("A-Za-z0-9_@-")
)

// validRegistryType admits registry types: three alphanumeric parts (AWS::S3::Bucket, third-party
// Org::Service::Resource) or four (modules, Org::Service::Name::MODULE). No hyphen, so the
// file name maps back to exactly one type. It is ^[A-Za-z0-9]{1,64}(::[A-Za-z0-9]{1,64}){2,3}$:
// a part holds no ':', so splitting at "::" finds the parts the regexp would.
func validRegistryType(s string) bool {
	parts := strings.Count(s, "::") + 1
	if parts < 3 || parts > 4 {
		return false
	}
	for part := range strings.SplitSeq(s, "::") {
		if !ident.Run(part, typePart, 1, 64) {
			return false
		}
	}
	return true
}

// validCustomType admits custom resources: exactly two parts, the name may carry _ @ and -:
// ^Custom::[A-Za-z0-9_@-]{1,60}$. Nothing in either grammar can climb out of a folder or an S3
// prefix.
func validCustomType(s string) bool {
	name, ok := strings.CutPrefix(s, "Custom::")
	return ok && ident.Run(name, customName, 1, 60)
}

// ValidTypeName reports whether s is a resource type name a template can exist for. The Custom
// namespace follows only the custom-resource grammar, so Custom::A::B cannot share a file with
// Custom::A-B.
func ValidTypeName(s string) bool {
	if strings.HasPrefix(s, "Custom::") {
		return validCustomType(s)
	}
	return validRegistryType(s)
}

// FileName maps a type name to its template file name: AWS::S3::Bucket -> AWS-S3-Bucket.json,
// Custom::My-Thing -> Custom-My-Thing.json.
func FileName(typeName string) (string, error) {
	if !ValidTypeName(typeName) {
		return "", fmt.Errorf("%w: %q", ErrInvalidType, typeName)
	}
	return strings.ReplaceAll(typeName, "::", "-") + ".json", nil
}

// TypeName maps a template file name back to its type name: AWS-S3-Bucket.json -> AWS::S3::Bucket,
// Custom-My-Thing.json -> Custom::My-Thing. ok is false when the name is not a template file name.
// It is the exact inverse of FileName.
func TypeName(fileName string) (typeName string, ok bool) {
	base, found := strings.CutSuffix(fileName, ".json")
	if !found {
		return "", false
	}
	t := strings.ReplaceAll(base, "-", "::")
	if name, custom := strings.CutPrefix(base, "Custom-"); custom {
		t = "Custom::" + name
	}
	if !ValidTypeName(t) {
		return "", false
	}
	return t, true
}

// FileStore is implemented by stores that also hold named files beside the templates, such as
// the governed exceptions file (exceptions.json). accountID selects a per-account override where
// the store supports one. A missing file is ErrNotFound.
type FileStore interface {
	GetFile(ctx context.Context, name, accountID string) (Template, error)
}
