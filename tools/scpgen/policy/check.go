package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// Catalog is what the check needs from the service reference; *svcref.Catalog has it.
type Catalog interface {
	// Expand matches an IAM action pattern; an error means an unknown service or no match.
	Expand(pattern string) ([]string, error)
	// HasConditionKey reports whether a service or global condition key exists.
	HasConditionKey(key string) bool
}

// Problem is one finding in a policy document.
type Problem struct {
	// Path is a JSON Pointer into the document, e.g. /Statement/2/Action/4.
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String formats the problem for a line of text.
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// The operators of the IAM policy language; IfExists and the set prefixes are added by the check.
var operators = []string{
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
	"BinaryEquals", "Bool",
	"DateEquals", "DateGreaterThan", "DateGreaterThanEquals", "DateLessThan", "DateLessThanEquals", "DateNotEquals",
	"IpAddress", "NotIpAddress", "Null",
	"NumericEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "NumericLessThan", "NumericLessThanEquals", "NumericNotEquals",
	"StringEquals", "StringEqualsIgnoreCase", "StringLike", "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
}

var sidRE = regexp.MustCompile(`^[A-Za-z0-9]*$`)

// Check checks an SCP document: JSON, grammar (Version, Statement, Sid, Effect, Action or
// NotAction, Resource or NotResource, Condition operators, keys and values), unique Sids, and
// every action pattern and condition key against cat (skipped when cat is nil: grammar only).
// It returns the problems in document order;
// none means the document is valid. Size and count quotas are the caller's, who sees all files.
func Check(doc []byte, cat Catalog) []Problem {
	c := checker{cat: cat}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return []Problem{{Message: fmt.Sprintf("not JSON: %v", err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return []Problem{{Message: "not JSON: data after the policy document"}}
	}
	c.document(top)
	return c.problems
}

type checker struct {
	cat      Catalog
	problems []Problem
}

func (c *checker) addf(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) document(v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.addf("", "the policy must be a JSON object")
		return
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		switch k {
		case "Version", "Statement", "Id":
		default:
			c.addf("/"+k, "unknown policy element %q", k)
		}
	}
	switch ver, ok := obj["Version"]; {
	case !ok:
		c.addf("", "Version is missing; SCPs need \"2012-10-17\"")
	case ver != Version && ver != "2008-10-17":
		c.addf("/Version", "Version %v is not a policy language version", ver)
	}
	if id, ok := obj["Id"]; ok {
		if _, isStr := id.(string); !isStr {
			c.addf("/Id", "Id must be a string")
		}
	}
	stmts, ok := obj["Statement"]
	if !ok {
		c.addf("", "Statement is missing")
		return
	}
	sids := map[string]string{}
	switch s := stmts.(type) {
	case map[string]any:
		c.statement("/Statement", s, sids)
	case []any:
		if len(s) == 0 {
			c.addf("/Statement", "Statement is empty")
		}
		for i, st := range s {
			p := fmt.Sprintf("/Statement/%d", i)
			m, ok := st.(map[string]any)
			if !ok {
				c.addf(p, "a statement must be a JSON object")
				continue
			}
			c.statement(p, m, sids)
		}
	default:
		c.addf("/Statement", "Statement must be an object or an array of objects")
	}
}

func (c *checker) statement(p string, st map[string]any, sids map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(st)) {
		switch k {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition":
		case "Principal", "NotPrincipal":
			c.addf(p+"/"+k, "%s is not allowed in a service control policy", k)
		default:
			c.addf(p+"/"+k, "unknown statement element %q", k)
		}
	}
	if sid, ok := st["Sid"]; ok {
		s, isStr := sid.(string)
		switch {
		case !isStr:
			c.addf(p+"/Sid", "Sid must be a string")
		case !sidRE.MatchString(s):
			c.addf(p+"/Sid", "Sid %q may hold only letters and digits", s)
		case sids[s] != "":
			c.addf(p+"/Sid", "Sid %q is also used at %s", s, sids[s])
		default:
			sids[s] = p
		}
	}
	switch e := st["Effect"]; e {
	case "Allow", "Deny":
	case nil:
		c.addf(p, "Effect is missing")
	default:
		c.addf(p+"/Effect", "Effect must be \"Allow\" or \"Deny\", not %v", e)
	}
	if k, ok := c.exactlyOne(p, st, "Action", "NotAction"); ok {
		for i, a := range c.strings(p+"/"+k, st[k]) {
			c.action(fmt.Sprintf("%s/%s/%d", p, k, i), a)
		}
	}
	if k, ok := c.exactlyOne(p, st, "Resource", "NotResource"); ok {
		for i, r := range c.strings(p+"/"+k, st[k]) {
			if r != "*" && (!strings.HasPrefix(r, "arn:") || len(strings.SplitN(r, ":", 6)) < 6) {
				c.addf(fmt.Sprintf("%s/%s/%d", p, k, i), "%q is neither \"*\" nor an ARN", r)
			}
		}
	}
	if cond, ok := st["Condition"]; ok {
		c.condition(p+"/Condition", cond)
	}
}

// exactlyOne reports which of a and b the statement has, and a problem unless it is exactly one.
func (c *checker) exactlyOne(p string, st map[string]any, a, b string) (string, bool) {
	_, hasA := st[a]
	_, hasB := st[b]
	switch {
	case hasA && hasB:
		c.addf(p, "a statement has %s or %s, not both", a, b)
	case hasA:
		return a, true
	case hasB:
		return b, true
	default:
		c.addf(p, "%s or %s is missing", a, b)
	}
	return "", false
}

// strings reads a string or a non-empty array of strings.
func (c *checker) strings(p string, v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		if len(t) == 0 {
			c.addf(p, "the list is empty")
		}
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				c.addf(fmt.Sprintf("%s/%d", p, i), "want a string, got %s", jsonType(e))
				continue
			}
			out = append(out, s)
		}
		return out
	default:
		c.addf(p, "want a string or an array of strings, got %s", jsonType(v))
		return nil
	}
}

func (c *checker) action(p, a string) {
	if a == "*" {
		return
	}
	if svc, name, ok := strings.Cut(a, ":"); !ok || svc == "" || name == "" {
		c.addf(p, "action %q is not service:action", a)
		return
	}
	if c.cat == nil {
		return
	}
	if _, err := c.cat.Expand(a); err != nil {
		c.addf(p, "action %q: %v", a, err)
	}
}

func (c *checker) condition(p string, v any) {
	ops, ok := v.(map[string]any)
	if !ok {
		c.addf(p, "Condition must be an object")
		return
	}
	if len(ops) == 0 {
		c.addf(p, "Condition is empty")
	}
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		op2 := jsonptr.Append(p, op)
		base, known := parseOperator(op)
		if !known {
			c.addf(op2, "unknown condition operator %q", op)
		}
		keys, ok := ops[op].(map[string]any)
		if !ok {
			c.addf(op2, "%s must map condition keys to values", op)
			continue
		}
		if len(keys) == 0 {
			c.addf(op2, "%s has no condition keys", op)
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			kp := jsonptr.Append(op2, k)
			if c.cat != nil && !c.cat.HasConditionKey(k) {
				c.addf(kp, "unknown condition key %q", k)
			}
			c.conditionValues(kp, base, keys[k])
		}
	}
}

func (c *checker) conditionValues(p, base string, v any) {
	vals, isList := v.([]any)
	if !isList {
		vals = []any{v}
	} else if len(vals) == 0 {
		c.addf(p, "the value list is empty")
	}
	for i, e := range vals {
		ep := p
		if isList {
			ep = fmt.Sprintf("%s/%d", p, i)
		}
		switch t := e.(type) {
		case string, json.Number:
		case bool:
			if base != "Bool" && base != "Null" {
				c.addf(ep, "a boolean value needs Bool or Null, not %s", base)
			}
		default:
			c.addf(ep, "a condition value must be a string, number or boolean, got %s", jsonType(t))
		}
		if base == "Null" {
			if s := fmt.Sprint(e); s != "true" && s != "false" {
				c.addf(ep, "Null takes true or false, not %v", e)
			}
		}
	}
}

// parseOperator strips the ForAllValues:/ForAnyValue: prefix and the IfExists suffix and
// reports the base operator and whether the whole is a valid operator.
func parseOperator(op string) (string, bool) {
	rest := op
	for _, pre := range []string{"ForAllValues:", "ForAnyValue:"} {
		if r, ok := strings.CutPrefix(rest, pre); ok {
			rest = r
			break
		}
	}
	base, ifExists := strings.CutSuffix(rest, "IfExists")
	if !slices.Contains(operators, base) {
		return base, false
	}
	return base, !(ifExists && base == "Null")
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
