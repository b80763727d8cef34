// Package dirstore serves restricted templates from a folder (any fs.FS): a local directory, or
// the templates embedded in the binary.
package dirstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"time"

	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/store"
)

// Store reads <Type>.json from the root of an fs.FS, with a per-account override at
// accounts/<accountId>/<Type>.json looked up first. Files are re-read only when their size or
// modification time changes.
type Store struct {
	fsys fs.FS
	mu   sync.Mutex
	seen map[string]entry
	// immutable folders (the embedded templates, a snapshot) are resolved once per account and name.
	immutable bool
	resolved  map[string]map[string]resolved
}

type entry struct {
	size int64
	mod  time.Time
	tpl  store.Template
}

var (
	_ store.Store     = (*Store)(nil)
	_ store.FileStore = (*Store)(nil)
)

// New returns a Store over fsys. An embed.FS never changes, so its lookups are remembered.
func New(fsys fs.FS) *Store {
	_, immutable := fsys.(embed.FS)
	return newStore(fsys, immutable)
}

// NewSnapshot returns a Store that resolves each account and name once, a miss included, for a
// one-shot command (replay, validate) whose folder does not change while it runs: without it every
// request stats the template file (and exceptions.json), which on a replay of thousands of requests
// is an eighth of the CPU.
func NewSnapshot(fsys fs.FS) *Store { return newStore(fsys, true) }

func newStore(fsys fs.FS, immutable bool) *Store {
	return &Store{fsys: fsys, seen: map[string]entry{}, immutable: immutable, resolved: map[string]map[string]resolved{}}
}

var (
	fileFirst = ident.NewSet("A-Za-z0-9_-")
	fileRest  = ident.NewSet("A-Za-z0-9._-")
)

// validFile admits plain file names only, nothing that climbs out of the folder or hides:
// ^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$.
func validFile(name string) bool { return ident.Word(name, fileFirst, fileRest, 1, 128) }

// GetFile returns a file beside the templates (exceptions.json), preferring the account's copy at
// accounts/<accountId>/<name>. A missing file is store.ErrNotFound. Files are read like templates:
// again only when their size or modification time changes.
func (s *Store) GetFile(ctx context.Context, name, accountID string) (store.Template, error) {
	if err := ctx.Err(); err != nil {
		return store.Template{}, err
	}
	if !validFile(name) {
		return store.Template{}, fmt.Errorf("file name %q: want a plain file name", name)
	}
	return s.resolve(accountID, "file:"+name, func() (store.Template, error) { return s.find(name, accountID) })
}

// Get returns the template for typeName, preferring the account's override.
func (s *Store) Get(ctx context.Context, typeName, accountID string) (store.Template, error) {
	if err := ctx.Err(); err != nil {
		return store.Template{}, err
	}
	return s.resolve(accountID, typeName, func() (store.Template, error) {
		name, err := store.FileName(typeName)
		if err != nil {
			return store.Template{}, err
		}
		return s.find(name, accountID)
	})
}

// resolved is one lookup's answer in an immutable folder: the file, or that there is none.
type resolved struct {
	tpl store.Template
	err error
}

// resolve answers a lookup once per account and key in an immutable folder, a miss included: the
// replay of a stack whose requests mostly have violations would otherwise stat exceptions.json
// (and the account's copy) on each of them.
func (s *Store) resolve(accountID, key string, find func() (store.Template, error)) (store.Template, error) {
	if !s.immutable {
		return find()
	}
	s.mu.Lock()
	r, ok := s.resolved[accountID][key]
	s.mu.Unlock()
	if ok {
		return r.tpl, r.err
	}
	tpl, err := find()
	if err == nil || errors.Is(err, store.ErrNotFound) {
		s.mu.Lock()
		if s.resolved[accountID] == nil {
			s.resolved[accountID] = map[string]resolved{}
		}
		s.resolved[accountID][key] = resolved{tpl, err}
		s.mu.Unlock()
	}
	return tpl, err
}

// find reads name, preferring the account's copy at accounts/<accountId>/<name>.
func (s *Store) find(name, accountID string) (store.Template, error) {
	if ident.AccountID(accountID) {
		tpl, err := s.read(path.Join("accounts", accountID, name))
		if !errors.Is(err, store.ErrNotFound) {
			return tpl, err
		}
	}
	return s.read(name)
}

func (s *Store) read(name string) (store.Template, error) {
	fi, err := fs.Stat(s.fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return store.Template{}, fmt.Errorf("%s: %w", name, store.ErrNotFound)
		}
		return store.Template{}, fmt.Errorf("template %s: %w", name, err)
	}
	if fi.IsDir() {
		return store.Template{}, fmt.Errorf("template %s is a directory", name)
	}
	s.mu.Lock()
	e, ok := s.seen[name]
	s.mu.Unlock()
	if ok && e.size == fi.Size() && e.mod.Equal(fi.ModTime()) {
		return e.tpl, nil
	}
	body, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return store.Template{}, fmt.Errorf("template %s: %w", name, err)
	}
	sum := sha256.Sum256(body)
	tpl := store.Template{Key: name, Version: "sha256:" + hex.EncodeToString(sum[:]), Body: body}
	s.mu.Lock()
	s.seen[name] = entry{size: fi.Size(), mod: fi.ModTime(), tpl: tpl}
	s.mu.Unlock()
	return tpl, nil
}
