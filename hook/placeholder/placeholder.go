// Package placeholder finds and fills $<name> placeholders inside the strings of a parsed JSON
// template. It never rewrites raw bytes, so a value can never change the JSON structure.
package placeholder

// Value is a variable's value: a string, or a list of strings.
type Value struct {
	str    string
	list   []string
	isList bool
}

// String returns a string value.
func String(s string) Value { return Value{str: s} }

// List returns a list value.
func List(items ...string) Value { return Value{list: items, isList: true} }

// Vars maps placeholder names to values.
type Vars map[string]Value
