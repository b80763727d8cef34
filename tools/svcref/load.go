package svcref

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
)

// IndexFile is the name of the service index inside a snapshot.
const IndexFile = "service-list.json"

// IndexEntry is one row of service-list.json. Fields AWS adds later (such as "modified") are
// ignored, so that a new index never breaks a reader.
type IndexEntry struct {
	Service string `json:"service"`
	URL     string `json:"url"`
}

// validServiceName keeps a listed name usable as a file name: no separators, no dot files.
var validServiceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParseIndex decodes and checks service-list.json: every service named once, each name safe to
// use as "<name>.json" beside the index.
func ParseIndex(data []byte) ([]IndexEntry, error) {
	var entries []IndexEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", IndexFile, ErrInvalidSnapshot, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: %w: lists no services", IndexFile, ErrInvalidSnapshot)
	}
	seen := make(map[string]bool, len(entries))
	for i, e := range entries {
		if !validServiceName.MatchString(e.Service) || strings.HasSuffix(e.Service, ".") {
			return nil, fmt.Errorf("%s: entry %d: %w: service name %q", IndexFile, i, ErrInvalidSnapshot, e.Service)
		}
		k := strings.ToLower(e.Service)
		if seen[k] {
			return nil, fmt.Errorf("%s: %w: service %q listed twice", IndexFile, ErrInvalidSnapshot, e.Service)
		}
		seen[k] = true
	}
	return entries, nil
}

// The wire shape of a service file. SupportedBy and Operations are not declared, so the decoder
// skips them.
type rawService struct {
	Name    string `json:"Name"`
	Version string `json:"Version"`
	Actions []struct {
		Name                string   `json:"Name"`
		ActionConditionKeys []string `json:"ActionConditionKeys"`
		Annotations         struct {
			Properties struct {
				IsList                 bool `json:"IsList"`
				IsPermissionManagement bool `json:"IsPermissionManagement"`
				IsTaggingOnly          bool `json:"IsTaggingOnly"`
				IsWrite                bool `json:"IsWrite"`
			} `json:"Properties"`
		} `json:"Annotations"`
		Resources []struct {
			Name string `json:"Name"`
		} `json:"Resources"`
	} `json:"Actions"`
	ConditionKeys []ConditionKey `json:"ConditionKeys"`
	Resources     []Resource     `json:"Resources"`
}

// ParseService decodes one service file and checks it is the service the index promised.
func ParseService(name string, data []byte) (*Service, error) {
	file := name + ".json"
	var raw rawService
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrInvalidSnapshot, err)
	}
	if !strings.EqualFold(raw.Name, name) {
		return nil, fmt.Errorf("%s: %w: file describes service %q", file, ErrInvalidSnapshot, raw.Name)
	}
	s := &Service{
		Name:          raw.Name,
		Version:       raw.Version,
		Actions:       make([]Action, 0, len(raw.Actions)),
		ConditionKeys: raw.ConditionKeys,
		Resources:     raw.Resources,
	}
	for _, ra := range raw.Actions {
		if ra.Name == "" || strings.ContainsAny(ra.Name, ":*? ") {
			return nil, fmt.Errorf("%s: %w: action name %q", file, ErrInvalidSnapshot, ra.Name)
		}
		a := Action{
			Service:                s.Name,
			Name:                   ra.Name,
			ConditionKeys:          ra.ActionConditionKeys,
			IsWrite:                ra.Annotations.Properties.IsWrite,
			IsList:                 ra.Annotations.Properties.IsList,
			IsPermissionManagement: ra.Annotations.Properties.IsPermissionManagement,
			IsTaggingOnly:          ra.Annotations.Properties.IsTaggingOnly,
		}
		if len(ra.Resources) > 0 {
			a.Resources = make([]string, len(ra.Resources))
			for i, r := range ra.Resources {
				a.Resources[i] = r.Name
			}
		}
		s.Actions = append(s.Actions, a)
	}
	slices.SortFunc(s.Actions, func(a, b Action) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(s.ConditionKeys, func(a, b ConditionKey) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(s.Resources, func(a, b Resource) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(s.Actions); i++ {
		if strings.EqualFold(s.Actions[i-1].Name, s.Actions[i].Name) {
			return nil, fmt.Errorf("%s: %w: action %q listed twice", file, ErrInvalidSnapshot, s.Actions[i].Name)
		}
	}
	return s, nil
}

// LoadDir loads the snapshot in a directory.
func LoadDir(ctx context.Context, dir string) (*Catalog, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("service reference: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("service reference %s: %w: not a directory", dir, ErrInvalidSnapshot)
	}
	c, err := Load(ctx, os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("service reference %s: %w", dir, err)
	}
	return c, nil
}

// Load reads service-list.json at the root of fsys and the <service>.json file of every service
// it lists. Files are decoded in parallel; the first error cancels the rest.
func Load(ctx context.Context, fsys fs.FS) (*Catalog, error) {
	data, err := fs.ReadFile(fsys, IndexFile)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	entries, err := ParseIndex(data)
	if err != nil {
		return nil, err
	}
	services := make([]*Service, len(entries))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, e := range entries {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			b, err := fs.ReadFile(fsys, e.Service+".json")
			if err != nil {
				return fmt.Errorf("service %s: %w", e.Service, err)
			}
			s, err := ParseService(e.Service, b)
			if err != nil {
				return err
			}
			services[i] = s
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		// A cancelled parent context is the cause worth reporting, not the sibling's echo of it.
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return nil, ctxErr
		}
		return nil, err
	}
	return NewCatalog(services)
}

// NewCatalog indexes already decoded services, for callers that build a catalogue in memory.
// Service names must be unique, case-insensitively.
func NewCatalog(services []*Service) (*Catalog, error) {
	c := &Catalog{
		services: slices.Clone(services),
		byName:   make(map[string]*Service, len(services)),
		keys:     make(map[string]bool),
	}
	slices.SortFunc(c.services, func(a, b *Service) int { return strings.Compare(a.Name, b.Name) })
	n := 0
	for _, s := range c.services {
		n += len(s.Actions)
	}
	c.actions = make(map[string]*Action, n)
	c.allActions = make([]string, 0, n)
	tmpls := make(map[string]bool)
	addKey := func(name string) {
		k := strings.ToLower(name)
		if g, ok := templateGlob(k); ok {
			tmpls[g] = true
		} else {
			c.keys[k] = true
		}
	}
	for _, s := range c.services {
		k := strings.ToLower(s.Name)
		if _, dup := c.byName[k]; dup {
			return nil, fmt.Errorf("%w: service %q defined twice", ErrInvalidSnapshot, s.Name)
		}
		c.byName[k] = s
		for i := range s.Actions {
			a := &s.Actions[i]
			ak := strings.ToLower(a.FullName())
			if _, dup := c.actions[ak]; dup {
				return nil, fmt.Errorf("%w: action %q defined twice", ErrInvalidSnapshot, a.FullName())
			}
			c.actions[ak] = a
			c.allActions = append(c.allActions, a.FullName())
		}
		for _, ck := range s.ConditionKeys {
			addKey(ck.Name)
		}
	}
	for _, ck := range globalConditionKeys {
		addKey(ck.Name)
	}
	slices.Sort(c.allActions)
	for t := range tmpls {
		c.keyTmpls = append(c.keyTmpls, t)
	}
	slices.Sort(c.keyTmpls)
	return c, nil
}
