// Package schemagen turns AWS CloudFormation resource provider schemas into rcfge restricted
// templates: every object that declares properties is closed (the feature gate), read-only
// properties and CloudFormation-only keywords go, patterns become RE2, and a DevSecOps overlay
// (RFC 6902 JSON Patch) is applied on top. It reads provider schemas from a folder, the zip AWS
// publishes, or CloudFormation's DescribeType.
package schemagen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Draft is the $schema every generated template names: the engine compiles draft-07 and refuses
// the CloudFormation provider meta-schema URL of the sources.
const Draft = "http://json-schema.org/draft-07/schema#"

// Extension is the template keyword that carries rcfge's metadata and policy.
const Extension = "x-rcfge"

// ErrInvalidProvider means the input is not a usable provider schema.
var ErrInvalidProvider = errors.New("invalid provider schema")

// ErrInvalidOverlay means the overlay is not a JSON Patch that applies cleanly to the base.
var ErrInvalidOverlay = errors.New("invalid overlay")

// Provider is one provider schema as a source holds it.
type Provider struct {
	TypeName string
	// Body is the raw schema; its SHA-256 is recorded as the source digest.
	Body []byte
	// Modified is when the source says the schema last changed; zero when unknown.
	Modified time.Time
}

// Options control Generate.
type Options struct {
	// Snapshot is the provider schema's snapshot date, YYYY-MM-DD.
	Snapshot string
	// Overlay is the type's RFC 6902 patch; nil or empty for none.
	Overlay []byte
	// SkipSurfacePatches generates from the provider schema exactly as AWS wrote it, without
	// SurfacePatches: for comparisons (what a patch changes), never for shipped templates.
	SkipSurfacePatches bool
}

// Template is one generated restricted template.
type Template struct {
	TypeName string
	// Body is the canonical JSON: two-space indent, sorted keys, trailing newline.
	Body []byte
	// Annotation is what Body carries under x-rcfge (generator fields only).
	Annotation Annotation
	// Base is the unrestricted generation of the same provider schema (surface patches applied,
	// no overlay), canonical JSON: what MarkOwnJSON compares a template narrowed later with.
	Base []byte
}

// Annotation is the generator's part of the x-rcfge object.
type Annotation struct {
	TypeName string     `json:"typeName"`
	Source   SourceInfo `json:"source"`
	// DroppedPatterns lists patterns with no exact RE2 equivalent, removed from the template.
	DroppedPatterns []DroppedPattern `json:"droppedPatterns"`
	// TranslatedPatterns lists patterns rewritten exactly into RE2 syntax, for review.
	TranslatedPatterns []TranslatedPattern `json:"translatedPatterns"`
	// OpenObjects are schema locations of free-form objects: no properties, extra keys allowed.
	OpenObjects []string `json:"openObjects"`
	// Patches lists the surface patches applied to the provider schema (see SurfacePatches).
	Patches []AppliedPatch `json:"patches,omitempty"`
	Overlay *Overlay       `json:"overlay,omitempty"`
	// Generated is always true: the template comes from a provider schema, so only the
	// constraints listed under x-rcfge-own are rcfge's own (a hand-written template lacks it, and
	// every constraint in it counts as own).
	Generated bool `json:"generated"`
}

// SourceInfo identifies the provider schema a template came from.
type SourceInfo struct {
	Digest   string `json:"digest"`
	Snapshot string `json:"snapshot"`
}

// Overlay identifies the overlay applied on top of the generated base.
type Overlay struct {
	Digest string `json:"digest"`
}

// DroppedPattern is a pattern removed because RE2 cannot express it.
type DroppedPattern struct {
	Path    string `json:"path"`
	Pattern string `json:"pattern"`
	Reason  string `json:"reason"`
}

// TranslatedPattern is a pattern rewritten into RE2 syntax with the same meaning.
type TranslatedPattern struct {
	Path string `json:"path"`
	From string `json:"from"`
	To   string `json:"to"`
}

var snapshotRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Digest returns the "sha256:<hex>" digest recorded for source and overlay bytes.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Generate turns one provider schema into a restricted template, applying opts.Overlay.
func Generate(p Provider, opts Options) (*Template, error) {
	if !snapshotRE.MatchString(opts.Snapshot) {
		return nil, fmt.Errorf("snapshot %q: want YYYY-MM-DD", opts.Snapshot)
	}
	if _, err := time.Parse(time.DateOnly, opts.Snapshot); err != nil {
		return nil, fmt.Errorf("snapshot %q: %w", opts.Snapshot, err)
	}
	doc, err := decodeObject(p.Body)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrInvalidProvider, p.TypeName, err)
	}
	typeName, _ := doc["typeName"].(string)
	if typeName == "" {
		return nil, fmt.Errorf("%w %s: no typeName", ErrInvalidProvider, p.TypeName)
	}
	if p.TypeName != "" && !strings.EqualFold(typeName, p.TypeName) {
		return nil, fmt.Errorf("%w %s: typeName is %q", ErrInvalidProvider, p.TypeName, typeName)
	}
	if _, ok := doc["properties"].(map[string]any); !ok {
		return nil, fmt.Errorf("%w %s: no properties object", ErrInvalidProvider, typeName)
	}

	ann := Annotation{
		Generated: true,
		TypeName:  typeName,
		Source:    SourceInfo{Digest: Digest(p.Body), Snapshot: opts.Snapshot},
	}
	escapePlaceholders(doc)
	if !opts.SkipSurfacePatches {
		if ann.Patches, err = applySurfacePatches(doc, typeName, SurfacePatches); err != nil {
			return nil, err
		}
	}
	inlineRefs(doc, removeReadOnly(doc))
	for k := range doc {
		if !topKeywords[k] {
			delete(doc, k)
		}
	}
	b := &builder{doc: doc}
	b.schema(doc, "", true, true)
	doc["$schema"] = Draft
	ann.DroppedPatterns = b.dropped
	ann.TranslatedPatterns = b.translated
	sortAnnotation(&ann)

	// The base carries its annotation before the overlay, so that an overlay can add policy keys
	// with "add /x-rcfge/onDelete"; the generator's own fields are rewritten afterwards.
	base := map[string]any{}
	if err := mergeAnnotation(base, ann); err != nil {
		return nil, fmt.Errorf("%s: %w", typeName, err)
	}
	doc[Extension] = base
	unrestricted := doc
	if len(opts.Overlay) > 0 {
		// applyOverlay works on a copy: unrestricted stays the base, for MarkOwn.
		doc, err = applyOverlay(doc, opts.Overlay)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typeName, err)
		}
		ann.Overlay = &Overlay{Digest: Digest(opts.Overlay)}
		if err := checkPatterns(doc); err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrInvalidOverlay, typeName, err)
		}
	}
	ext, ok := doc[Extension].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w %s: the overlay made %s something other than an object", ErrInvalidOverlay, typeName, Extension)
	}
	ann.OpenObjects = openObjects(doc)
	sortAnnotation(&ann)
	delete(ext, "overlay") // only the generator records the overlay digest
	if err := mergeAnnotation(ext, ann); err != nil {
		return nil, fmt.Errorf("%s: %w", typeName, err)
	}
	doc[Extension] = ext
	tpl := &Template{TypeName: typeName, Annotation: ann}
	if len(opts.Overlay) > 0 {
		MarkOwn(unrestricted, doc)
		if tpl.Base, err = Marshal(unrestricted); err != nil {
			return nil, fmt.Errorf("%s: %w", typeName, err)
		}
	}
	if tpl.Body, err = Marshal(doc); err != nil {
		return nil, fmt.Errorf("%s: %w", typeName, err)
	}
	if tpl.Base == nil {
		tpl.Base = tpl.Body
	}
	return tpl, nil
}

func sortAnnotation(a *Annotation) {
	sort.Slice(a.DroppedPatterns, func(i, j int) bool { return a.DroppedPatterns[i].Path < a.DroppedPatterns[j].Path })
	sort.Slice(a.TranslatedPatterns, func(i, j int) bool { return a.TranslatedPatterns[i].Path < a.TranslatedPatterns[j].Path })
	sort.Strings(a.OpenObjects)
	if a.DroppedPatterns == nil {
		a.DroppedPatterns = []DroppedPattern{}
	}
	if a.TranslatedPatterns == nil {
		a.TranslatedPatterns = []TranslatedPattern{}
	}
	if a.OpenObjects == nil {
		a.OpenObjects = []string{}
	}
}

// mergeAnnotation writes the generator's fields into x, keeping any other keys an overlay set.
func mergeAnnotation(x map[string]any, a Annotation) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return err
	}
	fields, err := decodeObject(raw)
	if err != nil {
		return err
	}
	for k, v := range fields {
		x[k] = v
	}
	return nil
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not JSON: trailing data after the top-level value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("top level is %T, want an object", v)
	}
	return m, nil
}

// Marshal writes v as canonical template JSON: two-space indent, sorted keys, no HTML escaping
// (so $<name> stays readable), trailing newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return buf.Bytes(), nil
}

// topKeywords are the provider schema's top-level keys that mean something to a JSON Schema
// validator. The rest (handlers, primaryIdentifier, readOnlyProperties, tagging, ...) describe
// CloudFormation's behaviour, and some would mislead: handlers carries $refs to
// resource-schema.json, which the engine would try to resolve.
var topKeywords = map[string]bool{
	"typeName": true, "description": true, "$comment": true, "title": true,
	"properties": true, "definitions": true, "required": true, "additionalProperties": true,
	"patternProperties": true, "dependencies": true, "minProperties": true, "maxProperties": true,
	"allOf": true, "anyOf": true, "oneOf": true, "not": true, "type": true,
}

// keywords are the draft-07 keywords kept inside the schema tree. CloudFormation's own
// (insertionOrder, arrayType, relationshipRef, ...) are dropped, and so is $id, which would move
// the base URI that local $refs resolve against.
var keywords = map[string]bool{
	"$ref": true, "$comment": true, "title": true, "description": true, "default": true, "examples": true,
	"multipleOf": true, "maximum": true, "exclusiveMaximum": true, "minimum": true, "exclusiveMinimum": true,
	"maxLength": true, "minLength": true, "pattern": true, "format": true,
	"items": true, "additionalItems": true, "maxItems": true, "minItems": true, "uniqueItems": true, "contains": true,
	"maxProperties": true, "minProperties": true, "required": true, "properties": true, "patternProperties": true,
	"additionalProperties": true, "dependencies": true, "propertyNames": true, "definitions": true,
	"const": true, "enum": true, "type": true, "allOf": true, "anyOf": true, "oneOf": true, "not": true,
	"if": true, "then": true, "else": true, "contentMediaType": true, "contentEncoding": true,
}

// escapePlaceholders rewrites "$<" as "$$<" in every string and key of a provider schema: the
// engine would read it as a placeholder, and "$$<" is its literal form. Only the overlay brings
// placeholders.
func escapePlaceholders(v any) {
	esc := func(s string) string { return strings.ReplaceAll(s, "$<", "$$<") }
	switch t := v.(type) {
	case map[string]any:
		var renamed []string
		for k, c := range t {
			if s, ok := c.(string); ok {
				t[k] = esc(s)
			} else {
				escapePlaceholders(c)
			}
			if strings.Contains(k, "$<") {
				renamed = append(renamed, k)
			}
		}
		for _, k := range renamed {
			t[esc(k)] = t[k]
			delete(t, k)
		}
	case []any:
		for i, c := range t {
			if s, ok := c.(string); ok {
				t[i] = esc(s)
			} else {
				escapePlaceholders(c)
			}
		}
	}
}

// builder rewrites the schema tree of a base template in place.
type builder struct {
	// doc is the whole base, for following $refs.
	doc        map[string]any
	dropped    []DroppedPattern
	translated []TranslatedPattern
}

// schema rewrites one schema node at ptr. closeIt is false for the branches of a combinator whose
// parent declares the properties: the parent holds the gate, and a closed branch would reject the
// parent's other properties. gate is false under not and if, where closing an object would turn
// the condition around (a closed "not" rejects less, not more).
func (b *builder) schema(v any, ptr string, closeIt, gate bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if ptr != "" {
		for k := range m {
			if !keywords[k] {
				delete(m, k)
			}
		}
	}
	if _, isRef := m["$ref"]; isRef {
		// draft-07 ignores a $ref's siblings; so does the engine, and so does the gate.
		return
	}
	if p, ok := m["pattern"].(string); ok {
		if to, keep := b.pattern(ptr+"/pattern", p); keep {
			m["pattern"] = to
		} else {
			delete(m, "pattern")
		}
	}
	if _, ok := m["properties"]; !ok && declaresProperties(m["allOf"]) {
		// allOf branches that declare properties describe one object together: the gate goes on
		// the parent, which takes the union of their names below.
		m["properties"] = map[string]any{}
	}
	props, hasProps := m["properties"].(map[string]any)
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		b.patternProperties(m, pp, ptr, hasProps)
	}
	for _, key := range []string{"properties", "patternProperties", "definitions"} {
		children, ok := m[key].(map[string]any)
		if !ok {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(children)) {
			b.schema(children[name], jsonptr.Append(ptr+"/"+key, name), true, gate)
		}
	}
	for _, key := range []string{"additionalProperties", "additionalItems", "contains", "propertyNames"} {
		b.schema(m[key], ptr+"/"+key, true, gate)
	}
	for _, key := range []string{"not", "if"} {
		b.schema(m[key], ptr+"/"+key, true, false)
	}
	switch items := m["items"].(type) {
	case map[string]any:
		b.schema(items, ptr+"/items", true, gate)
	case []any:
		for i, it := range items {
			b.schema(it, ptr+"/items/"+strconv.Itoa(i), true, gate)
		}
	}
	adopted := map[string]bool{}
	for _, sub := range sameInstance(m, ptr) {
		if bp, ok := sub.node["properties"].(map[string]any); ok && hasProps {
			// The parent's gate must admit every name a branch may use. The parent takes the
			// branch's schema for it (the same constraint, checked twice), or {} when branches
			// disagree on it.
			for name, s := range bp {
				prev, declared := props[name]
				switch {
				case !declared:
					props[name] = s
					adopted[name] = true
				case adopted[name] && !reflect.DeepEqual(prev, s):
					props[name] = map[string]any{}
				}
			}
		}
		b.schema(sub.node, sub.ptr, !hasProps, gate)
	}
	if hasProps && closeIt && gate {
		m["additionalProperties"] = false
	}
	if gate {
		b.closeBareAlternatives(m)
	}
}

// closeBareAlternatives closes a bare {"type": "object"} branch of anyOf/oneOf when a sibling
// branch describes structured data (an object that declares properties, or an array of them):
// the bare branch is then another spelling of that structure, and left open it would admit any
// object, every name unapproved (DynamoDB Table KeySchema: a list of key elements, or "object").
// A bare branch beside scalars only (a JSON value of any shape, an Iceberg type) is data, and
// stays open and listed under openObjects.
func (b *builder) closeBareAlternatives(m map[string]any) {
	for _, key := range []string{"anyOf", "oneOf"} {
		branches, _ := m[key].([]any)
		structured := false
		for _, br := range branches {
			if b.structured(br, 0) {
				structured = true
				break
			}
		}
		if !structured {
			continue
		}
		for _, br := range branches {
			if bm, ok := br.(map[string]any); ok && isBareObject(bm) {
				bm["additionalProperties"] = false
			}
		}
	}
}

// structured reports whether a schema describes an object that declares properties, or an array
// whose items do, following local $refs.
func (b *builder) structured(v any, depth int) bool {
	m := deref(b.doc, v)
	if m == nil || depth > 4 {
		return false
	}
	if _, ok := m["properties"].(map[string]any); ok {
		return true
	}
	if items, ok := m["items"]; ok {
		return b.structured(items, depth+1)
	}
	return false
}

// isBareObject reports a schema that admits any object and says nothing else about it.
func isBareObject(m map[string]any) bool {
	if t, _ := m["type"].(string); t != "object" {
		return false
	}
	for _, kw := range []string{"properties", "patternProperties", "additionalProperties", "propertyNames", "$ref", "enum", "const", "allOf", "anyOf", "oneOf", "not", "maxProperties"} {
		if _, ok := m[kw]; ok {
			return false
		}
	}
	return true
}

// located is a schema node and its JSON Pointer.
type located struct {
	node map[string]any
	ptr  string
}

// sameInstance returns the subschemas of m that validate the same instance as m: the branches of
// allOf, anyOf and oneOf, then and else, and the schema form of dependencies. They add
// constraints to m's object rather than describe objects of their own.
func sameInstance(m map[string]any, ptr string) []located {
	var out []located
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := m[key].([]any)
		for i, br := range branches {
			if bm, ok := br.(map[string]any); ok {
				out = append(out, located{bm, ptr + "/" + key + "/" + strconv.Itoa(i)})
			}
		}
	}
	for _, key := range []string{"then", "else"} {
		if bm, ok := m[key].(map[string]any); ok {
			out = append(out, located{bm, ptr + "/" + key})
		}
	}
	if deps, ok := m["dependencies"].(map[string]any); ok {
		for _, name := range slices.Sorted(maps.Keys(deps)) {
			if bm, ok := deps[name].(map[string]any); ok {
				out = append(out, located{bm, jsonptr.Append(ptr+"/dependencies", name)})
			}
		}
	}
	return out
}

func declaresProperties(branches any) bool {
	list, _ := branches.([]any)
	for _, br := range list {
		if bm, ok := br.(map[string]any); ok {
			if _, ok := bm["properties"].(map[string]any); ok {
				return true
			}
		}
	}
	return false
}

// pattern decides what becomes of one pattern: kept as is, translated, or dropped (keep false).
func (b *builder) pattern(path, p string) (string, bool) {
	if _, err := regexp.Compile(p); err == nil {
		return p, true
	}
	to, err := TranslatePattern(p)
	if err != nil {
		b.dropped = append(b.dropped, DroppedPattern{Path: path, Pattern: p, Reason: dropReason(err)})
		return "", false
	}
	b.translated = append(b.translated, TranslatedPattern{Path: path, From: p, To: to})
	return to, true
}

func dropReason(err error) string {
	var ue *UntranslatableError
	if errors.As(err, &ue) {
		return ue.Reason
	}
	return err.Error()
}

// patternProperties translates the keys of a patternProperties object. A key with no RE2 form is
// dropped; when it was the object's only way to name keys, its value schema moves to the key ""
// (which matches every name), so the values stay constrained while the name check, which AWS
// still enforces, is what goes.
func (b *builder) patternProperties(m, pp map[string]any, ptr string, hasProps bool) {
	var orphans []any
	for _, key := range slices.Sorted(maps.Keys(pp)) {
		path := jsonptr.Append(ptr+"/patternProperties", key)
		to, keep := b.pattern(path, key)
		sub := pp[key]
		delete(pp, key)
		if keep {
			pp[to] = sub
			continue
		}
		orphans = append(orphans, sub)
	}
	if len(orphans) == 0 {
		return
	}
	_, taken := pp[""]
	last := &b.dropped[len(b.dropped)-1]
	switch {
	case len(orphans) == 1 && len(pp) == 0 && !hasProps && !taken:
		pp[""] = orphans[0]
		last.Reason += `; value schema kept under the key "" (any name)`
	default:
		last.Reason += "; names it matched now fall under additionalProperties"
	}
	if len(pp) == 0 {
		delete(m, "patternProperties")
	}
}

// removeReadOnly deletes the properties readOnlyProperties names. Its entries are JSON Pointers
// either into the document (/properties/Arn, /definitions/X/properties/Y) or along the property
// path (/properties/Endpoint/Address through a $ref, /properties/List/*/Id through items).
func removeReadOnly(doc map[string]any) map[string]any {
	removed := map[string]any{}
	list, _ := doc["readOnlyProperties"].([]any)
	for _, raw := range list {
		p, _ := raw.(string)
		if !strings.HasPrefix(p, "/") {
			continue
		}
		tokens, err := jsonptr.Split(p)
		if err != nil {
			continue
		}
		if sub, ok := removeLiteral(doc, tokens); ok {
			removed["#"+p] = sub
			continue
		}
		removeAlongPath(doc, tokens)
	}
	return removed
}

// inlineRefs replaces each $ref to a removed read-only property with the schema it pointed at: a
// few provider schemas reuse an output attribute's schema for an input.
func inlineRefs(doc map[string]any, removed map[string]any) {
	if len(removed) == 0 {
		return
	}
	_ = visit(doc, "", func(m map[string]any, _ string) error {
		ref, _ := m["$ref"].(string)
		sub, ok := removed[ref].(map[string]any)
		if !ok {
			return nil
		}
		delete(m, "$ref")
		for k, v := range sub {
			if _, own := m[k]; !own {
				m[k] = v
			}
		}
		return nil
	})
}

func removeLiteral(doc map[string]any, tokens []string) (any, bool) {
	n := len(tokens)
	if n < 2 || tokens[n-2] != "properties" {
		return nil, false
	}
	var node any = doc
	for _, t := range tokens[:n-2] {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		node = m[t]
	}
	owner, ok := node.(map[string]any)
	if !ok {
		return nil, false
	}
	props, _ := owner["properties"].(map[string]any)
	sub := props[tokens[n-1]]
	return sub, deleteProperty(owner, tokens[n-1])
}

func removeAlongPath(doc map[string]any, tokens []string) {
	if len(tokens) < 2 || tokens[0] != "properties" {
		return
	}
	var node any = doc
	names := tokens[1:]
	for i, name := range names {
		m := deref(doc, node)
		if m == nil {
			return
		}
		if name == "*" {
			node = m["items"]
			continue
		}
		props, ok := m["properties"].(map[string]any)
		if !ok {
			return
		}
		if i == len(names)-1 {
			deleteProperty(m, name)
			return
		}
		node = props[name]
	}
}

// deref follows local $refs from node; nil when it ends anywhere but an object.
func deref(doc map[string]any, node any) map[string]any {
	for range 32 {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		node = resolve(doc, ref)
	}
	return nil
}

// resolve returns the value a local "#/..." reference points at, or nil.
func resolve(doc map[string]any, ref string) any {
	p, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	node, ok := jsonptr.Lookup(doc, p)
	if !ok {
		return nil
	}
	return node
}

// deleteProperty removes name from owner's properties and from the required lists that name it.
func deleteProperty(owner map[string]any, name string) bool {
	props, ok := owner["properties"].(map[string]any)
	if !ok {
		return false
	}
	if _, ok := props[name]; !ok {
		return false
	}
	delete(props, name)
	dropRequired(owner, name)
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		branches, _ := owner[key].([]any)
		for _, br := range branches {
			if bm, ok := br.(map[string]any); ok {
				dropRequired(bm, name)
			}
		}
	}
	return true
}

func dropRequired(m map[string]any, name string) {
	req, ok := m["required"].([]any)
	if !ok {
		return
	}
	out := req[:0]
	for _, r := range req {
		if r != name {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		delete(m, "required")
		return
	}
	m["required"] = out
}
