package scpgen

import (
	"github.com/rcfge/rcfge/tools/scpgen/pack"
)

// Manifest records what went into a build and where every statement went. It has no timestamp,
// so that the same input gives the same bytes.
type Manifest struct {
	Quotas     pack.Quotas      `json:"quotas"`
	Inputs     Inputs           `json:"inputs"`
	Policies   []PolicyEntry    `json:"policies"`
	Statements []StatementEntry `json:"statements"`
	Types      []TypeEntry      `json:"types"`
	Warnings   []Warning        `json:"warnings"`
}

// Inputs are digests of the build's inputs.
type Inputs struct {
	// Config is the SHA-256 of the configuration file.
	Config string `json:"config"`
	// ServiceReference fingerprints the catalogue's action names and access levels.
	ServiceReference string `json:"serviceReference"`
	// Templates fingerprints the list of approved types.
	Templates string `json:"templates"`
}

// PolicyEntry is one policy file: its size as AWS counts it and the statement parts it holds.
type PolicyEntry struct {
	File       string      `json:"file"`
	Chars      int         `json:"chars"`
	Statements []pack.Part `json:"statements"`
}

// StatementEntry is one of the design's statements before packing.
type StatementEntry struct {
	Sid    string `json:"sid"`
	Effect string `json:"effect"`
	// Why says what the statement is for.
	Why string `json:"why"`
	// Actions counts the actions it covers; Patterns the patterns that cover them exactly.
	Actions  int      `json:"actions"`
	Patterns int      `json:"patterns"`
	Policies []string `json:"policies"`
}

// TypeEntry is one approved type and what its provider schema contributed.
type TypeEntry struct {
	Type    string   `json:"type"`
	Schema  string   `json:"schema"`
	Digest  string   `json:"digest"`
	Actions int      `json:"actions"`
	Unknown []string `json:"unknown,omitempty"`
}
