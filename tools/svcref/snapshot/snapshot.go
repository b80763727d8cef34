// Package snapshot fetches the AWS service reference into dated snapshot folders. A snapshot is
// written into a hidden folder beside its final place and renamed into place only when every
// file was fetched and checked, so a failed run never replaces or damages a good snapshot.
// Snapshots are never expired: each fetch adds a folder named by its UTC date.
package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/rcfge/rcfge/tools/svcref"
)

// DefaultEndpoint serves the index of the AWS service reference; each entry links its service file.
const DefaultEndpoint = "https://servicereference.us-east-1.amazonaws.com/"

// ManifestFile is written into every snapshot beside the index.
const ManifestFile = "manifest.json"

// DateLayout names snapshot folders.
const DateLayout = "2006-01-02"

// ErrNoSnapshot is returned when a folder holds no snapshot.
var ErrNoSnapshot = errors.New("no service reference snapshot")

// ErrCorrupt is wrapped by Verify errors about files that do not match the manifest.
var ErrCorrupt = errors.New("snapshot does not match its manifest")

// Manifest records when and where a snapshot was fetched and the SHA-256 of each file.
type Manifest struct {
	Date         string            `json:"date"`
	FetchedAt    time.Time         `json:"fetchedAt"`
	Endpoint     string            `json:"endpoint"`
	ServiceCount int               `json:"serviceCount"`
	Files        map[string]string `json:"files"` // file name -> "sha256:<hex>"
}

// digest returns the manifest form of a file's SHA-256.
func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ReadManifest reads the manifest of the snapshot in dir.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w: %w", dir, ErrCorrupt, err)
	}
	return &m, nil
}

// Verify checks every file the manifest lists against its digest, and that the manifest lists
// the index and one file per service.
func Verify(ctx context.Context, dir string) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	if _, ok := m.Files[svcref.IndexFile]; !ok || len(m.Files) != m.ServiceCount+1 {
		return fmt.Errorf("snapshot %s: %w: %d files for %d services", dir, ErrCorrupt, len(m.Files), m.ServiceCount)
	}
	names := make([]string, 0, len(m.Files))
	for name := range m.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if filepath.Base(name) != name {
			return fmt.Errorf("snapshot %s: %w: file name %q", dir, ErrCorrupt, name)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("snapshot %s: %w", dir, err)
		}
		if got := digest(data); got != m.Files[name] {
			return fmt.Errorf("snapshot %s: %w: %s has %s, manifest says %s", dir, ErrCorrupt, name, got, m.Files[name])
		}
	}
	return nil
}

var datedFolder = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Resolve returns dir itself when it holds a snapshot (a service-list.json), else the newest
// dated snapshot folder inside it, as written by Fetch.
func Resolve(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, svcref.IndexFile)); err == nil {
		return dir, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("snapshot %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	for i := len(entries) - 1; i >= 0; i-- { // ReadDir sorts by name, so dates ascend
		e := entries[i]
		if !e.IsDir() || !datedFolder.MatchString(e.Name()) {
			continue
		}
		candidate := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(candidate, svcref.IndexFile)); err == nil {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("%s: %w (no service-list.json, no dated snapshot folder)", dir, ErrNoSnapshot)
}
