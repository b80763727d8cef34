package drift

import "github.com/rcfge/rcfge/tools/approval"

// The comparison itself lives in tools/approval: what drift reports as new is exactly what
// `schemas pending` lists and what regeneration keeps blocked. These names keep drift's API.

// Kind is the kind of a change between a snapshot and the current provider schema.
type Kind = approval.Kind

// Change is one difference, located in the resource's properties.
type Change = approval.Change

// Decisions are the DevSecOps' deliberate differences from the provider schema, read from an
// overlay.
type Decisions = approval.Decisions

// The kinds of change drift reports.
const (
	NewProperty       = approval.NewProperty
	NewEnumValues     = approval.NewEnumValues
	RemovedProperty   = approval.RemovedProperty
	RemovedEnumValues = approval.RemovedEnumValues
	OpenedEnum        = approval.OpenedEnum
)

// Compare reports what upstream has that snapshot does not, and the reverse (approval.Compare).
func Compare(upstream, snapshot map[string]any, dec Decisions) []Change {
	return approval.Compare(upstream, snapshot, dec)
}
