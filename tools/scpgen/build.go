package scpgen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/scpgen/minimize"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
)

// ErrUnknownAction is wrapped by the error listing action patterns the service reference lacks.
var ErrUnknownAction = errors.New("unknown actions")

// ErrNotInServiceReference means an action name the service reference does not list.
var ErrNotInServiceReference = errors.New("not in the service reference")

// ErrNoApprovedTypes means the templates folder names no resource type.
var ErrNoApprovedTypes = errors.New("no approved resource types")

// ErrProviderSchema is wrapped by errors about a missing or malformed provider schema.
var ErrProviderSchema = errors.New("provider schema")

// ErrQuotas means the statements do not fit the configured quotas.
var ErrQuotas = errors.New("policies do not fit the quotas")

// ErrProof means a packed statement does not expand to exactly its input actions: a bug in the
// minimiser or the packer, caught before any policy is written.
var ErrProof = errors.New("compiled policy does not match its input actions")

// Input is everything a build reads.
type Input struct {
	Config Config
	// Catalog is the AWS service reference.
	Catalog *svcref.Catalog
	// Schemas holds provider schemas named as the registry names them (aws-s3-bucket.json).
	Schemas fs.FS
	// Templates holds one restricted template per approved type, <Type>.json, at its top level.
	Templates fs.FS
	// Strict turns handler permissions that the service reference lacks into errors.
	Strict bool
}

// Warning is a finding that leaves the build going unless Input.Strict is set.
type Warning struct {
	Type     string   `json:"type,omitempty"`
	Handlers []string `json:"handlers,omitempty"`
	Action   string   `json:"action,omitempty"`
	Message  string   `json:"message"`
}

// String formats the warning for one line of stderr.
func (w Warning) String() string {
	if w.Action == "" {
		return w.Message
	}
	return fmt.Sprintf("%s (%s handlers): %s: %s", w.Type, strings.Join(w.Handlers, ","), w.Action, w.Message)
}

// File is one output file.
type File struct {
	Name string
	Data []byte
}

// Result is a compiled set of policies.
// As a report in JSON it is the manifest.
type Result struct {
	// Policies are the policy files, in order; Manifest describes them.
	Policies []File   `json:"-"`
	Manifest Manifest `json:"manifest"`
	// Warnings are also in the manifest; the command prints them on stderr.
	Warnings []Warning `json:"-"`
}

// ManifestFile is the name of the manifest written beside the policies.
const ManifestFile = "manifest.json"

// PolicyFileName names the i-th policy (from 0).
func PolicyFileName(i int) string { return fmt.Sprintf("rcfge-scp-%d.json", i+1) }

// handlerKinds are the provider schema handlers whose permissions provisioning needs.
var handlerKinds = []string{"create", "update", "delete"}

// Build compiles the policies. It fails with one error listing every unknown pattern written in
// the configuration, and, in strict mode, every unknown handler permission.
func Build(ctx context.Context, in Input) (*Result, error) {
	if in.Catalog == nil || in.Schemas == nil || in.Templates == nil {
		return nil, errors.New("scpgen: Build needs a catalog, a schemas folder and a templates folder")
	}
	b := builder{in: in, cat: in.Catalog}
	types, err := approvedTypes(in.Templates)
	if err != nil {
		return nil, err
	}
	prov, err := b.provisioning(ctx, types)
	if err != nil {
		return nil, err
	}
	if in.Strict && len(b.warnings) > 0 {
		return nil, fmt.Errorf("%w (strict): %s", ErrUnknownAction, joinWarnings(b.warnings))
	}
	stmts, err := b.statements(prov)
	if err != nil {
		return nil, err
	}
	res, err := b.compile(stmts)
	if err != nil {
		return nil, err
	}
	res.Manifest.Types = b.types
	res.Manifest.Inputs = Inputs{
		Config:           in.Config.Digest,
		ServiceReference: catalogDigest(in.Catalog),
		Templates:        listDigest(types),
	}
	res.Warnings = b.warnings
	res.Manifest.Warnings = b.warnings
	return res, nil
}

type builder struct {
	in       Input
	cat      *svcref.Catalog
	warnings []Warning
	types    []TypeEntry
}

// approvedTypes lists the types with a template at the top level of the folder.
func approvedTypes(templates fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(templates, ".")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var types []string
	var bad []string
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		t, ok := store.TypeName(e.Name())
		if !ok {
			bad = append(bad, e.Name())
			continue
		}
		types = append(types, t)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("templates: %s: not named <Type>.json (e.g. AWS-S3-Bucket.json)", strings.Join(bad, ", "))
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("templates: %w: no <Type>.json file", ErrNoApprovedTypes)
	}
	slices.Sort(types)
	return types, nil
}

type providerSchema struct {
	TypeName string `json:"typeName"`
	Handlers map[string]struct {
		Permissions []string `json:"permissions"`
	} `json:"handlers"`
}

// schemaFile is the registry's file name for a type: AWS::S3::Bucket -> aws-s3-bucket.json.
func schemaFile(typeName string) string {
	return strings.ToLower(strings.ReplaceAll(typeName, "::", "-")) + ".json"
}

// provisioning returns the canonical actions the types' create, update and delete handlers
// need. Permissions the service reference lacks become warnings.
func (b *builder) provisioning(ctx context.Context, types []string) (map[string]bool, error) {
	out := make(map[string]bool)
	for _, t := range types {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		file := schemaFile(t)
		data, err := fs.ReadFile(b.in.Schemas, file)
		if err != nil {
			return nil, fmt.Errorf("%w for %s: %w", ErrProviderSchema, t, err)
		}
		var ps providerSchema
		if err := json.Unmarshal(data, &ps); err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrProviderSchema, file, err)
		}
		if ps.TypeName != t {
			return nil, fmt.Errorf("%w %s: describes %q, want %q", ErrProviderSchema, file, ps.TypeName, t)
		}
		// Which handlers name each permission, so that a warning says where it came from.
		from := make(map[string][]string)
		var order []string
		for _, h := range handlerKinds {
			for _, p := range ps.Handlers[h].Permissions {
				if _, seen := from[p]; !seen {
					order = append(order, p)
				}
				if !slices.Contains(from[p], h) {
					from[p] = append(from[p], h)
				}
			}
		}
		sum := sha256.Sum256(data)
		entry := TypeEntry{Type: t, Schema: file, Digest: "sha256:" + hex.EncodeToString(sum[:])}
		known := make(map[string]bool)
		for _, p := range order {
			acts, err := b.resolve(p)
			if err != nil {
				b.warnings = append(b.warnings, Warning{Type: t, Handlers: from[p], Action: p,
					Message: err.Error() + "; left out of the SCPs, where IAM would never match it"})
				entry.Unknown = append(entry.Unknown, p)
				continue
			}
			for _, a := range acts {
				known[a] = true
			}
		}
		if len(ps.Handlers) == 0 || len(order) == 0 {
			b.warnings = append(b.warnings, Warning{Type: t, Message: t + ": provider schema has no create, update or delete permissions"})
		}
		entry.Actions = len(known)
		maps.Copy(out, known)
		b.types = append(b.types, entry)
	}
	return out, nil
}

// resolve turns an action or pattern into canonical action names.
func (b *builder) resolve(p string) ([]string, error) {
	svc, name, ok := strings.Cut(p, ":")
	if !ok || svc == "" || name == "" {
		return nil, errors.New("not service:action")
	}
	if svcref.HasWildcard(p) {
		return b.cat.Expand(p)
	}
	a, ok := b.cat.Action(p)
	if !ok {
		if _, known := b.cat.Service(svc); !known {
			return nil, fmt.Errorf("%w %q", svcref.ErrUnknownService, svc)
		}
		return nil, fmt.Errorf("%w: service %s has no action %s", ErrNotInServiceReference, svc, name)
	}
	return []string{a.FullName()}, nil
}

// resolveAll resolves patterns written by the user: every unknown one is reported, together.
func (b *builder) resolveAll(field string, patterns []string) (map[string]bool, error) {
	out := make(map[string]bool)
	var bad []string
	for _, p := range patterns {
		if p == "*" {
			bad = append(bad, fmt.Sprintf("%q (a bare * is not allowed here)", p))
			continue
		}
		acts, err := b.resolve(p)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%q (%v)", p, err))
			continue
		}
		for _, a := range acts {
			out[a] = true
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w in config %s: %s", ErrUnknownAction, field, strings.Join(bad, ", "))
	}
	return out, nil
}

func joinWarnings(ws []Warning) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.String()
	}
	return strings.Join(s, "; ")
}

// compile minimises each statement, packs them, proves the packing exact and encodes the files.
func (b *builder) compile(stmts []logical) (*Result, error) {
	universe := func(svc string) ([]string, bool) {
		s, ok := b.cat.Service(svc)
		if !ok {
			return nil, false
		}
		names := make([]string, len(s.Actions))
		for i, a := range s.Actions {
			names[i] = a.Name
		}
		return names, true
	}
	packed := make([]policy.Statement, len(stmts))
	exact := make([]bool, len(stmts))
	for i, l := range stmts {
		s := l.stmt
		switch {
		case l.all:
			s.Action = policy.List{"*"}
		case widensWhenWider(s) && !b.in.Config.AllowWildcards:
			// A wider pattern here would grant more: a new AWS action matching it would be
			// allowed by a policy built before it existed. Exact names never widen.
			s.Action = slices.Sorted(maps.Keys(l.actions))
			exact[i] = true
		default:
			pats, err := minimize.Actions(slices.Sorted(maps.Keys(l.actions)), universe)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Sid, err)
			}
			s.Action = pats
		}
		if err := b.checkConditionKeys(s); err != nil {
			return nil, err
		}
		packed[i] = s
	}
	q := b.in.Config.Quotas
	p, err := pack.Pack(packed, q)
	if errors.Is(err, pack.ErrTooManyPolicies) {
		missing, oerr := pack.Overflow(p, q)
		if oerr != nil {
			return nil, oerr
		}
		hint := "raise quotas.maxChars and quotas.maxPolicies where your organisation's raised quotas apply (up to 10240 and 10)"
		if slices.Contains(exact, true) {
			hint += ", or set allowWildcards: true to accept minimised Allow lists, which widen when AWS adds matching actions"
		}
		return nil, fmt.Errorf("%w: %d characters missing (%d policies of at most %d characters needed, %d allowed per target): %s",
			ErrQuotas, missing, len(p.Policies), q.MaxChars, q.MaxPolicies, hint)
	}
	if err != nil {
		return nil, err
	}
	if err := b.prove(stmts, p); err != nil {
		return nil, err
	}
	res := &Result{Manifest: Manifest{Quotas: q, QuotasNote: quotasNote(q), AllowWildcards: b.in.Config.AllowWildcards}}
	for i, pol := range p.Policies {
		data, err := policy.Minify(pol)
		if err != nil {
			return nil, err
		}
		name := PolicyFileName(i)
		res.Policies = append(res.Policies, File{Name: name, Data: append(data, '\n')})
		res.Manifest.Policies = append(res.Manifest.Policies, PolicyEntry{File: name, Chars: policy.Size(data), Statements: p.Parts[i]})
	}
	for i, l := range stmts {
		e := StatementEntry{Sid: l.stmt.Sid, Effect: l.stmt.Effect, Actions: len(l.actions), Patterns: len(packed[i].Action), Why: l.why, Exact: exact[i]}
		if l.all {
			e.Actions = len(b.cat.AllActions())
			e.Patterns = 1
		} else {
			for _, pat := range packed[i].Action {
				if !svcref.HasWildcard(pat) {
					continue
				}
				// prove has expanded every pattern already; this cannot fail.
				acts, err := b.cat.Expand(pat)
				if err != nil {
					return nil, fmt.Errorf("%w: %s: %s: %w", ErrProof, l.stmt.Sid, pat, err)
				}
				if e.Wildcards == nil {
					e.Wildcards = make(map[string][]string)
				}
				e.Wildcards[pat] = acts
			}
		}
		for j, parts := range p.Parts {
			for _, part := range parts {
				if part.Statement == l.stmt.Sid {
					e.Policies = append(e.Policies, PolicyFileName(j))
				}
			}
		}
		res.Manifest.Statements = append(res.Manifest.Statements, e)
	}
	return res, nil
}

// widensWhenWider reports whether a pattern matching more actions could make the statement
// grant more. Only a Deny with Action may be minimised: wider, it only denies more. Every other
// statement (Allow; and a Deny with NotAction, which policy.Statement cannot express yet, so the
// compiler never writes one) keeps exact names.
func widensWhenWider(s policy.Statement) bool { return s.Effect != "Deny" }

func (b *builder) checkConditionKeys(s policy.Statement) error {
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		for k := range s.Condition[op] {
			if !b.cat.HasConditionKey(k) {
				return fmt.Errorf("%s: condition key %q is not in the service reference", s.Sid, k)
			}
		}
	}
	return nil
}

// prove expands every packed part with the service reference's own matcher and compares the
// union per statement with the statement's input actions.
func (b *builder) prove(stmts []logical, p pack.Result) error {
	all := make(map[string]bool)
	for _, l := range stmts {
		all[l.stmt.Sid] = l.all
	}
	got := make(map[string]map[string]bool, len(stmts))
	for i, pol := range p.Policies {
		for j, s := range pol.Statement {
			sid := p.Parts[i][j].Statement
			if all[sid] {
				// "*" went in and must come out untouched; expanding it would only compare the
				// catalogue with itself.
				if !slices.Equal(s.Action, policy.List{"*"}) {
					return fmt.Errorf("%w: %s: want Action \"*\", got %v", ErrProof, sid, s.Action)
				}
				continue
			}
			if got[sid] == nil {
				got[sid] = make(map[string]bool)
			}
			for _, pat := range s.Action {
				acts, err := b.cat.Expand(pat)
				if err != nil {
					return fmt.Errorf("%w: %s: %s: %w", ErrProof, sid, pat, err)
				}
				for _, a := range acts {
					got[sid][a] = true
				}
			}
		}
	}
	for _, l := range stmts {
		if l.all {
			continue
		}
		want := l.actions
		var extra, missing []string
		for a := range got[l.stmt.Sid] {
			if !want[a] {
				extra = append(extra, a)
			}
		}
		for a := range want {
			if !got[l.stmt.Sid][a] {
				missing = append(missing, a)
			}
		}
		if len(extra)+len(missing) > 0 {
			slices.Sort(extra)
			slices.Sort(missing)
			return fmt.Errorf("%w: %s: %d extra %v, %d missing %v", ErrProof, l.stmt.Sid,
				len(extra), head(extra), len(missing), head(missing))
		}
	}
	return nil
}

func head(s []string) []string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// catalogDigest fingerprints what the build used of the service reference: every action name
// and access level. Loading order and file formatting do not change it.
func catalogDigest(c *svcref.Catalog) string {
	h := sha256.New()
	var line []byte
	for _, s := range c.Services() {
		for _, a := range s.Actions {
			line = append(line[:0], a.Service...)
			line = append(line, ':')
			line = append(line, a.Name...)
			line = append(line, '\t')
			line = append(line, a.AccessLevel()...)
			line = append(line, '\n')
			h.Write(line)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func listDigest(items []string) string {
	h := sha256.New()
	for _, s := range items {
		fmt.Fprintln(h, s)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
