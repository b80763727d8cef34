package schema_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestNumberOrder: numbers compare by value whatever their spelling. For each pair, b is checked
// against minimum a, maximum a and const a: each violation must match the exact order.
func TestNumberOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		cmp  int // the sign of b − a
	}{
		{"0", "0", 0}, {"0", "-0", 0}, {"0", "0.0", 0}, {"0", "0e5", 0}, {"-0", "0e-3", 0},
		{"0", "1", 1}, {"0", "-1", -1}, {"1", "0", -1}, {"-1", "0", 1}, {"0.5", "0", -1}, {"-0.5", "-0", 1},
		{"-1", "1", 1}, {"1", "-1", -1}, {"-1e-9", "1e-9", 1},
		{"9", "10", 1}, {"10", "9", -1}, {"0.9", "1", 1}, {"1", "0.9", -1},
		{"-9", "-10", -1}, {"-10", "-9", 1},
		{"12", "13", 1}, {"13", "12", -1}, {"-12", "-13", -1}, {"-13", "-12", 1},
		{"1", "1.5", 1}, {"1.5", "1", -1}, {"1.2", "1.25", 1}, {"1.25", "1.2", -1}, {"1.5", "1.25", -1},
		{"-1.2", "-1.25", -1}, {"-1.25", "-1.2", 1},
		{"1e2", "100", 0}, {"1e2", "99.9", -1}, {"1E+2", "100.01", 1}, {"123e-2", "1.23", 0},
		{"5e-2", "0.05", 0}, {"5e-1", "0.5", 0}, {"0.05", "0.5", 1},
		{"0.010", "0.01", 0}, {"10.50", "10.5", 0}, {"1e-999999999", "0", -1},
		{"5e999999999", "4e999999999", -1}, {"5e999999999", "5e999999999", 0},
	}
	for _, tt := range tests {
		for _, k := range []struct {
			kw      string
			violate bool
		}{
			{"minimum", tt.cmp < 0},
			{"maximum", tt.cmp > 0},
			{"const", tt.cmp != 0},
			{"exclusiveMinimum", tt.cmp <= 0},
			{"exclusiveMaximum", tt.cmp >= 0},
		} {
			s := compile(t, `{"`+k.kw+`":`+tt.a+`}`)
			got, err := s.Validate(context.Background(), mustDecode(t, tt.b), schema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[k.violate]; len(got) != want || (want == 1 && got[0].Keyword != k.kw) {
				t.Errorf("%s %s %s: %+v, want a violation %v", tt.b, k.kw, tt.a, got, k.violate)
			}
		}
	}
}

// TestMultipleOf: exact decimal division, without building huge powers.
func TestMultipleOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m, v string
		ok   bool
	}{
		{"0.1", "0.3", true}, {"0.1", "0.35", false}, {"3", "0", true}, {"3", "-9", true}, {"3", "10", false},
		{"7", "7e400", true}, {"7", "1e400", false}, {"2.5", "10", true}, {"2.5", "11", false},
		{"25", "50", true}, {"25", "5", false}, {"4", "100", true}, {"4", "102", false},
		{"1e-3", "0.004", true}, {"0.004", "1e-3", false}, {"1.5", "4.5", true}, {"15", "45e1", true},
		{"6", "3e1", true}, {"6", "2e1", false}, {"12", "6e2", true},
	}
	for _, tt := range tests {
		s := compile(t, `{"multipleOf":`+tt.m+`}`)
		got, err := s.Validate(context.Background(), mustDecode(t, tt.v), schema.Options{})
		if err != nil || (len(got) == 0) != tt.ok || (!tt.ok && got[0].Message != "value is not a multiple of "+tt.m) {
			t.Errorf("%s multipleOf %s: %+v %v, want ok %v", tt.v, tt.m, got, err, tt.ok)
		}
	}
}

// TestNumberLiterals: which texts are numbers. A json.Number handed over directly is read as strict
// JSON; a string for a number property is read as CloudFormation does (leading zeros allowed,
// exponent of at most three digits).
func TestNumberLiterals(t *testing.T) {
	t.Parallel()
	const notNumber = "value is not a number CloudFormation accepts"
	num := compile(t, `{"type":"number"}`)
	for lit, ok := range map[string]bool{
		"0": true, "-0": true, "10": true, "1.5": true, "-1.5e-3": true, "1E+2": true, "0.0": true,
		"1e999999999999999":      true,  // 15 exponent digits
		"1e1000000000000000":     false, // 16
		"1e0000000000000000002":  true,  // leading zeros do not count
		"0e99999999999999999999": true,  // zero whatever its exponent
		"01":                     false, "-01": false, "00": false, "1.": false, ".5": false, "-": false, "+1": false,
		"1e": false, "1e+": false, "1x": false, "1.5.5": false, "": false, "--1": false, "1e5x": false,
		strings.Repeat("1", 64): true, strings.Repeat("1", 65): false,
	} {
		got, err := num.Validate(context.Background(), json.Number(lit), schema.Options{})
		if err != nil || (len(got) == 0) != ok || (!ok && got[0].Message != notNumber) {
			t.Errorf("json.Number(%q): %+v %v, want a number %v", lit, got, err, ok)
		}
	}
	// Strings for a number property: the same value as the JSON number, or left a string.
	max := compile(t, `{"type":"number","maximum":100}`)
	for lit, want := range map[string]string{
		"100": "", "100.5": "maximum", "0100": "", "0101": "maximum", "-0200": "", "1e2": "", "1e3": "maximum",
		"1e002": "", "1e999": "maximum", "1e1000": "type", "0e1000": "", "1e": "type", "0x10": "type",
		"1,000": "type", "": "type", "-": "type", "1.": "type", "Infinity": "type",
	} {
		got, err := max.Validate(context.Background(), lit, schema.Options{})
		var kws []string
		for _, v := range got {
			kws = append(kws, v.Keyword)
		}
		if err != nil || strings.Join(kws, " ") != want {
			t.Errorf("%q for a number with maximum 100: %q %v, want %q", lit, kws, err, want)
		}
	}
}
