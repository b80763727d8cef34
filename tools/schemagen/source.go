package schemagen

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// ErrTypeNotFound means the source has no provider schema for the type.
var ErrTypeNotFound = errors.New("no provider schema for type")

// SchemaSource is where provider schemas come from.
type SchemaSource interface {
	// Types lists the resource type names the source holds, sorted.
	Types(ctx context.Context) ([]string, error)
	// Get returns one type's provider schema; errors.Is(err, ErrTypeNotFound) when absent.
	Get(ctx context.Context, typeName string) (Provider, error)
}

// RegistryFileName is the file name AWS's schema zip uses for a type: aws-s3-bucket.json.
func RegistryFileName(typeName string) string {
	return strings.ToLower(strings.ReplaceAll(typeName, "::", "-")) + ".json"
}

// FSSource reads provider schemas from the top level of a file system: an unzipped
// CloudformationSchema.zip, or a folder of files in the same naming.
type FSSource struct {
	fsys fs.FS
	// modified reports an entry's modification time (zip entries carry AWS's; a folder's do not
	// mean anything and report zero).
	modified func(name string) time.Time

	once  sync.Once
	index map[string]string // lower-case type name -> file name
	names []string
	err   error
}

// NewFSSource returns a source over fsys.
func NewFSSource(fsys fs.FS) *FSSource {
	return &FSSource{fsys: fsys, modified: func(string) time.Time { return time.Time{} }}
}

func (s *FSSource) load() {
	entries, err := fs.ReadDir(s.fsys, ".")
	if err != nil {
		s.err = fmt.Errorf("list provider schemas: %w", err)
		return
	}
	s.index = make(map[string]string, len(entries))
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := fs.ReadFile(s.fsys, e.Name())
		if err != nil {
			s.err = fmt.Errorf("read %s: %w", e.Name(), err)
			return
		}
		var head struct {
			TypeName string `json:"typeName"`
		}
		if err := json.Unmarshal(b, &head); err != nil || head.TypeName == "" {
			continue // not a provider schema (e.g. a manifest next to them)
		}
		key := strings.ToLower(head.TypeName)
		if other, dup := s.index[key]; dup {
			s.err = fmt.Errorf("%w: %s and %s both hold %s", ErrInvalidProvider, other, e.Name(), head.TypeName)
			return
		}
		s.index[key] = e.Name()
		s.names = append(s.names, head.TypeName)
	}
	sort.Strings(s.names)
}

// Types lists the type names of every provider schema in the folder.
func (s *FSSource) Types(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.once.Do(s.load)
	return append([]string(nil), s.names...), s.err
}

// Get reads one type's provider schema.
func (s *FSSource) Get(ctx context.Context, typeName string) (Provider, error) {
	if err := ctx.Err(); err != nil {
		return Provider{}, err
	}
	name := RegistryFileName(typeName)
	b, err := fs.ReadFile(s.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		// Fall back to the index for folders that name files differently.
		s.once.Do(s.load)
		if s.err != nil {
			return Provider{}, s.err
		}
		alt, ok := s.index[strings.ToLower(typeName)]
		if !ok {
			return Provider{}, fmt.Errorf("%w: %s", ErrTypeNotFound, typeName)
		}
		name = alt
		b, err = fs.ReadFile(s.fsys, name)
	}
	if err != nil {
		return Provider{}, fmt.Errorf("read %s: %w", name, err)
	}
	return Provider{TypeName: typeName, Body: b, Modified: s.modified(name)}, nil
}

// LiveSource is the source spec that reads provider schemas through CloudFormation DescribeType.
const LiveSource = "cloudformation"

// ErrNoAWSConfig means a live source was asked for where no AWS configuration is available.
var ErrNoAWSConfig = errors.New("no AWS configuration available")

// OpenSpec opens the provider schemas a command-line spec names: a folder, a .zip, or LiveSource
// (DescribeType in the configured account and Region; awsConfig may be nil where live reads make no
// sense). The caller calls the returned close function.
func OpenSpec(ctx context.Context, spec string, awsConfig func(context.Context) (aws.Config, error)) (SchemaSource, func() error, error) {
	if spec != LiveSource {
		return Open(spec)
	}
	if awsConfig == nil {
		return nil, nil, ErrNoAWSConfig
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("aws config: %w", err)
	}
	return NewCloudFormationSource(cloudformation.NewFromConfig(cfg)), func() error { return nil }, nil
}

// Open opens a folder or a .zip file of provider schemas. The returned close function releases
// the zip file.
func Open(p string) (SchemaSource, func() error, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, fmt.Errorf("schema source: %w", err)
	}
	if st.IsDir() {
		return NewFSSource(os.DirFS(p)), func() error { return nil }, nil
	}
	if !strings.EqualFold(path.Ext(p), ".zip") {
		return nil, nil, fmt.Errorf("schema source %s: want a folder or a .zip file", p)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, nil, fmt.Errorf("schema source %s: %w", p, err)
	}
	return NewZipSource(&zr.Reader), zr.Close, nil
}

// NewZipSource returns a source over AWS's CloudformationSchema.zip (provider schemas at the top
// level). Each schema's Modified is its zip entry's time.
func NewZipSource(zr *zip.Reader) *FSSource {
	times := make(map[string]time.Time, len(zr.File))
	for _, f := range zr.File {
		times[f.Name] = f.Modified
	}
	s := NewFSSource(zr)
	s.modified = func(name string) time.Time { return times[name] }
	return s
}

// DescribeTypeAPI is the part of the CloudFormation client the live source uses.
type DescribeTypeAPI interface {
	DescribeType(ctx context.Context, in *cloudformation.DescribeTypeInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeTypeOutput, error)
	ListTypes(ctx context.Context, in *cloudformation.ListTypesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListTypesOutput, error)
}

// CloudFormationSource reads the provider schemas registered in the caller's account and Region
// through DescribeType: what CloudFormation will actually validate against there.
type CloudFormationSource struct {
	api DescribeTypeAPI
}

// NewCloudFormationSource returns a live source over a CloudFormation client.
func NewCloudFormationSource(api DescribeTypeAPI) *CloudFormationSource {
	return &CloudFormationSource{api: api}
}

// Types lists the public, fully mutable and immutable resource types of the Region.
func (s *CloudFormationSource) Types(ctx context.Context) ([]string, error) {
	var out []string
	p := cloudformation.NewListTypesPaginator(s.api, &cloudformation.ListTypesInput{
		Type:       cfntypes.RegistryTypeResource,
		Visibility: cfntypes.VisibilityPublic,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cloudformation ListTypes: %w", err)
		}
		for _, t := range page.TypeSummaries {
			if t.TypeName != nil {
				out = append(out, *t.TypeName)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Get calls DescribeType for the type's default version.
func (s *CloudFormationSource) Get(ctx context.Context, typeName string) (Provider, error) {
	out, err := s.api.DescribeType(ctx, &cloudformation.DescribeTypeInput{
		Type:     cfntypes.RegistryTypeResource,
		TypeName: aws.String(typeName),
	})
	var nf *cfntypes.TypeNotFoundException
	if errors.As(err, &nf) {
		return Provider{}, fmt.Errorf("%w: %s", ErrTypeNotFound, typeName)
	}
	if err != nil {
		return Provider{}, fmt.Errorf("cloudformation DescribeType %s: %w", typeName, err)
	}
	if out.Schema == nil {
		return Provider{}, fmt.Errorf("%w %s: DescribeType returned no schema", ErrInvalidProvider, typeName)
	}
	p := Provider{TypeName: typeName, Body: []byte(*out.Schema)}
	if out.LastUpdated != nil {
		p.Modified = *out.LastUpdated
	}
	return p, nil
}
