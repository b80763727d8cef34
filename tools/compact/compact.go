// Package compact writes the form of the restricted templates that is published to S3: each
// template without the annotations the hook never reads (hook/schema.Compact), on one line.
// The repository keeps the annotated templates for the people who review them; the hook reads
// about a fifth of the bytes on every cold type.
package compact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/rcfge/rcfge/hook/schema"
)

// Template returns the compact form of one template's JSON. Only a JSON object is a template.
func Template(body []byte) ([]byte, error) {
	doc, err := schema.Decode(body)
	if err != nil {
		return nil, err
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, errors.New("a template is a JSON object")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Patterns and placeholders ($<accountID>) stay readable in the published file.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(schema.Compact(doc)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Stats says what Dir wrote.
type Stats struct {
	Files         int
	Before, After int64 // bytes read and written
}

// overrideDir is where a per-account override lives: accounts/<12-digit account ID>/.
var overrideDir = regexp.MustCompile(`^accounts/[0-9]{12}$`)

// Dir writes the compact form of every template of src (<Type>.json at the top level, and the
// per-account overrides accounts/<id>/<Type>.json, as scripts/publish.sh publishes them) to the
// same relative path under dst. dst must not exist yet, or be an empty folder outside src: the
// annotated templates are never overwritten, and nothing is written unless every template
// compacts.
func Dir(src, dst string) (Stats, error) {
	var st Stats
	if err := checkDirs(src, dst); err != nil {
		return st, err
	}
	files, err := templates(src)
	if err != nil {
		return st, err
	}
	if len(files) == 0 {
		return st, fmt.Errorf("%s holds no templates (*.json)", src)
	}
	out := make([][]byte, len(files))
	for i, rel := range files {
		body, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			return st, err
		}
		if out[i], err = Template(body); err != nil {
			return st, fmt.Errorf("%s: %w", filepath.Join(src, rel), err)
		}
		st.Before += int64(len(body))
		st.After += int64(len(out[i]))
	}
	for i, rel := range files {
		p := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return st, err
		}
		if err := os.WriteFile(p, out[i], 0o644); err != nil {
			return st, err
		}
		st.Files++
	}
	return st, nil
}

func checkDirs(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", src)
	}
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	absDst, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(absSrc, absDst); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("the output %s is inside the templates %s: write the compact copies elsewhere", dst, src)
	}
	entries, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("the output %s: %w", dst, err)
	case len(entries) > 0:
		return fmt.Errorf("the output %s is not empty: compact copies go to a new folder", dst)
	}
	return nil
}

// templates lists the templates of src by relative path, sorted.
func templates(src string) ([]string, error) {
	var files []string
	top, err := filepath.Glob(filepath.Join(src, "*.json"))
	if err != nil {
		return nil, err
	}
	over, err := filepath.Glob(filepath.Join(src, "accounts", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range append(top, over...) {
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		if d := filepath.ToSlash(filepath.Dir(rel)); d != "." && !overrideDir.MatchString(d) {
			continue // not an account override folder: nothing publish.sh would upload
		}
		files = append(files, filepath.FromSlash(rel))
	}
	slices.Sort(files)
	return files, nil
}
