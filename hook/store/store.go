// Package store defines where restricted schema templates come from. Implementations live in
// child packages: dirstore (a folder or the embedded default) and s3store.
package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
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

// typeNameRE admits AWS types (three parts), modules (four) and custom resources (Custom::Name,
// whose names may carry _ @ -). Nothing in it can climb out of a folder or an S3 prefix.
var typeNameRE = regexp.MustCompile(`^[A-Za-z0-9]{1,64}(::[A-Za-z0-9_@-]{1,64}){1,3}$`)

// fileTypeRE is the subset whose file names map back unambiguously.
var fileTypeRE = regexp.MustCompile(`^[A-Za-z0-9]{1,64}(::[A-Za-z0-9]{1,64}){1,3}$`)

// FileName maps a type name to its template file name: AWS::S3::Bucket -> AWS-S3-Bucket.json.
func FileName(typeName string) (string, error) {
	if !typeNameRE.MatchString(typeName) {
		return "", fmt.Errorf("%w: %q", ErrInvalidType, typeName)
	}
	return strings.ReplaceAll(typeName, "::", "-") + ".json", nil
}

// TypeName maps a template file name back to its type name: AWS-S3-Bucket.json -> AWS::S3::Bucket.
// ok is false when the name is not a template file name.
func TypeName(fileName string) (typeName string, ok bool) {
	base, found := strings.CutSuffix(fileName, ".json")
	if !found || strings.Contains(base, "/") {
		return "", false
	}
	t := strings.ReplaceAll(base, "-", "::")
	if !fileTypeRE.MatchString(t) {
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
