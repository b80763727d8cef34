// Package policy holds the service control policy document as rcfge writes it, its minified
// encoding and its size as AWS counts it, and a grammar check for any policy document.
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Version is the only policy language version rcfge writes.
const Version = "2012-10-17"

// Policy is one SCP document. Field order is the order of the JSON keys.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one SCP statement. SCPs have no Principal. Action is never omitted: a statement
// without actions is a bug the encoder should show, not hide.
type Statement struct {
	Sid       string    `json:"Sid,omitempty"`
	Effect    string    `json:"Effect"`
	Action    List      `json:"Action"`
	Resource  List      `json:"Resource"`
	Condition Condition `json:"Condition,omitempty"`
}

// Condition maps operator to condition key to values; encoding/json sorts map keys, so the
// encoding is stable.
type Condition map[string]map[string]List

// List is a string list that encodes a single element as a bare string, as IAM allows, to save
// characters against the size quota.
type List []string

// MarshalJSON writes one element as a string and any other count as an array.
func (l List) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return marshal(l[0])
	}
	return marshal([]string(l))
}

// UnmarshalJSON accepts a string or an array of strings.
func (l *List) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = List{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*l = ss
	return nil
}

// Minify encodes v with no insignificant whitespace and no HTML escaping (which would inflate
// '<', '>' and '&' to six characters each). It is the one encoding rcfge writes and measures.
func Minify(v any) ([]byte, error) {
	return marshal(v)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Size is the policy size as AWS counts it against the quota: characters, whitespace outside
// strings not counted. For a minified document that is its rune count.
func Size(minified []byte) int {
	return utf8.RuneCount(minified)
}

// SizeOf minifies v and returns its size.
func SizeOf(v any) (int, error) {
	b, err := Minify(v)
	if err != nil {
		return 0, err
	}
	return Size(b), nil
}

// Compact removes insignificant whitespace from any JSON document, so a policy written by hand
// is measured the way AWS measures it.
func Compact(doc []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
