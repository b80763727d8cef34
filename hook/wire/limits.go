package wire

import (
	"fmt"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// Limits bound what Decode accepts. They are checked while the one pass over the bytes builds the
// tree, so a hostile request costs the text read up to the limit, never a tree beyond it. Objects
// sent as JSON strings get the same limits again.
type Limits struct {
	// MaxBytes is the request size: Lambda's synchronous payload limit.
	MaxBytes int
	// MaxValues is the number of object members and list items in the whole request (an empty list
	// counts one).
	MaxValues int
	// MaxDepth is the nesting depth of objects and lists.
	MaxDepth int
}

// DefaultLimits fit every request CloudFormation can send: a template is at most 1 MB, so a
// resource's properties are too, and no provider schema nests beyond a few dozen levels.
var DefaultLimits = Limits{MaxBytes: 6 << 20, MaxValues: 100_000, MaxDepth: 100}

// LimitError says which limit a request broke; Decode wraps it with ErrInvalidRequest.
type LimitError struct {
	// Limit is "request size", "property count" or "nesting depth".
	Limit string
	// Max is the limit; Got is what the request has (for property count and depth, the count at
	// which the scan stopped).
	Max, Got int
	// Unit names what is counted.
	Unit string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the request exceeds the %s limit: more than %d %s", e.Limit, e.Max, e.Unit)
}

// The names of the three limits, as answers print them.
const (
	LimitRequestSize   = jsontree.LimitSize
	LimitPropertyCount = jsontree.LimitValues
	LimitNestingDepth  = jsontree.LimitDepth
)
