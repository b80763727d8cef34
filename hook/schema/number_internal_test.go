package schema

import "testing"

// decimal.String writes what a template would hold for the number: plain digits where JavaScript
// and Go's shortest formatting write them, an exponent beyond.
func TestDecimalString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"0", "0"}, {"-0", "0"}, {"120", "120"}, {"12e1", "120"}, {"-3e2", "-300"},
		{"0.25", "0.25"}, {"-1.50", "-1.5"}, {"25e-2", "0.25"}, {"123.456", "123.456"},
		{"0.000001", "0.000001"}, {"1e-7", "1e-7"}, {"-0.0000012", "-0.0000012"}, {"12e-8", "12e-8"},
		{"1e20", "100000000000000000000"}, {"1e21", "1e21"}, {"123456789012345678901", "123456789012345678901"},
		{"1234567890123456789012", "1234567890123456789012"}, // 22 digits and no zeros to add: as written
		{"12345678901234567890e3", "1234567890123456789e4"},
	} {
		d, ok := parseDecimal(tt.in, false)
		if !ok {
			t.Fatalf("parseDecimal(%q) failed", tt.in)
		}
		if got := d.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.in, got, tt.want)
		}
		// The rendering reads back as the same value.
		back, ok := parseDecimal(d.String(), false)
		if !ok || back.cmp(d) != 0 {
			t.Errorf("%s: %q does not read back as the same number", tt.in, d.String())
		}
	}
}
