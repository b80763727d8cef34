// Package exception reads and applies governed exceptions: a security team's record that one
// account (or stack, or resource) may, until a date, deploy something the restricted template does
// not approve. The file is exceptions.json beside the templates (see docs/exceptions.md). It
// imports only the standard library and hook packages, since it is linked into the Lambda.
package exception

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/verdict"
)

// FileName is the exceptions file's name in the templates folder or bucket (and under
// accounts/<accountId>/ for a per-account file, which replaces the shared one for that account).
const FileName = "exceptions.json"

// Version is the only file format version this package reads.
const Version = 1

// File is the parsed exceptions.json.
type File struct {
	Version    int         `json:"version"`
	Exceptions []Exception `json:"exceptions"`
}

// Exception lets violations through for one resource type, in one scope, until it expires.
type Exception struct {
	// ID names the exception in answers and logs; unique in the file.
	ID string `json:"id"`
	// Type is the resource type it applies to (AWS::S3::Bucket).
	Type  string `json:"type"`
	Scope Scope  `json:"scope"`
	// Allow lists what is allowed beyond the template: a JSON Pointer (the property and everything
	// under it; "*" stands for any array index) or POINTER=VALUE (only that value, at exactly that
	// place).
	Allow []string `json:"allow"`
	// Expires is an RFC 3339 date (valid through the end of that day, UTC) or date-time.
	Expires string `json:"expires"`
	Ticket  string `json:"ticket"`
	Owner   string `json:"owner"`
	Reason  string `json:"reason"`

	expires time.Time
	rules   []rule
}

// Scope says where an exception applies. Accounts is required; an empty Stacks or LogicalIDs
// means any stack or any resource in those accounts.
type Scope struct {
	Accounts []string `json:"accounts"`
	// Stacks are stack-name patterns (path.Match globs: * ? [a-z]).
	Stacks     []string `json:"stacks,omitempty"`
	LogicalIDs []string `json:"logicalIds,omitempty"`
}

// rule is one parsed Allow entry.
type rule struct {
	toks     []string // pointer tokens, "*" matching any array index
	value    string
	hasValue bool
}

// Where is the place a resource is deployed: what scope is matched against.
type Where struct {
	AccountID string
	StackName string
	LogicalID string
	TypeName  string
}

var (
	alnum  = ident.NewSet("A-Za-z0-9")
	idRest = ident.NewSet("A-Za-z0-9._-")
)

// validID is ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$.
func validID(s string) bool { return ident.Word(s, alnum, idRest, 1, 64) }

// validLogicalID is ^[A-Za-z0-9]{1,255}$.
func validLogicalID(s string) bool { return ident.Run(s, alnum, 1, 255) }

// Parse reads an exceptions file. Anything it does not understand is an error, never ignored: a
// misspelt field could otherwise widen an exception or make it never expire. Expiry is not an
// error here; Apply skips an expired exception and says so.
func Parse(body []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a valid exceptions file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a valid exceptions file: trailing data after the top-level object")
	}
	if f.Version != Version {
		return nil, fmt.Errorf("exceptions file version %d: want %d", f.Version, Version)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range f.Exceptions {
		x := &f.Exceptions[i]
		if problems := x.check(); len(problems) > 0 {
			name := x.ID
			if name == "" {
				name = "#" + strconv.Itoa(i)
			}
			for _, p := range problems {
				errs = append(errs, fmt.Errorf("exception %s: %w", name, p))
			}
			continue
		}
		if seen[x.ID] {
			errs = append(errs, fmt.Errorf("exception %s: duplicate id", x.ID))
		}
		seen[x.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &f, nil
}

// check validates one exception, fills its parsed fields and returns every problem.
func (x *Exception) check() []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !validID(x.ID) {
		bad("id %q: want 1-64 letters, digits, . _ - (starting with a letter or digit)", x.ID)
	}
	if !store.ValidTypeName(x.Type) {
		bad("type %q is not a resource type name", x.Type)
	}
	if len(x.Scope.Accounts) == 0 {
		bad("scope.accounts is required: an exception names the accounts it applies to")
	}
	for _, a := range x.Scope.Accounts {
		if !ident.AccountID(a) {
			bad("scope.accounts: %q is not a 12-digit account ID", a)
		}
	}
	for _, s := range x.Scope.Stacks {
		if _, err := path.Match(s, ""); err != nil || s == "" {
			bad("scope.stacks: %q is not a valid stack-name pattern", s)
		}
	}
	for _, l := range x.Scope.LogicalIDs {
		if !validLogicalID(l) {
			bad("scope.logicalIds: %q is not a logical ID", l)
		}
	}
	if len(x.Allow) == 0 {
		bad("allow is empty: name the property paths or PATH=VALUE the exception allows")
	}
	x.rules = x.rules[:0]
	for _, a := range x.Allow {
		r, err := parseRule(a)
		if err != nil {
			bad("allow %q: %v", a, err)
			continue
		}
		x.rules = append(x.rules, r)
	}
	t, err := parseExpiry(x.Expires)
	if err != nil {
		bad("expires: %v", err)
	}
	x.expires = t
	for _, f := range []struct{ name, v string }{{"ticket", x.Ticket}, {"owner", x.Owner}, {"reason", x.Reason}} {
		if strings.TrimSpace(f.v) == "" {
			bad("%s is required", f.name)
		}
	}
	return errs
}

func parseRule(s string) (rule, error) {
	p, v, hasValue := strings.Cut(s, "=")
	if p == "" || p == "/" {
		return rule{}, errors.New("a path must name a property: the whole resource cannot be excepted")
	}
	toks, err := jsonptr.Split(p)
	if err != nil {
		return rule{}, err
	}
	for _, t := range toks {
		if t == "" {
			return rule{}, errors.New("empty path segment")
		}
	}
	if toks[0] == "*" {
		return rule{}, errors.New("the first segment must name a property, not *")
	}
	return rule{toks: toks, value: v, hasValue: hasValue}, nil
}

// parseExpiry reads an RFC 3339 full-date (the exception holds through that day, UTC) or date-time.
func parseExpiry(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("required (an RFC 3339 date such as 2026-12-31)")
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date (2026-12-31) or date-time", s)
	}
	return t, nil
}

// ExpiresAt is the first instant the exception no longer applies.
func (x Exception) ExpiresAt() time.Time { return x.expires }

// Expired reports whether the exception no longer applies at now.
func (x Exception) Expired(now time.Time) bool { return !now.Before(x.expires) }

// InScope reports whether the exception applies to a resource deployed at w.
func (x Exception) InScope(w Where) bool {
	if x.Type != w.TypeName || !slices.Contains(x.Scope.Accounts, w.AccountID) {
		return false
	}
	if len(x.Scope.Stacks) > 0 && !slices.ContainsFunc(x.Scope.Stacks, func(p string) bool {
		ok, _ := path.Match(p, w.StackName)
		return ok && w.StackName != ""
	}) {
		return false
	}
	if len(x.Scope.LogicalIDs) > 0 && !slices.Contains(x.Scope.LogicalIDs, w.LogicalID) {
		return false
	}
	return true
}

// Covers reports whether the exception allows violation v of the resource whose properties are
// props: v's path is at or under an allowed path, or, for PATH=VALUE, exactly at the path with
// exactly that value (a string, or a number or boolean as JSON writes it).
func (x Exception) Covers(v verdict.Violation, props any) bool {
	toks, err := jsonptr.Split(v.Path)
	if err != nil {
		return false
	}
	for _, r := range x.rules {
		if r.covers(toks, v.Path, props) {
			return true
		}
	}
	return false
}

func (r rule) covers(toks []string, ptr string, props any) bool {
	if len(toks) < len(r.toks) || (r.hasValue && len(toks) != len(r.toks)) {
		return false
	}
	for i, t := range r.toks {
		if t == "*" {
			if !isIndex(toks[i]) {
				return false
			}
			continue
		}
		if t != toks[i] {
			return false
		}
	}
	if !r.hasValue {
		return true
	}
	val, ok := jsonptr.Lookup(props, ptr)
	if !ok {
		return false
	}
	return scalarText(val) == r.value && scalarText(val) != "\x00"
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// scalarText is a scalar as an exception writes it; "\x00" for anything else.
func scalarText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	}
	return "\x00"
}

// Applied is what Apply did to one resource's violations.
type Applied struct {
	// Violations are the ones no exception covers: they still decide.
	Violations []verdict.Violation
	// Excepted are the ones an unexpired exception in scope let through.
	Excepted []verdict.Excepted
	// Notes are decision-log facts: an expired exception that would have applied was ignored.
	Notes []string
}

// Apply moves each violation that an unexpired exception in scope covers to Excepted. An expired
// exception in scope covers nothing; a note names it (once) when it would have covered something.
func (f *File) Apply(vs []verdict.Violation, props any, w Where, now time.Time) Applied {
	var out Applied
	if f == nil {
		out.Violations = vs
		return out
	}
	var live, expired []*Exception
	for i := range f.Exceptions {
		x := &f.Exceptions[i]
		if !x.InScope(w) {
			continue
		}
		if x.Expired(now) {
			expired = append(expired, x)
		} else {
			live = append(live, x)
		}
	}
	noted := map[string]bool{}
	for _, v := range vs {
		if x := first(live, v, props); x != nil {
			out.Excepted = append(out.Excepted, verdict.Excepted{Violation: v, Exception: x.ID, Ticket: x.Ticket, Expires: x.Expires})
			continue
		}
		out.Violations = append(out.Violations, v)
		if x := first(expired, v, props); x != nil && !noted[x.ID] {
			noted[x.ID] = true
			out.Notes = append(out.Notes, fmt.Sprintf("exception %s (ticket %s) expired on %s and was ignored", x.ID, x.Ticket, x.Expires))
		}
	}
	return out
}

func first(xs []*Exception, v verdict.Violation, props any) *Exception {
	for _, x := range xs {
		if x.Covers(v, props) {
			return x
		}
	}
	return nil
}
