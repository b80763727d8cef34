package scpgen

import (
	"fmt"

	"github.com/rcfge/rcfge/tools/scpgen/pack"
)

// quotasNote is the manifest's reminder of what the quotas mean.
func quotasNote(q pack.Quotas) string {
	return fmt.Sprintf("built for at most %d characters per SCP and %d SCPs per target (AWS Organizations: %d and %d by default, "+
		"up to %d and %d where the organisation's quotas were raised); FullAWSAccess, AWS Control Tower's SCPs and any other SCP "+
		"attached to the same target (root, OU or account) count against the same %d",
		q.MaxChars, q.MaxPolicies, pack.DefaultMaxChars, pack.DefaultMaxPolicies, pack.RaisedMaxChars, pack.RaisedMaxPolicies, q.MaxPolicies)
}

// Manifest records what went into a build and where every statement went. It has no timestamp,
// so that the same input gives the same bytes.
type Manifest struct {
	Quotas pack.Quotas `json:"quotas"`
	// QuotasNote says where the quotas come from and what else takes their slots.
	QuotasNote string `json:"quotasNote,omitempty"`
	// AllowWildcards records the configuration's opt-in to minimised Allow lists; false means
	// every Allow statement names exact actions and cannot widen when AWS adds actions.
	AllowWildcards bool             `json:"allowWildcards"`
	Inputs         Inputs           `json:"inputs"`
	Policies       []PolicyEntry    `json:"policies"`
	Statements     []StatementEntry `json:"statements"`
	Types          []TypeEntry      `json:"types"`
	Warnings       []Warning        `json:"warnings"`
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
	// Exact is true when the statement names exact actions rather than minimised patterns.
	Exact bool `json:"exact,omitempty"`
	// Wildcards records, for every wildcard pattern of the statement, the actions it matched at
	// build time, so that a check against a newer service reference can say what it matches now
	// that it did not.
	Wildcards map[string][]string `json:"wildcards,omitempty"`
}

// TypeEntry is one approved type and what its provider schema contributed.
type TypeEntry struct {
	Type    string   `json:"type"`
	Schema  string   `json:"schema"`
	Digest  string   `json:"digest"`
	Actions int      `json:"actions"`
	Unknown []string `json:"unknown,omitempty"`
}
