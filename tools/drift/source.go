package drift

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// ErrNoSchemas means a provider schema source holds no *.json file.
var ErrNoSchemas = errors.New("no provider schemas found")

// ErrUnknownType means the source has no provider schema for the type.
var ErrUnknownType = errors.New("no provider schema for type")

// OpenSource opens a folder or a zip (the CloudformationSchema.zip AWS publishes) of provider
// schemas. The caller closes the returned Closer.
func OpenSource(name string) (fs.FS, io.Closer, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, nil, fmt.Errorf("provider schemas %s: %w", name, err)
	}
	if st.IsDir() {
		return os.DirFS(name), io.NopCloser(nil), nil
	}
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, nil, fmt.Errorf("provider schemas %s: not a folder or a zip: %w", name, err)
	}
	return zr, zr, nil
}

// Schema is one provider schema as read from a source.
type Schema struct {
	TypeName string
	// File is the schema's path inside the source.
	File string
	// Digest is "sha256:<hex>" of the file's bytes, as the generator records it in x-rcfge.source.
	Digest string
	// Doc is the decoded schema (numbers as json.Number).
	Doc map[string]any
}

// Source indexes the provider schemas of a folder or zip by file name and decodes them on demand:
// a drift run over 15 templates reads 15 of the 1,655 schemas, not all of them.
type Source struct {
	fsys fs.FS
	// files maps a normalized type key (aws-s3-bucket) to its path in fsys.
	files map[string]string
}

// NewSource indexes every *.json file below the root of fsys. Files must be named after their type,
// in the registry's form (aws-s3-bucket.json) or rcfge's (AWS-S3-Bucket.json). Where two folders hold
// the same type (one per region), the first in lexical order wins.
func NewSource(ctx context.Context, fsys fs.FS) (*Source, error) {
	s := &Source{fsys: fsys, files: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		key := typeKey(strings.TrimSuffix(path.Base(p), ".json"))
		if _, dup := s.files[key]; !dup {
			s.files[key] = p
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("provider schemas: %w", err)
	}
	if len(s.files) == 0 {
		return nil, ErrNoSchemas
	}
	return s, nil
}

// typeKey normalizes a type name or a schema file's base name: AWS::S3::Bucket, AWS-S3-Bucket and
// aws-s3-bucket all give aws-s3-bucket.
func typeKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "::", "-"))
}

// Len returns the number of schema files indexed.
func (s *Source) Len() int { return len(s.files) }

// Has reports whether the source holds a schema file for the type.
func (s *Source) Has(typeName string) bool {
	_, ok := s.files[typeKey(typeName)]
	return ok
}

// Get reads and decodes the provider schema of a type.
func (s *Source) Get(typeName string) (Schema, error) {
	p, ok := s.files[typeKey(typeName)]
	if !ok {
		return Schema{}, fmt.Errorf("%w %s", ErrUnknownType, typeName)
	}
	body, err := fs.ReadFile(s.fsys, p)
	if err != nil {
		return Schema{}, fmt.Errorf("provider schema %s: %w", p, err)
	}
	doc, err := decodeObject(body)
	if err != nil {
		return Schema{}, fmt.Errorf("provider schema %s: %w", p, err)
	}
	tn, _ := doc["typeName"].(string)
	if tn != typeName {
		return Schema{}, fmt.Errorf("provider schema %s: typeName %q, want %q", p, tn, typeName)
	}
	sum := sha256.Sum256(body)
	return Schema{TypeName: tn, File: p, Digest: "sha256:" + hex.EncodeToString(sum[:]), Doc: doc}, nil
}

// TypeNames returns the type names of every schema in the source, sorted. It reads only as much of
// each file as it takes to find the top-level typeName.
func (s *Source) TypeNames(ctx context.Context) ([]string, error) {
	names := make([]string, 0, len(s.files))
	for _, p := range s.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tn, err := readTypeName(s.fsys, p)
		if err != nil {
			return nil, err
		}
		names = append(names, tn)
	}
	sort.Strings(names)
	return names, nil
}

// readTypeName streams tokens until the top-level "typeName"; AWS writes it first.
func readTypeName(fsys fs.FS, p string) (string, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", fmt.Errorf("provider schema %s: %w", p, err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", fmt.Errorf("provider schema %s: not a JSON object", p)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("provider schema %s: %w", p, err)
		}
		if tok == "typeName" {
			var tn string
			if err := dec.Decode(&tn); err != nil {
				return "", fmt.Errorf("provider schema %s: typeName: %w", p, err)
			}
			return tn, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", fmt.Errorf("provider schema %s: %w", p, err)
		}
	}
	return "", fmt.Errorf("provider schema %s: no typeName", p)
}

// decodeObject decodes one JSON object with numbers kept as json.Number.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if doc == nil {
		return nil, errors.New("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: more than one value")
	}
	return doc, nil
}
