// Package drift reports what the current CloudFormation provider schemas have that the snapshot
// behind each restricted template did not: new properties at any depth, new enum values, removed
// properties, and provider types with no template. A new property stays blocked by the template
// (additionalProperties: false) until the DevSecOps approve it, so drift is their review queue.
package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// Options says what to compare.
type Options struct {
	// Source holds the current provider schemas (a folder, AWS's zip, or DescribeType). Required.
	Source schemagen.SchemaSource
	// Templates holds restricted templates (*.json at its root). Each is compared with its
	// provider schema.
	Templates fs.FS
	// Overlays holds the templates' RFC 6902 overlays (<Type>.json), whose removals and enum
	// narrowings are decisions drift does not report again. Default: Templates/overlays.
	Overlays fs.FS
	// Baseline, when set, holds the provider schemas of the snapshot. Drift then compares provider
	// schema with provider schema, which also shows new values of enums the template narrowed
	// without an overlay; the overlays' decisions still hold. Without Templates, every type in the
	// baseline is compared.
	Baseline schemagen.SchemaSource
}

// Status is the outcome for one type.
type Status string

// The statuses of a type.
const (
	// Unchanged: nothing to review.
	Unchanged Status = "unchanged"
	// Changed: the provider schema moved on; Changes lists how.
	Changed Status = "changed"
	// MissingUpstream: the template's type is no longer in the provider schemas.
	MissingUpstream Status = "missing-upstream"
)

// TypeDrift is the drift of one type.
type TypeDrift struct {
	TypeName string `json:"type"`
	// Template is the template's file name; empty in baseline-only runs.
	Template string `json:"template,omitempty"`
	// Snapshot is the template's x-rcfge.source.snapshot date, when recorded.
	Snapshot string   `json:"snapshot,omitempty"`
	Status   Status   `json:"status"`
	Changes  []Change `json:"changes,omitempty"`
}

// Report is the result of a drift run.
type Report struct {
	Types []TypeDrift `json:"types"`
	// Untemplated lists provider types that have no template: they are blocked (fail closed) until
	// someone writes one. Information, not a finding.
	Untemplated []string `json:"untemplated,omitempty"`
}

// HasFindings reports whether there is something to review.
func (r Report) HasFindings() bool {
	for _, t := range r.Types {
		if t.Status != Unchanged {
			return true
		}
	}
	return false
}

var (
	// ErrNoTemplates means the templates folder holds no template and no baseline was given.
	ErrNoTemplates = errors.New("no templates to compare")
	// ErrNoSchemas means a provider schema source lists no type: most often a folder one level
	// above the schemas (cfn-schemas rather than cfn-schemas/us-east-1).
	ErrNoSchemas = errors.New("no provider schemas found (give the folder or zip that holds the *.json schemas themselves)")
)

// Run compares each template (or each baseline schema) with the current provider schemas.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Source == nil {
		return Report{}, errors.New("drift: no provider schema source")
	}
	if opts.Templates == nil && opts.Baseline == nil {
		return Report{}, errors.New("drift: need templates or a baseline")
	}
	current, err := typeNames(ctx, opts.Source)
	if err != nil {
		return Report{}, fmt.Errorf("source: %w", err)
	}
	if opts.Templates == nil {
		return baselineRun(ctx, opts)
	}
	overlays := opts.Overlays
	if overlays == nil {
		if overlays, err = fs.Sub(opts.Templates, "overlays"); err != nil {
			return Report{}, fmt.Errorf("overlays: %w", err)
		}
	}
	tpls, err := ReadTemplates(ctx, opts.Templates, overlays)
	if err != nil {
		return Report{}, err
	}
	if len(tpls) == 0 {
		return Report{}, ErrNoTemplates
	}
	var rep Report
	templated := map[string]bool{}
	for _, t := range tpls {
		templated[t.TypeName] = true
		snapshot, digest := t.Doc, t.Digest
		if opts.Baseline != nil {
			old, err := provider(ctx, opts.Baseline, t.TypeName)
			switch {
			case errors.Is(err, schemagen.ErrTypeNotFound):
			case err != nil:
				return Report{}, fmt.Errorf("baseline: %w", err)
			default:
				snapshot, digest = old.doc, old.digest
			}
		}
		td, err := compareType(ctx, opts.Source, t.TypeName, snapshot, t.Decisions, digest)
		if err != nil {
			return Report{}, fmt.Errorf("template %s: %w", t.File, err)
		}
		td.Template, td.Snapshot = t.File, t.Snapshot
		rep.Types = append(rep.Types, td)
	}
	for _, tn := range current {
		if !templated[tn] {
			rep.Untemplated = append(rep.Untemplated, tn)
		}
	}
	return rep, nil
}

func baselineRun(ctx context.Context, opts Options) (Report, error) {
	names, err := typeNames(ctx, opts.Baseline)
	if err != nil {
		return Report{}, fmt.Errorf("baseline: %w", err)
	}
	var rep Report
	for _, tn := range names {
		old, err := provider(ctx, opts.Baseline, tn)
		if err != nil {
			return Report{}, fmt.Errorf("baseline: %w", err)
		}
		td, err := compareType(ctx, opts.Source, tn, old.doc, Decisions{}, old.digest)
		if err != nil {
			return Report{}, err
		}
		rep.Types = append(rep.Types, td)
	}
	return rep, nil
}

func typeNames(ctx context.Context, src schemagen.SchemaSource) ([]string, error) {
	names, err := src.Types(ctx)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, ErrNoSchemas
	}
	return names, nil
}

type providerSchema struct {
	doc    map[string]any
	digest string
}

// provider reads and decodes one provider schema; errors.Is(err, schemagen.ErrTypeNotFound) when
// the source lacks the type.
func provider(ctx context.Context, src schemagen.SchemaSource, typeName string) (providerSchema, error) {
	p, err := src.Get(ctx, typeName)
	if err != nil {
		return providerSchema{}, err
	}
	doc, err := decodeObject(p.Body)
	if err != nil {
		return providerSchema{}, fmt.Errorf("provider schema %s: %w", typeName, err)
	}
	if tn, _ := doc["typeName"].(string); tn != typeName {
		return providerSchema{}, fmt.Errorf("provider schema %s: holds typeName %q", typeName, tn)
	}
	return providerSchema{doc: doc, digest: schemagen.Digest(p.Body)}, nil
}

func compareType(ctx context.Context, src schemagen.SchemaSource, typeName string, snapshot map[string]any, dec Decisions, digest string) (TypeDrift, error) {
	td := TypeDrift{TypeName: typeName, Status: Unchanged}
	cur, err := provider(ctx, src, typeName)
	if errors.Is(err, schemagen.ErrTypeNotFound) {
		td.Status = MissingUpstream
		return td, nil
	}
	if err != nil {
		return td, fmt.Errorf("source: %w", err)
	}
	// Same bytes as the snapshot: nothing can have drifted.
	if digest != "" && digest == cur.digest {
		return td, nil
	}
	td.Changes = Compare(cur.doc, snapshot, dec)
	if len(td.Changes) > 0 {
		td.Status = Changed
	}
	return td, nil
}

// Template is a restricted template with what drift needs from its x-rcfge annotation and overlay.
type Template struct {
	TypeName string
	File     string
	Doc      map[string]any
	// Digest and Snapshot come from x-rcfge.source.
	Digest, Snapshot string
	Decisions        Decisions
}

// ReadTemplates reads the *.json templates at the root of fsys, sorted by file name, with the
// decisions of their overlays (<file> in overlays, which may be nil). The type name comes from x-rcfge.typeName, else
// the top-level typeName, else the file name.
func ReadTemplates(ctx context.Context, fsys, overlays fs.FS) ([]Template, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var out []Template
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, err := readTemplate(fsys, overlays, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func readTemplate(fsys, overlays fs.FS, name string) (Template, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Template{}, fmt.Errorf("template %s: %w", name, err)
	}
	doc, err := decodeObject(body)
	if err != nil {
		return Template{}, fmt.Errorf("template %s: %w", name, err)
	}
	t := Template{File: name, Doc: doc}
	ann, _ := doc["x-rcfge"].(map[string]any)
	t.TypeName, _ = ann["typeName"].(string)
	if t.TypeName == "" {
		t.TypeName, _ = doc["typeName"].(string)
	}
	if t.TypeName == "" {
		tn, ok := store.TypeName(name)
		if !ok {
			return Template{}, fmt.Errorf("template %s: no x-rcfge.typeName and the file name is not Type-Name.json", name)
		}
		t.TypeName = tn
	}
	if src, ok := ann["source"].(map[string]any); ok {
		t.Digest, _ = src["digest"].(string)
		t.Snapshot, _ = src["snapshot"].(string)
	}
	if overlays == nil {
		return t, nil
	}
	ov, err := fs.ReadFile(overlays, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return Template{}, fmt.Errorf("overlay of %s: %w", name, err)
	default:
		if t.Decisions, err = DecisionsFromPatch(ov); err != nil {
			return Template{}, fmt.Errorf("template %s: %w", name, err)
		}
	}
	return t, nil
}

// Counts summarizes a type's changes for a one-line header; enum changes count values.
func (t TypeDrift) Counts() string {
	var n [4]int
	for _, c := range t.Changes {
		switch c.Kind {
		case NewProperty:
			n[0]++
		case NewEnumValues:
			n[1] += len(c.Values)
		case RemovedProperty:
			n[2]++
		case RemovedEnumValues:
			n[3] += len(c.Values)
		}
	}
	labels := [4][2]string{
		{"new property", "new properties"}, {"new enum value", "new enum values"},
		{"removed property", "removed properties"}, {"removed enum value", "removed enum values"},
	}
	var parts []string
	for i, l := range labels {
		switch {
		case n[i] == 1:
			parts = append(parts, "1 "+l[0])
		case n[i] > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n[i], l[1]))
		}
	}
	return strings.Join(parts, ", ")
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
