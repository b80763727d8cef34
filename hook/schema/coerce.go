package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// coerce converts a scalar the way CloudFormation converts it, only where the schema wants another
// scalar type and the conversion is exact: a string that is wholly a boolean (any case: 'True',
// 'FALSE') or a number becomes one; a number or boolean becomes a string. A value whose own type
// is wanted is left alone, so 5 for ["string","integer"] stays 5 and maximum still applies.
func coerce(v any, want typeMask) any {
	switch t := v.(type) {
	case string:
		if want&tString != 0 {
			return v
		}
		if want&tBoolean != 0 {
			switch {
			case strings.EqualFold(t, "true"):
				return true
			case strings.EqualFold(t, "false"):
				return false
			}
		}
		if want&(tInteger|tNumber) != 0 {
			if n, integral, ok := numberLiteral(t); ok && (integral || want&tNumber != 0) {
				return n
			}
		}
	case bool:
		if want&tBoolean == 0 && want&tString != 0 {
			return strconv.FormatBool(t)
		}
	default:
		if isNumber(v) && want&(tInteger|tNumber) == 0 && want&tString != 0 {
			if n, ok := v.(json.Number); ok {
				return string(n)
			}
			if d, ok := numberOf(v); ok {
				return d.String()
			}
		}
	}
	return v
}

// String renders the decimal as a template writes a number: plain digits (120, 0.25, -1.5), with
// an exponent only for zeros past 21 integer digits or 6 leading fractional zeros, where JavaScript and Go's
// shortest formatting switch too. A Go number coerced to a string (int64 120) then reads as the
// text CloudFormation sends ("120"), not "12e1". Each value has one rendering (the digits carry no
// trailing zeros), so canonical forms stay comparable.
func (d decimal) String() string {
	if d.zero() {
		return "0"
	}
	n := int64(len(d.digits))
	var s string
	switch point := n + d.exp; {
	case d.exp == 0 || d.exp > 0 && point <= 21:
		s = d.digits + strings.Repeat("0", int(d.exp))
	case d.exp < 0 && point > 0:
		s = d.digits[:point] + "." + d.digits[point:]
	case d.exp < 0 && point > -6:
		s = "0." + strings.Repeat("0", int(-point)) + d.digits
	default:
		s = d.digits + "e" + strconv.FormatInt(d.exp, 10)
	}
	if d.neg {
		return "-" + s
	}
	return s
}

// equal is JSON equality: numbers by value (1 equals 1.0), objects by keys, arrays in order.
func equal(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, equal)
	}
	if isNumber(a) && isNumber(b) {
		da, ok1 := numberOf(a)
		db, ok2 := numberOf(b)
		return ok1 && ok2 && da.cmp(db) == 0
	}
	return false
}

// canonical appends a key for a JSON value such that two values are equal exactly when their keys
// are: object keys sorted, numbers normalised.
func canonical(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return strconv.AppendQuote(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case nil:
		return append(b, "null"...)
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, k)
			b = append(b, ':')
			b = canonical(b, x[k])
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = canonical(b, e)
		}
		return append(b, ']')
	}
	if d, ok := numberOf(v); ok {
		return append(b, d.String()...)
	}
	return fmt.Append(b, v)
}
