package approval

// Status is where a type stands in the approval lifecycle after a generation.
type Status string

// The statuses of a reviewed type.
const (
	// Current: the template approves everything the provider schema has.
	Current Status = "current"
	// Narrowed: the provider schema has properties or enum values the template does not approve.
	Narrowed Status = "pending"
	// NewType: the provider schema's type has no template; nothing was generated.
	NewType Status = "new-type"
	// FirstApproval: the type had no template and was named, so it was generated whole.
	FirstApproval Status = "first-approval"
	// Unapproved: no approval record was consulted (first import): everything is approved.
	Unapproved Status = "approve-all"
)

// Review is the approval state of one type.
type Review struct {
	TypeName string `json:"type"`
	Status   Status `json:"status"`
	// Pending are the new properties and enum values the template keeps blocked.
	Pending []Change `json:"pending,omitempty"`
	// Granted are those the grants of this run let in.
	Granted []Change `json:"granted,omitempty"`
	// Removed are what AWS withdrew: they dropped out of the template.
	Removed []Change `json:"removed,omitempty"`
}
