package schema

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxNumberLen caps a numeric literal (in the instance, the template or a coerced string). Every
// comparison below works on the digits, so the cap bounds the work of each check; a longer literal
// is not a number CloudFormation accepts (it holds numbers as 64-bit values).
const maxNumberLen = 64

// maxExponentDigits caps the exponent of an instance or template literal: comparisons never expand
// it, so a large one costs nothing, but it must fit an int64.
const maxExponentDigits = 15

// decimal is an exact decimal number: digits × 10^exp, digits without leading or trailing zeros
// ("" is zero). Comparing two of them never builds the expanded value, so 1e999999999 costs as
// little as 1.
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// parseDecimal reads a JSON number literal. lenient is CloudFormation's reading of a string
// property: leading zeros allowed ("010" is ten) and the exponent held to three digits.
func parseDecimal(s string, lenient bool) (decimal, bool) {
	if len(s) == 0 || len(s) > maxNumberLen {
		return decimal{}, false
	}
	var d decimal
	i := 0
	if s[0] == '-' {
		d.neg = true
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[intStart:i]
	if len(intPart) == 0 || (!lenient && len(intPart) > 1 && intPart[0] == '0') {
		return decimal{}, false
	}
	var frac string
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac = s[fs:i]
		if len(frac) == 0 {
			return decimal{}, false
		}
	}
	var e int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		ed := s[es:i]
		if len(ed) == 0 {
			return decimal{}, false
		}
		// Leading zeros do not make an exponent larger ("0E0000000000000000" is 0), and any
		// exponent of a zero mantissa is zero ("0e1000000000000000"); the whole literal's byte
		// cap bounds both.
		if t := strings.TrimLeft(ed, "0"); t != "" && strings.Trim(intPart+frac, "0") != "" {
			ed = t
		} else {
			ed = "0"
		}
		limit := maxExponentDigits
		if lenient {
			limit = 3
		}
		if len(ed) > limit {
			return decimal{}, false
		}
		n, err := strconv.ParseInt(ed, 10, 64)
		if err != nil {
			return decimal{}, false
		}
		if eneg {
			n = -n
		}
		e = n
	}
	if i != len(s) {
		return decimal{}, false
	}
	// The significant digits: integer and fraction parts without leading and trailing zeros.
	lead := 0
	for lead < len(intPart) && intPart[lead] == '0' {
		lead++
	}
	var digits string
	if lead < len(intPart) {
		digits = intPart[lead:] + frac
	} else {
		f := 0
		for f < len(frac) && frac[f] == '0' {
			f++
		}
		digits = frac[f:]
	}
	e -= int64(len(frac))
	end := len(digits)
	for end > 0 && digits[end-1] == '0' {
		end--
	}
	e += int64(len(digits) - end)
	digits = digits[:end]
	if digits == "" {
		return decimal{}, true // zero, -0 included
	}
	d.digits, d.exp = digits, e
	return d, true
}

// numberOf reads an instance number of any Go numeric type the callers hand over.
func numberOf(v any) (decimal, bool) {
	switch n := v.(type) {
	case json.Number:
		return parseDecimal(string(n), false)
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return decimal{}, false
		}
		return parseDecimal(strconv.FormatFloat(n, 'g', -1, 64), false)
	case float32:
		return numberOf(float64(n))
	case int:
		return parseDecimal(strconv.Itoa(n), false)
	case int64:
		return parseDecimal(strconv.FormatInt(n, 10), false)
	case int32:
		return parseDecimal(strconv.FormatInt(int64(n), 10), false)
	case uint64:
		return parseDecimal(strconv.FormatUint(n, 10), false)
	}
	return decimal{}, false
}

func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, float32, int, int64, int32, uint64:
		return true
	}
	return false
}

func (d decimal) zero() bool { return d.digits == "" }

// isInt reports whether the value is integral (1.0 and 1e3 are).
func (d decimal) isInt() bool { return d.zero() || d.exp >= 0 }

// cmp compares two decimals: -1, 0 or +1.
func (d decimal) cmp(o decimal) int {
	switch {
	case d.zero() && o.zero():
		return 0
	case d.zero():
		if o.neg {
			return 1
		}
		return -1
	case o.zero():
		if d.neg {
			return -1
		}
		return 1
	case d.neg != o.neg:
		if d.neg {
			return -1
		}
		return 1
	}
	m := d.cmpAbs(o)
	if d.neg {
		return -m
	}
	return m
}

func (d decimal) cmpAbs(o decimal) int {
	// The position of the most significant digit decides first.
	pd, po := d.exp+int64(len(d.digits)), o.exp+int64(len(o.digits))
	if pd != po {
		if pd < po {
			return -1
		}
		return 1
	}
	n := min(len(d.digits), len(o.digits))
	for i := range n {
		if d.digits[i] != o.digits[i] {
			if d.digits[i] < o.digits[i] {
				return -1
			}
			return 1
		}
	}
	// Same leading digits: the longer one has more non-zero digits after them.
	switch {
	case len(d.digits) < len(o.digits):
		return -1
	case len(d.digits) > len(o.digits):
		return 1
	}
	return 0
}

// multipleOf reports whether d is an integer multiple of m (m > 0). With d = a·10^p and
// m = b·10^q, both normalised, d/m = (a/b)·10^(p−q): for p < q it is never integral (a has no
// trailing zero); otherwise b must divide a·10^(p−q), checked modulo b so the power is never built.
func (d decimal) multipleOf(m decimal) bool {
	if d.zero() {
		return true
	}
	if m.zero() {
		return false
	}
	diff := d.exp - m.exp
	if diff < 0 {
		return false
	}
	a, _ := new(big.Int).SetString(d.digits, 10)
	b, _ := new(big.Int).SetString(m.digits, 10)
	a.Mod(a, b)
	if a.Sign() == 0 {
		return true
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(diff), b)
	a.Mul(a, p)
	a.Mod(a, b)
	return a.Sign() == 0
}

// numberLiteral parses a whole string the way CloudFormation reads a string given for a number: a
// decimal literal, leading zeros allowed, exponent of at most three digits, at most 64 bytes. It
// returns the literal as a JSON number (leading zeros removed) and whether its value is integral.
func numberLiteral(s string) (json.Number, bool, bool) {
	d, ok := parseDecimal(s, true)
	if !ok {
		return "", false, false
	}
	// Remove leading zeros so the result is a JSON number ("010" → "10", "-00.5" → "-0.5").
	lit := s
	neg := len(lit) > 0 && lit[0] == '-'
	body := lit
	if neg {
		body = lit[1:]
	}
	z := 0
	for z+1 < len(body) && body[z] == '0' && body[z+1] >= '0' && body[z+1] <= '9' {
		z++
	}
	if z > 0 {
		body = body[z:]
		if neg {
			lit = "-" + body
		} else {
			lit = body
		}
	}
	return json.Number(lit), d.isInt(), true
}
