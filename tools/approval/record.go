package approval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// RecordFile is the approvals record's name in the templates folder: JSON lines, one decision a
// line, appended only, so that every change to it is one added line in a pull request.
const RecordFile = "approvals.jsonl"

// Action is what a record entry did.
type Action string

// The actions of the approvals record.
const (
	Approve Action = "approve"
	Revoke  Action = "revoke"
)

// Entry is one decision in the approvals record.
type Entry struct {
	Action Action `json:"action"`
	Type   string `json:"type"`
	// Path is the instance path approved with its sub-tree; empty for the whole type.
	Path string `json:"path,omitempty"`
	// Value is the enum value approved at Path, when the decision is about one value.
	Value *string `json:"value,omitempty"`
	// Reason says why, usually with the change ticket.
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	When   time.Time `json:"when"`
	// Source is the digest of the provider schema the decision was made against
	// (x-rcfge.source.digest of the template written).
	Source string `json:"source"`
}

// Grant returns the entry's decision as a Grant.
func (e Entry) Grant() Grant {
	if e.Value != nil {
		return Grant{Path: e.Path, Value: *e.Value, Enum: true}
	}
	return Grant{Path: e.Path}
}

// NewEntry records a grant.
func NewEntry(action Action, typeName string, g Grant, reason, by string, when time.Time, source string) Entry {
	e := Entry{Action: action, Type: typeName, Path: g.Path, Reason: reason, By: by, When: when.UTC().Truncate(time.Second), Source: source}
	if g.Enum {
		v := g.Value
		e.Value = &v
	}
	return e
}

// WriteRecord writes entries as JSON lines.
func WriteRecord(w io.Writer, entries ...Entry) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("approvals record: %w", err)
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("approvals record: %w", err)
	}
	return nil
}

// AppendRecord appends entries to the record file at path, creating it.
func AppendRecord(path string, entries ...Entry) (err error) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("approvals record: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return WriteRecord(f, entries...)
}

// ReadRecord reads a record written by WriteRecord; a line that is not an entry is an error
// naming the line.
func ReadRecord(r io.Reader) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var e Entry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("approvals record line %d: %w", n, err)
		}
		if e.Action != Approve && e.Action != Revoke {
			return nil, fmt.Errorf("approvals record line %d: action %q, want approve or revoke", n, e.Action)
		}
		if e.Type == "" {
			return nil, fmt.Errorf("approvals record line %d: no type", n)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("approvals record: %w", err)
	}
	return out, nil
}
