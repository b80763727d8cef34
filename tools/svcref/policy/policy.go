// Package policy extracts the action patterns of IAM and SCP policy documents, each with the
// file and statement it came from, so that they can be matched against the service reference.
package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// ErrInvalidPolicy is wrapped by every error about a malformed policy document.
var ErrInvalidPolicy = errors.New("invalid policy")

// ErrNoPolicies is returned when a folder holds no policy file.
var ErrNoPolicies = errors.New("no policy files (*.json)")

// Pattern is one entry of an Action or NotAction element.
type Pattern struct {
	File      string `json:"file"`
	Statement string `json:"statement"` // the Sid, else "#<index>" counting from 0
	Effect    string `json:"effect"`
	Element   string `json:"element"` // "Action" or "NotAction"
	Pattern   string `json:"pattern"`
}

// GrantsMore reports whether matching more actions makes the pattern's statement grant more:
// an Allow's Action allows more, a Deny's NotAction exempts more from the deny. A wider Deny
// Action only denies more and a wider Allow NotAction only allows less.
func (p Pattern) GrantsMore() bool {
	return (p.Effect == "Allow" && p.Element == "Action") || (p.Effect == "Deny" && p.Element == "NotAction")
}

// Location names the statement and element a pattern sits in, for reports.
func (p Pattern) Location() string {
	return fmt.Sprintf("%s statement %s (%s %s)", p.File, p.Statement, p.Effect, p.Element)
}

type document struct {
	Statement json.RawMessage `json:"Statement"`
}

type statement struct {
	Sid       string          `json:"Sid"`
	Effect    string          `json:"Effect"`
	Action    json.RawMessage `json:"Action"`
	NotAction json.RawMessage `json:"NotAction"`
}

// Parse returns the action patterns of one policy document, in document order. file names the
// document in patterns and errors.
func Parse(file string, data []byte) ([]Pattern, error) {
	var doc document
	if err := decodeStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrInvalidPolicy, err)
	}
	if len(doc.Statement) == 0 || string(doc.Statement) == "null" {
		return nil, fmt.Errorf("%s: %w: no Statement", file, ErrInvalidPolicy)
	}
	// Statement is an object or an array of objects.
	var stmts []statement
	if bytes.HasPrefix(bytes.TrimSpace(doc.Statement), []byte("{")) {
		var s statement
		if err := json.Unmarshal(doc.Statement, &s); err != nil {
			return nil, fmt.Errorf("%s: %w: Statement: %w", file, ErrInvalidPolicy, err)
		}
		stmts = []statement{s}
	} else if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		return nil, fmt.Errorf("%s: %w: Statement: %w", file, ErrInvalidPolicy, err)
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("%s: %w: empty Statement list", file, ErrInvalidPolicy)
	}
	var out []Pattern
	for i, s := range stmts {
		id := s.Sid
		if id == "" {
			id = "#" + strconv.Itoa(i)
		}
		where := fmt.Sprintf("%s: statement %s", file, id)
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return nil, fmt.Errorf("%s: %w: Effect %q, want Allow or Deny", where, ErrInvalidPolicy, s.Effect)
		}
		found := false
		for _, el := range []struct {
			name string
			raw  json.RawMessage
		}{{"Action", s.Action}, {"NotAction", s.NotAction}} {
			if len(el.raw) == 0 {
				continue
			}
			if found {
				return nil, fmt.Errorf("%s: %w: both Action and NotAction", where, ErrInvalidPolicy)
			}
			found = true
			values, err := stringOrList(el.raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w: %s: %w", where, ErrInvalidPolicy, el.name, err)
			}
			for _, v := range values {
				if err := checkPattern(v); err != nil {
					return nil, fmt.Errorf("%s: %w: %s: %w", where, ErrInvalidPolicy, el.name, err)
				}
				out = append(out, Pattern{File: file, Statement: id, Effect: s.Effect, Element: el.name, Pattern: v})
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: %w: neither Action nor NotAction", where, ErrInvalidPolicy)
		}
	}
	return out, nil
}

// IsPolicy reports whether a JSON document looks like a policy at all: an object with a
// Version or a Statement. Other JSON files beside policies (a build manifest) are not policies,
// whereas a document that claims to be one is parsed and must be valid.
func IsPolicy(data []byte) bool {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return true // let Parse report the syntax error
	}
	_, v := top["Version"]
	_, s := top["Statement"]
	return v || s
}

// Load returns the action patterns of every *.json policy under root in fsys, walking
// sub-folders in lexical order, and the JSON files it skipped because they are not policies
// (see IsPolicy). A folder without policy files is ErrNoPolicies.
func Load(ctx context.Context, fsys fs.FS, root string) (_ []Pattern, skipped []string, err error) {
	var out []Pattern
	files := 0
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(p), ".json") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if !IsPolicy(data) {
			skipped = append(skipped, p)
			return nil
		}
		files++
		ps, err := Parse(p, data)
		if err != nil {
			return err
		}
		out = append(out, ps...)
		return nil
	})
	if err != nil {
		return nil, nil, err // WalkDir and Parse errors name the file
	}
	if files == 0 {
		return nil, skipped, ErrNoPolicies
	}
	return out, skipped, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("want a string or a list of strings")
	}
	if len(many) == 0 {
		return nil, errors.New("empty list")
	}
	return many, nil
}

// checkPattern applies IAM's shape rule: "*" or "service:action".
func checkPattern(p string) error {
	if p == "*" {
		return nil
	}
	svc, act, ok := strings.Cut(p, ":")
	if !ok || svc == "" || act == "" || strings.Contains(act, ":") {
		return fmt.Errorf("action %q: want \"service:Action\" or \"*\"", p)
	}
	return nil
}
