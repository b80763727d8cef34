package suggest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// templateExts are the file names read from a folder.
var templateExts = []string{".json", ".yaml", ".yml", ".template"}

// Load reads templates from files and folders (recursively). A path or file that cannot be read
// or parsed gives one line in errs and the rest still load.
func Load(paths []string, opts cfntemplate.Options) (tpls []*cfntemplate.Template, errs []string) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		files := []string{p}
		if info.IsDir() {
			files = nil
			werr := filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					errs = append(errs, err.Error())
					return nil
				}
				if !d.IsDir() && slices.Contains(templateExts, strings.ToLower(filepath.Ext(f))) {
					files = append(files, f)
				}
				return nil
			})
			if werr != nil {
				errs = append(errs, werr.Error())
			}
		}
		for _, f := range files {
			t, err := parseFile(f, opts)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			tpls = append(tpls, t)
		}
	}
	return tpls, errs
}

func parseFile(name string, opts cfntemplate.Options) (*cfntemplate.Template, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return cfntemplate.Parse(name, b, opts)
}

// Observations turns parsed templates into the resources they deploy. A resource whose condition
// is false is not created and contributes nothing; one whose properties depend on conditions that
// cannot be decided contributes every variant (each branch counts as used).
func Observations(tpls []*cfntemplate.Template) []Observation {
	var out []Observation
	for _, t := range tpls {
		for _, r := range t.Resources {
			if r.Skipped {
				continue
			}
			src := t.Name + "#" + r.LogicalID
			if len(r.Variants) == 0 {
				out = append(out, Observation{Type: r.Type, Source: src, Properties: r.Properties, Unknown: paths(r.Unknown)})
				continue
			}
			for _, v := range r.Variants {
				out = append(out, Observation{Type: r.Type, Source: src + " " + v.Assumption, Properties: v.Properties, Unknown: paths(v.Unknown), resource: src})
			}
		}
	}
	return out
}

func paths(us []verdict.Unverified) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Path
	}
	return out
}

// Sidecar records why an overlay narrows what it does, next to it (<Type>.suggest.json), so a
// review sees the inputs and the choices.
type Sidecar struct {
	Type        string       `json:"type"`
	Generated   string       `json:"generated"`
	Resources   int          `json:"resourcesObserved"`
	MinCount    int          `json:"minCount"`
	Keep        []string     `json:"keep,omitempty"`
	Kept        []string     `json:"keptUnused,omitempty"`
	PathsBefore int          `json:"approvedPathsBefore"`
	PathsAfter  int          `json:"approvedPathsAfter"`
	Removed     []Removal    `json:"removed,omitempty"`
	Enums       []EnumChange `json:"enumsNarrowed,omitempty"`
	ARNs        []ARNRule    `json:"arnRules,omitempty"`
}

// Write writes, for each type with something to narrow, the overlay (the existing overlay's
// operations from existing, then the suggested ones) and its sidecar into dir. It returns the
// files written.
func Write(dir string, existing fs.FS, r *Result, opts Options, now time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, t := range r.Types {
		if len(t.Ops) == 0 {
			continue
		}
		name, err := FileName(t.Type)
		if err != nil {
			return written, err
		}
		var prev []byte
		if existing != nil {
			prev, err = fs.ReadFile(existing, name)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return written, fmt.Errorf("existing overlay %s: %w", name, err)
			}
		}
		ov, err := Overlay(t.Type, prev, t.Ops)
		if err != nil {
			return written, err
		}
		sc := Sidecar{
			Type: t.Type, Generated: now.UTC().Format(time.RFC3339), Resources: t.Resources, MinCount: r.MinCount,
			Keep: opts.Keep[t.Type], Kept: t.Kept, PathsBefore: t.PathsBefore, PathsAfter: t.PathsAfter,
			Removed: t.Removed, Enums: t.Enums, ARNs: t.ARNs,
		}
		sb, err := json.MarshalIndent(sc, "", "  ")
		if err != nil {
			return written, err
		}
		base := strings.TrimSuffix(name, ".json")
		for f, b := range map[string][]byte{name: ov, base + ".suggest.json": append(sb, '\n')} {
			p := filepath.Join(dir, f)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return written, fmt.Errorf("write %s: %w", p, err)
			}
			written = append(written, p)
		}
	}
	slices.Sort(written)
	return written, nil
}

// ParseKeep reads --keep values, TYPE=PATH.
func ParseKeep(values []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, v := range values {
		t, p, ok := strings.Cut(v, "=")
		if !ok || t == "" || !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("--keep %q: want TYPE=/Path (e.g. AWS::S3::Bucket=/Tags)", v)
		}
		out[t] = append(out[t], p)
	}
	for _, t := range slices.Collect(maps.Keys(out)) {
		slices.Sort(out[t])
	}
	return out, nil
}

// unverified turns unknown pointers back into the engine's form.
func unverified(paths []string) []verdict.Unverified {
	out := make([]verdict.Unverified, len(paths))
	for i, p := range paths {
		out[i] = verdict.Unverified{Path: p, Reason: "not known before deployment"}
	}
	return out
}
