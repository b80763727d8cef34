package schemagen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/approval"
)

// Request describes a batch generation.
type Request struct {
	Source SchemaSource
	// Types to generate; empty means every type in Source.
	Types []string
	// Overlays holds <Type>.json patches (AWS-S3-Bucket.json); nil for none.
	Overlays fs.FS
	// Snapshot forces the snapshot date; empty picks it per type (see SnapshotFor).
	Snapshot string
	// Previous holds the templates generated last time (the output folder); nil for none.
	Previous fs.FS
	// Now is the clock for new snapshots; nil means time.Now.
	Now func() time.Time
	// Approved holds the approval record: the restricted templates as they stand (the output
	// folder). A type whose template is there keeps only what that template approves, plus
	// Grants; a type with none is generated only when Types names it (its first approval).
	// nil approves everything the provider schemas have (a first import, --approve-all).
	Approved fs.FS
	// Grants and Revokes are approval decisions to apply on top of Approved, by type name.
	Grants, Revokes map[string][]approval.Grant
}

// Run generates the requested templates, in parallel, sorted by type name. Types that fail are
// reported together in the returned error; the others are still returned.
func Run(ctx context.Context, req Request) ([]*Template, error) {
	tpls, _, err := RunReview(ctx, req)
	return tpls, err
}

// RunReview is Run with each type's approval review, sorted by type name: what stays pending,
// what the grants let in, what AWS removed, and the source's types that have no template.
func RunReview(ctx context.Context, req Request) ([]*Template, []approval.Review, error) {
	types := req.Types
	all := len(types) == 0
	if all {
		var err error
		if types, err = req.Source.Types(ctx); err != nil {
			return nil, nil, err
		}
	}
	overlays, err := readOverlays(req.Overlays)
	if err != nil {
		return nil, nil, err
	}
	wanted := make(map[string]bool, len(types))
	for _, t := range types {
		wanted[strings.ToLower(t)] = true
	}
	var errs []error
	if all {
		for t, o := range overlays {
			if !wanted[t] {
				errs = append(errs, fmt.Errorf("%w: %s has no provider schema in the source", ErrInvalidOverlay, o.name))
			}
		}
	}
	var reviews []approval.Review
	if all && req.Approved != nil {
		// Every type of the source: only those with a template are regenerated; the others are
		// new types, pending until someone names them.
		kept := types[:0:0]
		for _, t := range types {
			if hasTemplate(req.Approved, t) {
				kept = append(kept, t)
			} else {
				reviews = append(reviews, approval.Review{TypeName: t, Status: approval.NewType})
			}
		}
		types = kept
	}
	out := make([]*Template, len(types))
	outReviews := make([]approval.Review, len(types))
	typeErrs := make([]error, len(types))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, t := range types {
		g.Go(func() error {
			tpl, rev, err := generateOne(gctx, req, t, overlays[strings.ToLower(t)].body)
			if err != nil {
				if ctxErr := gctx.Err(); ctxErr != nil {
					return ctxErr
				}
				typeErrs[i] = err
				return nil
			}
			out[i], outReviews[i] = tpl, rev
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	kept := out[:0]
	for i, tpl := range out {
		if tpl != nil {
			kept = append(kept, tpl)
			reviews = append(reviews, outReviews[i])
		} else {
			errs = append(errs, typeErrs[i])
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].TypeName < kept[j].TypeName })
	sort.Slice(reviews, func(i, j int) bool { return reviews[i].TypeName < reviews[j].TypeName })
	return kept, reviews, errors.Join(errs...)
}

func generateOne(ctx context.Context, req Request, typeName string, overlay []byte) (*Template, approval.Review, error) {
	p, err := req.Source.Get(ctx, typeName)
	if err != nil {
		return nil, approval.Review{}, err
	}
	snap := req.Snapshot
	if snap == "" {
		now := time.Now
		if req.Now != nil {
			now = req.Now
		}
		snap = SnapshotFor(p, previousSnapshot(req.Previous, typeName, Digest(p.Body)), now())
	}
	tpl, err := Generate(p, Options{Snapshot: snap, Overlay: overlay})
	if err != nil {
		return nil, approval.Review{}, err
	}
	rev := approval.Review{TypeName: tpl.TypeName, Status: approval.Unapproved}
	if req.Approved == nil {
		return tpl, rev, nil
	}
	prev, err := readTemplate(req.Approved, tpl.TypeName)
	first := errors.Is(err, fs.ErrNotExist)
	grants := byType(req.Grants, tpl.TypeName)
	switch {
	case first && len(grants) == 0:
		rev.Status = approval.FirstApproval
		return tpl, rev, nil
	case first:
		// A first approval of chosen properties only: the record starts as a template that
		// approves no property, and the grants add theirs.
		prev = map[string]any{"properties": map[string]any{}}
	case err != nil:
		return nil, rev, err
	}
	if rev, err = narrowTemplate(tpl, prev, grants, byType(req.Revokes, tpl.TypeName)); err != nil {
		return nil, rev, fmt.Errorf("%s: %w", tpl.TypeName, err)
	}
	if first {
		rev.Status = approval.FirstApproval
	}
	return tpl, rev, nil
}

// narrowTemplate keeps in tpl only what the approved template prev approves (approval.Narrow),
// then brings the generator's annotation in line with what is left.
func narrowTemplate(tpl *Template, prev map[string]any, grants, revokes []approval.Grant) (approval.Review, error) {
	rev := approval.Review{TypeName: tpl.TypeName, Status: approval.Current}
	doc, err := decodeObject(tpl.Body)
	if err != nil {
		return rev, err
	}
	res, err := approval.Narrow(doc, prev, grants, revokes)
	if err != nil {
		return rev, err
	}
	rev.Pending, rev.Granted, rev.Removed = res.Pending, res.Granted, res.Removed
	if len(res.Pending) > 0 {
		rev.Status = approval.Narrowed
	}
	if !res.Changed {
		// Nothing held back: the template is exactly the full generation.
		return rev, nil
	}
	ann := tpl.Annotation
	ann.OpenObjects = openObjects(doc)
	ann.DroppedPatterns = slices.DeleteFunc(ann.DroppedPatterns, func(d DroppedPattern) bool { return !patternKept(doc, d.Path, "") })
	ann.TranslatedPatterns = slices.DeleteFunc(ann.TranslatedPatterns, func(t TranslatedPattern) bool { return !patternKept(doc, t.Path, t.To) })
	sortAnnotation(&ann)
	ext, _ := doc[Extension].(map[string]any)
	if err := mergeAnnotation(ext, ann); err != nil {
		return rev, err
	}
	// After the approval narrowing, so that enum values held back count as rcfge's own
	// narrowing, and markers on what was cut go with it.
	base, err := decodeObject(tpl.Base)
	if err != nil {
		return rev, fmt.Errorf("unrestricted base: %w", err)
	}
	MarkOwn(base, doc)
	body, err := Marshal(doc)
	if err != nil {
		return rev, err
	}
	tpl.Body, tpl.Annotation = body, ann
	return rev, nil
}

// patternKept reports whether the pattern an annotation entry records at path is still in doc:
// "<schema>/pattern", or "<object>/patternProperties/<key>" (translated to key to when given).
func patternKept(doc map[string]any, path, to string) bool {
	parent, last := jsonptr.Parent(path)
	if owner, kw := jsonptr.Parent(parent); kw == "patternProperties" {
		if to == "" {
			_, ok := jsonptr.Lookup(doc, owner)
			return ok
		}
		_, ok := jsonptr.Lookup(doc, jsonptr.Append(parent, to))
		return ok
	}
	if last != "pattern" {
		return false
	}
	_, ok := jsonptr.Lookup(doc, parent)
	return ok
}

// byType returns the decisions for typeName; type names are case-insensitive for the sources.
func byType(m map[string][]approval.Grant, typeName string) []approval.Grant {
	for t, g := range m {
		if strings.EqualFold(t, typeName) {
			return g
		}
	}
	return nil
}

// hasTemplate reports whether fsys holds a template for typeName.
func hasTemplate(fsys fs.FS, typeName string) bool {
	name, err := store.FileName(typeName)
	if err != nil {
		return false
	}
	_, err = fs.Stat(fsys, name)
	return err == nil
}

// readTemplate decodes the template of typeName in fsys; fs.ErrNotExist when there is none.
func readTemplate(fsys fs.FS, typeName string) (map[string]any, error) {
	name, err := store.FileName(typeName)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("approved template %s: %w", name, err)
	}
	doc, err := decodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("approved template %s: %w", name, err)
	}
	return doc, nil
}

// SnapshotFor picks the snapshot date recorded for a provider schema. A schema whose digest the
// previous template already records keeps that template's date, so regenerating from an unchanged
// source is byte for byte reproducible; otherwise the source's own modification date is used when
// it has one (zip entries, DescribeType's LastUpdated), else the day the snapshot is taken.
func SnapshotFor(p Provider, previous string, now time.Time) string {
	switch {
	case previous != "":
		return previous
	case !p.Modified.IsZero():
		return p.Modified.UTC().Format(time.DateOnly)
	}
	return now.UTC().Format(time.DateOnly)
}

// previousSnapshot returns the snapshot of the template in prev when it records digest.
func previousSnapshot(prev fs.FS, typeName, digest string) string {
	if prev == nil {
		return ""
	}
	name, err := store.FileName(typeName)
	if err != nil {
		return ""
	}
	b, err := fs.ReadFile(prev, name)
	if err != nil {
		return ""
	}
	doc, err := decodeObject(b)
	if err != nil {
		return ""
	}
	x, _ := doc[Extension].(map[string]any)
	src, _ := x["source"].(map[string]any)
	if d, _ := src["digest"].(string); d != digest {
		return ""
	}
	snap, _ := src["snapshot"].(string)
	if !snapshotRE.MatchString(snap) {
		return ""
	}
	return snap
}

type overlayFile struct {
	name string
	body []byte
}

// readOverlays reads every <Type>.json in fsys, keyed by lower-case type name: type names are
// case-insensitive for the sources, and an overlay must never be skipped over a case difference.
func readOverlays(fsys fs.FS) (map[string]overlayFile, error) {
	out := map[string]overlayFile{}
	if fsys == nil {
		return out, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read overlays: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		t, ok := store.TypeName(e.Name())
		if !ok {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read overlay %s: %w", e.Name(), err)
		}
		key := strings.ToLower(t)
		if other, dup := out[key]; dup {
			return nil, fmt.Errorf("%w: %s and %s are overlays for the same type", ErrInvalidOverlay, other.name, e.Name())
		}
		out[key] = overlayFile{name: e.Name(), body: b}
	}
	return out, nil
}
