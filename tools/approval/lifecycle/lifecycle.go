// Package lifecycle runs the approval lifecycle on a folder of restricted templates: what a newer
// provider schema snapshot has that the templates do not approve (Pending), and the decisions
// that let one property, one enum value or one whole type in (Approve) or take it out again
// (Revoke), each written to the template and appended to the folder's approvals record.
package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// Folder is a templates folder with what generating its templates takes.
type Folder struct {
	// Source holds the provider schemas to compare with (the new snapshot).
	Source schemagen.SchemaSource
	// Dir is the templates folder: the approval record, and where approvals are written.
	Dir string
	// Overlays holds the templates' overlays; nil reads Dir/overlays when it exists.
	Overlays fs.FS
	// Now is the clock for the record and for new snapshot dates; nil means time.Now.
	Now func() time.Time
}

func (f Folder) request() schemagen.Request {
	req := schemagen.Request{
		Source:   f.Source,
		Overlays: f.Overlays,
		Previous: os.DirFS(f.Dir),
		Approved: os.DirFS(f.Dir),
		Now:      f.Now,
	}
	if req.Overlays == nil {
		if st, err := os.Stat(filepath.Join(f.Dir, "overlays")); err == nil && st.IsDir() {
			req.Overlays = os.DirFS(filepath.Join(f.Dir, "overlays"))
		}
	}
	return req
}

func (f Folder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// PendingReport is what the source has that the templates do not approve.
type PendingReport struct {
	Types []approval.Review `json:"types"`
}

// HasPending reports whether anything waits for approval.
func (r PendingReport) HasPending() bool {
	for _, t := range r.Types {
		if len(t.Pending) > 0 || t.Status == approval.NewType {
			return true
		}
	}
	return false
}

// WithoutNewTypes drops the source's types that have no template: for a folder that templates a
// chosen few types, the hundreds of others are blocked anyway and not news.
func (r PendingReport) WithoutNewTypes() PendingReport {
	out := PendingReport{Types: []approval.Review{}}
	for _, t := range r.Types {
		if t.Status != approval.NewType {
			out.Types = append(out.Types, t)
		}
	}
	return out
}

// Pending regenerates every template of the folder in memory from the source and reports, per
// type, the properties and enum values it holds back, what AWS removed, and the source's types
// with no template. Nothing is written.
func Pending(ctx context.Context, f Folder) (PendingReport, error) {
	if err := checkDir(f.Dir); err != nil {
		return PendingReport{}, err
	}
	_, reviews, err := schemagen.RunReview(ctx, f.request())
	if err != nil {
		return PendingReport{}, err
	}
	rep := PendingReport{Types: []approval.Review{}}
	for _, r := range reviews {
		if len(r.Pending) > 0 || len(r.Removed) > 0 || r.Status == approval.NewType {
			rep.Types = append(rep.Types, r)
		}
	}
	return rep, nil
}

// Decision is one approve or revoke request.
type Decision struct {
	Type string
	// Grants are the paths and enum values; none means the whole type.
	Grants []approval.Grant
	Reason string
	By     string
}

// Outcome is what a decision did.
type Outcome struct {
	Review approval.Review `json:"review"`
	// File is the template written or removed.
	File string `json:"file"`
	// Changed is false when the template already said so (nothing written, nothing recorded).
	Changed bool `json:"changed"`
	// Recorded are the entries appended to the approvals record.
	Recorded []approval.Entry `json:"recorded,omitempty"`
}

// ErrUsage means a decision is incomplete (no reason, no type).
var ErrUsage = errors.New("incomplete decision")

// Approve lets the decision's properties (with everything below them), enum values, or whole type
// into the template, exactly as a full generation would have them, and records it.
func Approve(ctx context.Context, f Folder, d Decision) (Outcome, error) {
	return decide(ctx, f, d, approval.Approve)
}

// Revoke takes the decision's properties or enum values out of the template again, or the whole
// type's template when no path is given, and records it.
func Revoke(ctx context.Context, f Folder, d Decision) (Outcome, error) {
	return decide(ctx, f, d, approval.Revoke)
}

func decide(ctx context.Context, f Folder, d Decision, action approval.Action) (Outcome, error) {
	if d.Reason == "" {
		return Outcome{}, fmt.Errorf("%w: a reason (the change ticket) is required", ErrUsage)
	}
	if err := checkDir(f.Dir); err != nil {
		return Outcome{}, err
	}
	name, err := store.FileName(d.Type)
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	path := filepath.Join(f.Dir, name)
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Outcome{}, fmt.Errorf("read %s: %w", path, err)
	}
	exists := err == nil
	out := Outcome{File: path}
	if action == approval.Revoke && len(d.Grants) == 0 {
		return revokeType(f, d, path, exists)
	}
	if action == approval.Revoke && !exists {
		return Outcome{}, fmt.Errorf("revoke %s: %s has no template %s", d.Type, f.Dir, name)
	}
	req := f.request()
	req.Types = []string{d.Type}

	grants := d.Grants
	if len(grants) == 0 {
		grants = []approval.Grant{{Path: ""}}
	}
	switch action {
	case approval.Approve:
		req.Grants = map[string][]approval.Grant{}
	default:
		req.Revokes = map[string][]approval.Grant{}
	}
	if action == approval.Approve {
		req.Grants[d.Type] = grants
	} else {
		req.Revokes[d.Type] = grants
	}
	tpls, reviews, err := schemagen.RunReview(ctx, req)
	if err != nil {
		return Outcome{}, err
	}
	if len(tpls) != 1 || len(reviews) != 1 {
		return Outcome{}, fmt.Errorf("%s %s: generated %d templates, want 1", action, d.Type, len(tpls))
	}
	tpl := tpls[0]
	out.Review = reviews[0]
	if exists && bytes.Equal(old, tpl.Body) {
		return out, nil
	}
	if err := writeFile(path, tpl.Body); err != nil {
		return Outcome{}, err
	}
	out.Changed = true
	when := f.now()
	for _, g := range d.Grants {
		out.Recorded = append(out.Recorded, approval.NewEntry(action, tpl.TypeName, g, d.Reason, d.By, when, tpl.Annotation.Source.Digest))
	}
	if len(d.Grants) == 0 {
		out.Recorded = append(out.Recorded, approval.NewEntry(action, tpl.TypeName, approval.Grant{}, d.Reason, d.By, when, tpl.Annotation.Source.Digest))
	}
	if err := approval.AppendRecord(filepath.Join(f.Dir, approval.RecordFile), out.Recorded...); err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// revokeType removes a whole type's template: the type is blocked again (no template, fail closed).
func revokeType(f Folder, d Decision, path string, exists bool) (Outcome, error) {
	out := Outcome{File: path, Review: approval.Review{TypeName: d.Type, Status: approval.NewType}}
	if !exists {
		return out, nil
	}
	digest := ""
	if doc, err := os.ReadFile(path); err == nil {
		digest = sourceDigest(doc)
	}
	if err := os.Remove(path); err != nil {
		return Outcome{}, fmt.Errorf("revoke %s: %w", d.Type, err)
	}
	out.Changed = true
	out.Recorded = []approval.Entry{approval.NewEntry(approval.Revoke, d.Type, approval.Grant{}, d.Reason, d.By, f.now(), digest)}
	if err := approval.AppendRecord(filepath.Join(f.Dir, approval.RecordFile), out.Recorded...); err != nil {
		return Outcome{}, err
	}
	return out, nil
}

func checkDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%w: templates folder: %w", ErrUsage, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%w: templates folder %s is not a folder", ErrUsage, dir)
	}
	return nil
}

// writeFile replaces path atomically, so that a reader never sees half a template.
func writeFile(path string, body []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rcfge-*.json")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, werr := tmp.Write(body)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sourceDigest reads x-rcfge.source.digest from a template; empty when it has none.
func sourceDigest(body []byte) string {
	var doc struct {
		X struct {
			Source struct {
				Digest string `json:"digest"`
			} `json:"source"`
		} `json:"x-rcfge"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.X.Source.Digest
}
