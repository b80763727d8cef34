package scpgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// policyFileRE matches the files a build writes, so that a rebuild removes the ones it no longer
// produces and never touches anything else in the folder.
var policyFileRE = regexp.MustCompile(`^rcfge-scp-[0-9]+\.json$`)

// ManifestJSON encodes the manifest as the file holds it.
func (r *Result) ManifestJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.Manifest); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// Write writes the policies and the manifest into dir, creating it if needed, and removes policy
// files of an earlier build that this one no longer produces.
func Write(dir string, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	keep := make(map[string]bool, len(r.Policies))
	for _, f := range r.Policies {
		keep[f.Name] = true
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("write policy: %w", err)
		}
	}
	m, err := r.ManifestJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), m, 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() && policyFileRE.MatchString(e.Name()) && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove stale policy: %w", err)
			}
		}
	}
	return nil
}
