package schemagen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rcfge/rcfge/hook/store"
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
}

// Run generates the requested templates, in parallel, sorted by type name. Types that fail are
// reported together in the returned error; the others are still returned.
func Run(ctx context.Context, req Request) ([]*Template, error) {
	types := req.Types
	all := len(types) == 0
	if all {
		var err error
		if types, err = req.Source.Types(ctx); err != nil {
			return nil, err
		}
	}
	overlays, err := readOverlays(req.Overlays)
	if err != nil {
		return nil, err
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
	out := make([]*Template, len(types))
	typeErrs := make([]error, len(types))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, t := range types {
		g.Go(func() error {
			tpl, err := generateOne(gctx, req, t, overlays[strings.ToLower(t)].body)
			if err != nil {
				if ctxErr := gctx.Err(); ctxErr != nil {
					return ctxErr
				}
				typeErrs[i] = err
				return nil
			}
			out[i] = tpl
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, tpl := range out {
		if tpl != nil {
			kept = append(kept, tpl)
		} else {
			errs = append(errs, typeErrs[i])
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].TypeName < kept[j].TypeName })
	return kept, errors.Join(errs...)
}

func generateOne(ctx context.Context, req Request, typeName string, overlay []byte) (*Template, error) {
	p, err := req.Source.Get(ctx, typeName)
	if err != nil {
		return nil, err
	}
	snap := req.Snapshot
	if snap == "" {
		now := time.Now
		if req.Now != nil {
			now = req.Now
		}
		snap = SnapshotFor(p, previousSnapshot(req.Previous, typeName, Digest(p.Body)), now())
	}
	return Generate(p, Options{Snapshot: snap, Overlay: overlay})
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
