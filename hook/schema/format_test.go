package schema_test

import (
	"context"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
)

// TestFormats: each asserted format at its edges, accepted or refused exactly.
func TestFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, value string
		ok            bool
	}{
		{"date-time", "2024-01-01T00:00:00Z", true},
		{"date-time", "2024-01-01t00:00:00z", true},
		{"date-time", "2024-01-01T00:00:0Z", false},
		{"date-time", "2024-01-01 00:00:00Z", false},
		{"date-time", "2024-01-01X00:00:00Z", false},
		{"date-time", "2024-1-01T00:00:00Z", false},
		{"date-time", "2024-01-01T00:00:00", false},
		{"date", "2024-02-29", true},
		{"date", "2023-02-29", false},
		{"date", "2024-01-01T", false},
		{"time", "10:00:00Z", true},
		{"time", "00:00:00z", true},
		{"time", "23:59:59Z", true},
		{"time", "10:00:00", false},
		{"time", "10-00:00Z", false},
		{"time", "10:00-00Z", false},
		{"time", "24:00:00Z", false},
		{"time", "00:60:00Z", false},
		{"time", "00:00:61Z", false},
		{"time", "/0:00:00Z", false},
		{"time", ":0:00:00Z", false},
		{"time", "0/:00:00Z", false},
		{"time", "00:/0:00Z", false},
		{"time", "00:0::00Z", false},
		{"time", "00:00:0aZ", false},
		{"time", "10:00:00.123Z", true},
		{"time", "10:00:00.Z", false},
		{"time", "10:00:00.5", false},
		{"time", "10:00:00.05Z", true},
		{"time", "10:00:00.9Z", true},
		{"time", "0::00:00Z", false}, // ':' after a digit is not "10"
		{"time", "10:00:00.5+02:00", true},
		{"time", "10:00:00+02:00", true},
		{"time", "10:00:00-23:59", true},
		{"time", "10:00:00+0200", false},
		{"time", "10:00:00+24:00", false},
		{"time", "10:00:00+02:60", false},
		{"time", "10:00:00*02:00", false},
		{"time", "10:00:00+02-00", false},
		{"time", "10:00:00+02:0a", false},
		{"time", "10:00:00ZZ", false},
		// A leap second is 23:59:60 in UTC only.
		{"time", "23:59:60Z", true},
		{"time", "23:59:60+00:00", true},
		{"time", "00:59:60+01:00", true},
		{"time", "22:59:60-01:00", true},
		{"time", "11:59:60-12:00", true},
		{"time", "23:59:60+01:00", false},
		{"time", "23:59:60-01:00", false},
		{"time", "22:59:60Z", false},
		{"time", "23:58:60Z", false},
		{"time", "00:00:60+00:01", true}, // the day before in UTC
		{"time", "00:00:60-00:01", false},
		{"ipv4", "1.2.3.4", true},
		{"ipv4", "0.0.0.0", true},
		{"ipv4", "255.255.255.255", true},
		{"ipv4", "01.2.3.4", true},
		{"ipv4", "256.2.3.4", false},
		{"ipv4", "1.2.3.256", false},
		{"ipv4", "-1.2.3.4", false},
		{"ipv4", "a.2.3.4", false},
		{"ipv4", "1.2.3", false},
		{"ipv4", "1.2.3.4.5", false},
		{"ipv6", "::1", true},
		{"ipv6", "::ffff:1.2.3.4", true},
		{"ipv6", "1.2.3.4", false},
		{"ipv6", "1::2::3", false},
		{"uri", "https://example.com/x", true},
		{"uri", "urn:aws:x", true},
		{"uri", "relative/path", false},
		{"uri", "http://[::1", false},
	}
	compiled := map[string]*schema.Schema{}
	for _, f := range []string{"date-time", "date", "time", "ipv4", "ipv6", "uri"} {
		compiled[f] = compile(t, `{"format":"`+f+`"}`)
	}
	for _, tt := range tests {
		got, err := compiled[tt.format].Validate(context.Background(), tt.value, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if !tt.ok {
			want = 1
		}
		if len(got) != want || (want == 1 && (got[0].Keyword != "format" || got[0].Message != "value is not a valid "+tt.format)) {
			t.Errorf("%s %q: %+v, want accepted %v", tt.format, tt.value, got, tt.ok)
		}
	}
	// Formats apply to strings only.
	if got, _ := compiled["ipv4"].Validate(context.Background(), mustDecode(t, `12`), schema.Options{}); len(got) != 0 {
		t.Errorf("a number checked as ipv4: %+v", got)
	}
}
