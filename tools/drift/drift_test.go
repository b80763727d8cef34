package drift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/drift"
	"github.com/rcfge/rcfge/tools/golden"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/schemagen"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return m
}

// changes keeps what a reviewer reads; descriptions are tested once, in TestCompareDetails.
func changes(cs []drift.Change) []drift.Change {
	out := make([]drift.Change, len(cs))
	for i, c := range cs {
		out[i] = drift.Change{Kind: c.Kind, Path: c.Path, Values: c.Values}
	}
	return out
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		upstream string
		snapshot string
		dec      drift.Decisions
		want     []drift.Change
	}{
		{
			name:     "identical",
			upstream: `{"properties": {"A": {"type": "string"}}}`,
			snapshot: `{"properties": {"A": {"type": "string"}}}`,
		},
		{
			name:     "new top-level property",
			upstream: `{"properties": {"A": {}, "B": {}}}`,
			snapshot: `{"properties": {"A": {}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/B"}},
		},
		{
			name:     "removed property",
			upstream: `{"properties": {"A": {}}}`,
			snapshot: `{"properties": {"A": {}, "Gone": {}}}`,
			want:     []drift.Change{{Kind: drift.RemovedProperty, Path: "/Gone"}},
		},
		{
			name:     "new property through ref and items",
			upstream: `{"properties": {"L": {"type": "array", "items": {"$ref": "#/definitions/R"}}}, "definitions": {"R": {"properties": {"Id": {}, "New": {}}}}}`,
			snapshot: `{"properties": {"L": {"type": "array", "items": {"$ref": "#/definitions/R"}}}, "definitions": {"R": {"properties": {"Id": {}}}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/L/*/New"}},
		},
		{
			name:     "renamed definition compared by structure",
			upstream: `{"properties": {"E": {"$ref": "#/definitions/EncV2"}}, "definitions": {"EncV2": {"properties": {"K": {}, "N": {}}}}}`,
			snapshot: `{"properties": {"E": {"$ref": "#/definitions/Enc"}}, "definitions": {"Enc": {"properties": {"K": {}}}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/E/N"}},
		},
		{
			name:     "recursive definition reported once at the shortest path",
			upstream: `{"properties": {"T": {"$ref": "#/definitions/N"}}, "definitions": {"N": {"properties": {"W": {}, "C": {"items": {"$ref": "#/definitions/N"}}}}}}`,
			snapshot: `{"properties": {"T": {"$ref": "#/definitions/N"}}, "definitions": {"N": {"properties": {"C": {"items": {"$ref": "#/definitions/N"}}}}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/T/W"}},
		},
		{
			name:     "new enum values",
			upstream: `{"properties": {"M": {"enum": ["a", "b", 3]}}}`,
			snapshot: `{"properties": {"M": {"enum": ["a"]}}}`,
			want:     []drift.Change{{Kind: drift.NewEnumValues, Path: "/M", Values: []string{"b", "3"}}},
		},
		{
			name:     "enum narrowed on purpose",
			upstream: `{"properties": {"M": {"enum": ["a", "b"]}}}`,
			snapshot: `{"properties": {"M": {"enum": ["a"]}}}`,
			dec:      drift.Decisions{Narrowed: map[string]bool{"/properties/M": true}},
		},
		{
			name:     "enum values withdrawn upstream or misspelt, narrowed or not; placeholders skipped",
			upstream: `{"properties": {"M": {"enum": ["aws:kms", "AES256"]}}}`,
			snapshot: `{"properties": {"M": {"enum": ["aws:kms", "aws:kms:dse", "$<extraAlgorithm>"]}}}`,
			dec:      drift.Decisions{Narrowed: map[string]bool{"/properties/M": true}},
			want:     []drift.Change{{Kind: drift.RemovedEnumValues, Path: "/M", Values: []string{"aws:kms:dse"}}},
		},
		{
			name:     "property removed on purpose",
			upstream: `{"properties": {"A": {}, "B": {}}}`,
			snapshot: `{"properties": {"A": {}}}`,
			dec:      drift.Decisions{Removed: map[string]bool{"/properties/B": true}},
		},
		{
			name:     "read-only properties are outputs, not features",
			upstream: `{"properties": {"A": {}, "Arn": {}, "L": {"items": {"properties": {"S": {}}}}}, "readOnlyProperties": ["/properties/Arn", "/properties/L/*/S"]}`,
			snapshot: `{"properties": {"A": {}, "L": {"items": {"properties": {}}}, "Old": {}}, "readOnlyProperties": ["/properties/Old"]}`,
		},
		{
			name:     "read-only entries that point into definitions",
			upstream: `{"properties": {"A": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"Id": {}, "K": {}}}}, "readOnlyProperties": ["/definitions/D/properties/Id"]}`,
			snapshot: `{"properties": {"A": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"K": {}, "Old": {}}}}, "readOnlyProperties": ["/definitions/D/properties/Old"]}`,
		},
		{
			name:     "alternatives in oneOf",
			upstream: `{"properties": {"T": {"oneOf": [{"properties": {"B": {}}}, {"properties": {"Q": {}, "N": {}}}]}}}`,
			snapshot: `{"properties": {"T": {"oneOf": [{"properties": {"B": {}}}, {"properties": {"Q": {}}}]}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/T/N"}},
		},
		{
			name:     "property names with slash and tilde are escaped",
			upstream: `{"properties": {"a/b": {}, "c~d": {}}}`,
			snapshot: `{"properties": {}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/a~1b"}, {Kind: drift.NewProperty, Path: "/c~0d"}},
		},
		{
			name:     "refs into arrays and through chains",
			upstream: `{"properties": {"X": {"$ref": "#/definitions/D/oneOf/1"}}, "definitions": {"D": {"oneOf": [{}, {"$ref": "#/definitions/E"}]}, "E": {"properties": {"N": {}}}}}`,
			snapshot: `{"properties": {"X": {"$ref": "#/definitions/D/oneOf/7"}}, "definitions": {"D": {"oneOf": [{}]}}}`,
			want:     []drift.Change{{Kind: drift.NewProperty, Path: "/X/N"}},
		},
		{
			name:     "root enum",
			upstream: `{"enum": [1, 2]}`,
			snapshot: `{"enum": [1]}`,
			want:     []drift.Change{{Kind: drift.NewEnumValues, Path: "", Values: []string{"2"}}},
		},
		{
			name:     "unresolvable ref compares what it can see",
			upstream: `{"properties": {"X": {"$ref": "#/definitions/Missing"}}}`,
			snapshot: `{"properties": {"X": {"$ref": "other.json#/x"}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := drift.Compare(decode(t, tt.upstream), decode(t, tt.snapshot), tt.dec)
			if diff := cmp.Diff(tt.want, changes(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Compare() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompareDetails(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200)
	up := decode(t, `{"properties": {
		"N": {"$ref": "#/definitions/D", "description": "Turns  it on.\nReally. More."},
		"M": {"type": ["string", "object"], "description": "`+long+`"},
		"P": {"properties": {}},
		"Q": {"enum": [true]}
	}, "definitions": {"D": {"type": "object", "properties": {}}}}`)
	got := drift.Compare(up, decode(t, `{"properties": {}}`), drift.Decisions{})
	want := []drift.Change{
		{Kind: drift.NewProperty, Path: "/M", SchemaLocation: "/properties/M", Type: "string|object", Description: strings.Repeat("é", 157) + "..."},
		{Kind: drift.NewProperty, Path: "/N", SchemaLocation: "/properties/N", Type: "object", Description: "Turns it on."},
		{Kind: drift.NewProperty, Path: "/P", SchemaLocation: "/properties/P", Type: "object"},
		{Kind: drift.NewProperty, Path: "/Q", SchemaLocation: "/properties/Q"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(drift.Change{}, "Locations")); diff != "" {
		t.Errorf("Compare() mismatch (-want +got):\n%s", diff)
	}
}

func TestDecisionsFromPatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		patch   string
		want    drift.Decisions
		wantErr bool
	}{
		{
			name: "remove, narrow, const",
			patch: `[{"op": "remove", "path": "/properties/A"},
				{"op": "remove", "path": "/definitions/D/properties/B"},
				{"op": "replace", "path": "/properties/M/enum", "value": ["x"]},
				{"op": "remove", "path": "/definitions/D/properties/E/enum/2"},
				{"op": "add", "path": "/properties/C/const", "value": true},
				{"op": "add", "path": "/required/-", "value": "A"},
				{"op": "remove", "path": "/properties/P/pattern"}]`,
			want: drift.Decisions{
				Removed:  map[string]bool{"/properties/A": true, "/definitions/D/properties/B": true},
				Narrowed: map[string]bool{"/properties/M": true, "/definitions/D/properties/E": true, "/properties/C": true},
			},
		},
		{
			name:  "properties named like keywords",
			patch: `[{"op": "remove", "path": "/properties/enum"}, {"op": "remove", "path": "/properties/properties"}]`,
			want: drift.Decisions{
				Removed:  map[string]bool{"/properties/enum": true, "/properties/properties": true},
				Narrowed: map[string]bool{},
			},
		},
		{name: "not a patch", patch: `{"op": "remove"}`, wantErr: true},
		{name: "not JSON", patch: `[`, wantErr: true},
		{name: "operation without path", patch: `[{"op": "remove"}]`, wantErr: true},
		{name: "path not a pointer", patch: `[{"op": "remove", "path": "properties/A"}]`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := drift.DecisionsFromPatch([]byte(tt.patch))
			if (err != nil) != tt.wantErr {
				t.Fatalf("DecisionsFromPatch() error = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("DecisionsFromPatch() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	current, baseline, templates := dirSource("testdata/current"), dirSource("testdata/baseline"), os.DirFS("testdata/templates")
	thing := func(cs ...drift.Change) drift.TypeDrift {
		return drift.TypeDrift{TypeName: "AWS::Demo::Thing", Template: "AWS-Demo-Thing.json", Snapshot: "2026-02-02", Status: drift.Changed, Changes: cs}
	}
	fromTemplate := []drift.Change{
		{Kind: drift.RemovedProperty, Path: "/Legacy"},
		{Kind: drift.NewEnumValues, Path: "/Level", Values: []string{"max"}},
		{Kind: drift.NewEnumValues, Path: "/Mode", Values: []string{"C"}},
		{Kind: drift.NewProperty, Path: "/NewTop"},
		{Kind: drift.NewProperty, Path: "/Rules/*/Expiry"},
		{Kind: drift.NewProperty, Path: "/Target/Topic"},
	}
	fromBaseline := []drift.Change{
		{Kind: drift.NewEnumValues, Path: "/Encryption/Algorithm", Values: []string{"aws:kms:dsse"}},
		{Kind: drift.NewProperty, Path: "/Encryption/BucketKey"},
		{Kind: drift.RemovedProperty, Path: "/Legacy"},
		{Kind: drift.NewEnumValues, Path: "/Level", Values: []string{"max"}},
		{Kind: drift.NewEnumValues, Path: "/Mode", Values: []string{"C"}},
		{Kind: drift.NewProperty, Path: "/NewTop"},
		{Kind: drift.NewProperty, Path: "/Rules/*/Expiry"},
		{Kind: drift.NewProperty, Path: "/Target/Topic"},
		{Kind: drift.NewProperty, Path: "/Tree/Weight"},
	}
	tests := []struct {
		name string
		opts drift.Options
		want drift.Report
	}{
		{
			name: "templates against current",
			opts: drift.Options{Source: current, Templates: templates},
			want: drift.Report{Types: []drift.TypeDrift{
				{TypeName: "AWS::Demo::Gone", Template: "AWS-Demo-Gone.json", Status: drift.MissingUpstream},
				{TypeName: "AWS::Demo::Other", Template: "AWS-Demo-Other.json", Snapshot: "2026-08-03", Status: drift.Unchanged},
				thing(append([]drift.Change{{Kind: drift.NewProperty, Path: "/Encryption/BucketKey"}}, fromTemplate...)...),
			}},
		},
		{
			name: "baseline only",
			opts: drift.Options{Source: current, Baseline: baseline},
			want: drift.Report{Types: []drift.TypeDrift{
				{TypeName: "AWS::Demo::Other", Status: drift.Unchanged},
				{TypeName: "AWS::Demo::Thing", Status: drift.Changed, Changes: fromBaseline},
			}},
		},
		{
			name: "templates with baseline: the baseline is the snapshot, the overlay still decides",
			opts: drift.Options{Source: current, Templates: templates, Baseline: baseline},
			want: drift.Report{Types: []drift.TypeDrift{
				{TypeName: "AWS::Demo::Gone", Template: "AWS-Demo-Gone.json", Status: drift.MissingUpstream},
				{TypeName: "AWS::Demo::Other", Template: "AWS-Demo-Other.json", Snapshot: "2026-08-03", Status: drift.Unchanged},
				thing(fromBaseline[1 : len(fromBaseline)-1]...),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := drift.Run(context.Background(), tt.opts)
			if err != nil {
				t.Fatalf("Run() error = %v", err)
			}
			for i := range got.Types {
				got.Types[i].Changes = changes(got.Types[i].Changes)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Run() mismatch (-want +got):\n%s", diff)
			}
			if !got.HasFindings() {
				t.Error("HasFindings() = false, want true")
			}
		})
	}
}

func TestRunUntemplated(t *testing.T) {
	t.Parallel()
	tpl := fstest.MapFS{"AWS-Demo-Other.json": {Data: []byte(`{"properties": {"Name": {}}}`)}}
	got, err := drift.Run(context.Background(), drift.Options{Source: dirSource("testdata/current"), Templates: tpl})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"AWS::Demo::Thing"}, got.Untemplated); diff != "" {
		t.Errorf("Untemplated mismatch (-want +got):\n%s", diff)
	}
	if got.HasFindings() {
		t.Errorf("HasFindings() = true for an up-to-date template: %+v", got.Types)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	current := dirSource("testdata/current")
	other := &fstest.MapFile{Data: []byte(`{"typeName": "AWS::Demo::Other"}`)}
	tpl := fstest.MapFS{"AWS-Demo-Thing.json": {Data: []byte(`{}`)}}
	tests := []struct {
		name    string
		opts    drift.Options
		wantErr error
	}{
		{name: "no source", opts: drift.Options{Templates: fstest.MapFS{}}},
		{name: "nothing to compare", opts: drift.Options{Source: current}},
		{name: "empty source", opts: drift.Options{Source: mapSource(fstest.MapFS{"x.txt": {}}), Baseline: current}, wantErr: drift.ErrNoSchemas},
		{name: "empty baseline", opts: drift.Options{Source: current, Baseline: mapSource(fstest.MapFS{})}, wantErr: drift.ErrNoSchemas},
		{name: "no templates", opts: drift.Options{Source: current, Templates: fstest.MapFS{"README.md": {}}}, wantErr: drift.ErrNoTemplates},
		{name: "template not JSON", opts: drift.Options{Source: current, Templates: fstest.MapFS{"AWS-Demo-Thing.json": {Data: []byte(`{`)}}}},
		{name: "template not an object", opts: drift.Options{Source: current, Templates: fstest.MapFS{"AWS-Demo-Thing.json": {Data: []byte(`[]`)}}}},
		{name: "template two values", opts: drift.Options{Source: current, Templates: fstest.MapFS{"AWS-Demo-Thing.json": {Data: []byte(`{} {}`)}}}},
		{name: "template file name", opts: drift.Options{Source: current, Templates: fstest.MapFS{"thing.json": {Data: []byte(`{}`)}}}},
		{name: "templates not a folder", opts: drift.Options{Source: current, Templates: fileAsDir()}},
		{name: "bad overlay", opts: drift.Options{Source: current, Templates: fstest.MapFS{
			"AWS-Demo-Thing.json":          {Data: []byte(`{}`)},
			"overlays/AWS-Demo-Thing.json": {Data: []byte(`{}`)},
		}}},
		{name: "overlays unreadable", opts: drift.Options{Source: current, Templates: tpl, Overlays: fstest.MapFS{"AWS-Demo-Thing.json/x": {}}}},
		{name: "provider schema not JSON", opts: drift.Options{
			Source:    mapSource(fstest.MapFS{"aws-demo-thing.json": {Data: []byte(`{"typeName": "AWS::Demo::Thing",`)}, "aws-demo-other.json": other}),
			Templates: tpl,
		}},
		{name: "provider schema of another type", opts: drift.Options{
			Source:    mapSource(fstest.MapFS{"aws-demo-thing.json": other, "aws-demo-other.json": other}),
			Templates: tpl,
		}},
		{name: "baseline schema not JSON", opts: drift.Options{
			Source:    current,
			Baseline:  mapSource(fstest.MapFS{"aws-demo-thing.json": {Data: []byte(`[`)}, "aws-demo-other.json": other}),
			Templates: tpl,
		}},
		{name: "baseline schema not JSON, baseline only", opts: drift.Options{
			Source:   current,
			Baseline: fakeSource{"AWS::Demo::Thing": `[`},
		}},
		{name: "baseline unreadable", opts: drift.Options{Source: current, Baseline: fakeSource{"AWS::Demo::Thing": ""}}, wantErr: errUnreadable},
		{name: "source unreadable", opts: drift.Options{Source: fakeSource{"AWS::Demo::Thing": ""}, Templates: tpl}, wantErr: errUnreadable},
		{name: "source cannot list", opts: drift.Options{Source: fakeSource{}, Templates: tpl}, wantErr: errUnreadable},
		{name: "current schema not JSON, baseline only", opts: drift.Options{
			Source:   mapSource(fstest.MapFS{"aws-demo-thing.json": {Data: []byte(`[`)}, "aws-demo-other.json": other}),
			Baseline: dirSource("testdata/baseline"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := drift.Run(context.Background(), tt.opts)
			if err == nil {
				t.Fatal("Run() error = nil, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Run() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// fileAsDir is a file system whose root is a file, so that listing it fails.
func fileAsDir() fs.FS {
	sub, err := fs.Sub(fstest.MapFS{"x": {Data: []byte(`{}`)}}, "x")
	if err != nil {
		panic(err)
	}
	return sub
}

var errUnreadable = errors.New("unreadable")

// fakeSource serves bodies by type name; an empty body fails to read, and an empty source fails
// to list.
type fakeSource map[string]string

func (f fakeSource) Types(context.Context) ([]string, error) {
	if len(f) == 0 {
		return nil, errUnreadable
	}
	var names []string
	for n := range f {
		names = append(names, n)
	}
	return names, nil
}

func (f fakeSource) Get(_ context.Context, typeName string) (schemagen.Provider, error) {
	body, ok := f[typeName]
	switch {
	case !ok:
		return schemagen.Provider{}, schemagen.ErrTypeNotFound
	case body == "":
		return schemagen.Provider{}, errUnreadable
	}
	return schemagen.Provider{TypeName: typeName, Body: []byte(body)}, nil
}

func dirSource(dir string) schemagen.SchemaSource { return schemagen.NewFSSource(os.DirFS(dir)) }

func mapSource(m fstest.MapFS) schemagen.SchemaSource { return schemagen.NewFSSource(m) }

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := drift.Run(ctx, drift.Options{Source: dirSource("testdata/current"), Baseline: dirSource("testdata/baseline")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run() error = %v, want context.Canceled", err)
	}
	// Listing the source succeeds (fakeSource ignores ctx); reading the templates must stop.
	_, err = drift.Run(ctx, drift.Options{Source: fakeSource{"AWS::Demo::Thing": "{}"}, Templates: os.DirFS("testdata/templates")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run() over templates error = %v, want context.Canceled", err)
	}
}

func TestReportRender(t *testing.T) {
	t.Parallel()
	rep, err := drift.Run(context.Background(), drift.Options{Source: dirSource("testdata/current"), Templates: os.DirFS("testdata/templates")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []render.Format{render.Text, render.Markdown, render.JSON} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := render.Write(&buf, f, rep); err != nil {
				t.Fatalf("render.Write(%s) error = %v", f, err)
			}
			golden.Assert(t, filepath.Join("testdata", "TestReportRender", string(f)+".golden"), buf.Bytes())
		})
	}
}

// TestReportRenderForms covers the forms a run over templates does not produce: a baseline-only
// report (no template names), a root-level enum, a long untemplated list, and no drift at all.
func TestReportRenderForms(t *testing.T) {
	t.Parallel()
	reports := map[string]drift.Report{
		"baseline": {
			Types: []drift.TypeDrift{
				{TypeName: "AWS::Demo::Thing", Status: drift.Changed, Changes: []drift.Change{
					{Kind: drift.NewEnumValues, Path: "", Values: []string{"x|y"}},
					{Kind: drift.RemovedEnumValues, Path: "/E", Values: []string{"old", "older"}},
					{Kind: drift.NewProperty, Path: "/A"},
					{Kind: drift.RemovedProperty, Path: "/B"},
				}},
				{TypeName: "AWS::Demo::Gone", Status: drift.MissingUpstream},
			},
			Untemplated: []string{"AWS::Demo::One", "AWS::Demo::Two"},
		},
		"clean": {Types: []drift.TypeDrift{{TypeName: "AWS::Demo::Thing", Template: "AWS-Demo-Thing.json", Status: drift.Unchanged}}},
	}
	for name, rep := range reports {
		for _, f := range []render.Format{render.Text, render.Markdown} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				if err := render.Write(&buf, f, rep); err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, filepath.Join("testdata", "TestReportRenderForms", name+"."+string(f)+".golden"), buf.Bytes())
			})
		}
	}
}

func TestReportWriteError(t *testing.T) {
	t.Parallel()
	rep := drift.Report{Types: []drift.TypeDrift{{TypeName: "AWS::Demo::Gone", Status: drift.MissingUpstream}}}
	if err := rep.WriteText(failingWriter{}); !errors.Is(err, errUnreadable) {
		t.Errorf("WriteText() error = %v, want the writer's", err)
	}
	if err := rep.WriteMarkdown(failingWriter{}); !errors.Is(err, errUnreadable) {
		t.Errorf("WriteMarkdown() error = %v, want the writer's", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errUnreadable }
