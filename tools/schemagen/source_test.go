package schemagen_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/schemagen"
)

func provider(typeName string) []byte {
	return []byte(`{"typeName": "` + typeName + `", "additionalProperties": false, "properties": {"Name": {"type": "string"}}}`)
}

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"test-widget-thing.json": {Data: provider("Test::Widget::Thing")},
		"Other-Name.json":        {Data: provider("Test::Other::Thing")},
		"manifest.json":          {Data: []byte(`{"files": 2}`)},
		"notes.txt":              {Data: []byte("not a schema")},
		"sub/x.json":             {Data: provider("Test::Sub::Thing")},
	}
}

func TestFSSource(t *testing.T) {
	ctx := context.Background()
	src := schemagen.NewFSSource(testFS())
	types, err := src.Types(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Test::Other::Thing", "Test::Widget::Thing"}, types); diff != "" {
		t.Errorf("Types (-want +got):\n%s", diff)
	}
	tests := []struct {
		typeName string
		wantErr  error
	}{
		{typeName: "Test::Widget::Thing"},
		{typeName: "test::widget::thing"},
		{typeName: "Test::Other::Thing"}, // found through the index, not the registry name
		{typeName: "Test::Missing::Thing", wantErr: schemagen.ErrTypeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.typeName, func(t *testing.T) {
			p, err := src.Get(ctx, tt.typeName)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get error %v, want %v", err, tt.wantErr)
			}
			if err == nil && !bytes.Contains(p.Body, []byte(`"typeName"`)) {
				t.Errorf("Get returned %q", p.Body)
			}
			if err == nil && !p.Modified.IsZero() {
				t.Errorf("a folder has no meaningful modification time, got %v", p.Modified)
			}
		})
	}
}

func TestFSSourceErrors(t *testing.T) {
	ctx := context.Background()
	dup := fstest.MapFS{
		"a.json": {Data: provider("Test::Dup::Thing")},
		"b.json": {Data: provider("Test::Dup::Thing")},
	}
	if _, err := schemagen.NewFSSource(dup).Types(ctx); !errors.Is(err, schemagen.ErrInvalidProvider) {
		t.Errorf("duplicate type: error %v, want ErrInvalidProvider", err)
	}
	if _, err := schemagen.NewFSSource(dup).Get(ctx, "Test::Nope::Thing"); !errors.Is(err, schemagen.ErrInvalidProvider) {
		t.Errorf("Get through a broken index: error %v, want ErrInvalidProvider", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := schemagen.NewFSSource(testFS()).Types(canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("Types on a canceled context: %v", err)
	}
	if _, err := schemagen.NewFSSource(testFS()).Get(canceled, "Test::Widget::Thing"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get on a canceled context: %v", err)
	}
}

func zipBytes(t *testing.T, when time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "test-widget-thing.json", Method: zip.Deflate, Modified: when})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(provider("Test::Widget::Thing")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipSourceAndOpen(t *testing.T) {
	ctx := context.Background()
	when := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "CloudformationSchema.zip")
	if err := os.WriteFile(zipPath, zipBytes(t, when), 0o644); err != nil {
		t.Fatal(err)
	}
	src, closeFn, err := schemagen.Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = closeFn() }()
	p, err := src.Get(ctx, "Test::Widget::Thing")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Modified.Equal(when) {
		t.Errorf("Modified = %v, want the zip entry's %v", p.Modified, when)
	}
	if got := schemagen.SnapshotFor(p, "", time.Time{}); got != "2026-08-03" {
		t.Errorf("snapshot from the zip entry = %s", got)
	}

	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "test-widget-thing.json"), provider("Test::Widget::Thing"), 0o644); err != nil {
		t.Fatal(err)
	}
	dsrc, dclose, err := schemagen.Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dclose() }()
	if _, err := dsrc.Get(ctx, "Test::Widget::Thing"); err != nil {
		t.Errorf("folder source: %v", err)
	}

	notZip := filepath.Join(dir, "schemas.tar")
	if err := os.WriteFile(notZip, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	badZip := filepath.Join(dir, "bad.zip")
	if err := os.WriteFile(badZip, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing"), notZip, badZip} {
		if _, _, err := schemagen.Open(p); err == nil {
			t.Errorf("Open(%s): want an error", p)
		}
	}
}

// fakeCFN is a DescribeTypeAPI over canned answers.
type fakeCFN struct {
	schemas map[string]string
	err     error
	pages   [][]string
}

func (f *fakeCFN) DescribeType(_ context.Context, in *cloudformation.DescribeTypeInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeTypeOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	if in.Type != cfntypes.RegistryTypeResource {
		return nil, errors.New("want Type RESOURCE")
	}
	s, ok := f.schemas[aws.ToString(in.TypeName)]
	if !ok {
		return nil, &cfntypes.TypeNotFoundException{Message: aws.String("not found")}
	}
	out := &cloudformation.DescribeTypeOutput{LastUpdated: aws.Time(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))}
	if s != "" {
		out.Schema = aws.String(s)
	}
	return out, nil
}

func (f *fakeCFN) ListTypes(_ context.Context, in *cloudformation.ListTypesInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListTypesOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	i := 0
	if in.NextToken != nil {
		i = int(aws.ToString(in.NextToken)[0] - '0')
	}
	out := &cloudformation.ListTypesOutput{}
	for _, n := range f.pages[i] {
		out.TypeSummaries = append(out.TypeSummaries, cfntypes.TypeSummary{TypeName: aws.String(n)})
	}
	if i+1 < len(f.pages) {
		out.NextToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

func TestCloudFormationSource(t *testing.T) {
	ctx := context.Background()
	api := &fakeCFN{
		schemas: map[string]string{"Test::Widget::Thing": string(provider("Test::Widget::Thing")), "Test::Empty::Thing": ""},
		pages:   [][]string{{"Test::Widget::Thing"}, {"Test::Alpha::Thing"}},
	}
	src := schemagen.NewCloudFormationSource(api)
	types, err := src.Types(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Test::Alpha::Thing", "Test::Widget::Thing"}, types); diff != "" {
		t.Errorf("Types over two pages (-want +got):\n%s", diff)
	}
	p, err := src.Get(ctx, "Test::Widget::Thing")
	if err != nil {
		t.Fatal(err)
	}
	if got := schemagen.SnapshotFor(p, "", time.Time{}); got != "2026-07-01" {
		t.Errorf("snapshot from LastUpdated = %s", got)
	}
	tests := []struct {
		name    string
		api     *fakeCFN
		typ     string
		wantErr error
		wantMsg string
	}{
		{name: "not found", api: api, typ: "Test::Missing::Thing", wantErr: schemagen.ErrTypeNotFound},
		{name: "no schema", api: api, typ: "Test::Empty::Thing", wantErr: schemagen.ErrInvalidProvider},
		{name: "API error", api: &fakeCFN{err: errors.New("throttled")}, typ: "Test::Widget::Thing", wantMsg: "DescribeType Test::Widget::Thing: throttled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schemagen.NewCloudFormationSource(tt.api).Get(ctx, tt.typ)
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
	if _, err := schemagen.NewCloudFormationSource(&fakeCFN{err: errors.New("denied")}).Types(ctx); err == nil || !strings.Contains(err.Error(), "ListTypes") {
		t.Errorf("ListTypes error = %v", err)
	}
}
