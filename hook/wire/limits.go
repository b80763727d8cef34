package wire

import "fmt"

// Limits bound what Decode accepts. They are checked on the raw bytes before anything is built, so
// a hostile request costs one linear scan, never the memory of its decoded tree.
type Limits struct {
	// MaxBytes is the request size: Lambda's synchronous payload limit.
	MaxBytes int
	// MaxValues is the number of object members and list items in the whole request.
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
	LimitRequestSize   = "request size"
	LimitPropertyCount = "property count"
	LimitNestingDepth  = "nesting depth"
)

// check scans JSON text once, without allocating, for size, member and item count, and depth. It
// does not validate the JSON: the decoder does that afterwards.
func (l Limits) check(b []byte) error {
	if len(b) > l.MaxBytes {
		return &LimitError{Limit: LimitRequestSize, Max: l.MaxBytes, Got: len(b), Unit: "bytes"}
	}
	// inArray[d] is whether nesting level d is a list; the depth bound keeps this small.
	var stack [128]bool
	inArray := stack[:0]
	depth, values := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			// Skip the string, escapes included.
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			if depth > l.MaxDepth {
				return &LimitError{Limit: LimitNestingDepth, Max: l.MaxDepth, Got: depth, Unit: "levels of objects and lists"}
			}
			if len(inArray) < cap(inArray) {
				inArray = append(inArray, b[i] == '[')
			}
			if b[i] == '[' {
				values++ // the first item, if any; commas count the rest
			}
		case '}', ']':
			depth = max(depth-1, 0) // malformed text is the decoder's to report
			if depth < len(inArray) {
				inArray = inArray[:depth]
			}
		case ':':
			values++
		case ',':
			if n := len(inArray); n > 0 && n == depth && inArray[n-1] {
				values++
			}
		default:
			continue
		}
		if values > l.MaxValues {
			return &LimitError{Limit: LimitPropertyCount, Max: l.MaxValues, Got: values, Unit: "properties and list items"}
		}
	}
	return nil
}
