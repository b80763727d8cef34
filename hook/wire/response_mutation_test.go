package wire_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rcfge/rcfge/hook/wire"
)

// TestTruncateBoundaries pins Truncate's byte boundaries: a text of exactly the limit is kept
// whole, one byte more is cut to at most the limit with "…", and a rune is never split, even when
// the text is not valid UTF-8.
func TestTruncateBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"exactly the limit is kept", "abcde", 5, "abcde"},
		{"one byte over is cut", "abcdef", 5, "ab…"},
		{"a two-byte rune at the limit is kept", "aébc", 5, "aébc"},
		{"cut inside a rune backs off to its start", "aébcd", 5, "a…"},
		{"cut right after a rune keeps it", "aébcdefg", 6, "aé…"},
		{"a limit below the ellipsis leaves the ellipsis only", "abcd", 2, "…"},
		{"a limit of exactly the ellipsis", "abcd", 3, "…"},
		{"empty text at a zero limit", "", 0, ""},
		{"invalid UTF-8: no rune start before the cut", "\x80\x80\x80\x80\x80", 4, "…"},
		{"four-byte rune never split", "𝄞𝄞", 6, "…"},
		{"four-byte rune kept when it fits", "𝄞𝄞x", 8, "𝄞…"},
	}
	for _, tt := range tests {
		got := wire.Truncate(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("%s: Truncate(%q, %d) = %q, want %q", tt.name, tt.in, tt.n, got, tt.want)
		}
		if utf8.ValidString(tt.in) && !utf8.ValidString(got) {
			t.Errorf("%s: Truncate(%q, %d) = %q splits a rune", tt.name, tt.in, tt.n, got)
		}
	}
}

// TestFitFieldBoundaries: each field of the answer is kept whole at exactly its limit and cut one
// byte over it.
func TestFitFieldBoundaries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		limit int
		set   func(r *wire.Response, s string)
		get   func(r *wire.Response) string
	}{
		{"message", wire.MaxMessage - 1, func(r *wire.Response, s string) { r.Message = s }, func(r *wire.Response) string { return r.Message }},
		{"token", wire.MaxToken, func(r *wire.Response, s string) { r.ClientRequestToken = s }, func(r *wire.Response) string { return r.ClientRequestToken }},
		{"annotation name", 256, func(r *wire.Response, s string) { r.Annotations[0].AnnotationName = s }, func(r *wire.Response) string { return r.Annotations[0].AnnotationName }},
		{"status message", 1024, func(r *wire.Response, s string) { r.Annotations[0].StatusMessage = s }, func(r *wire.Response) string { return r.Annotations[0].StatusMessage }},
		{"remediation message", 1024, func(r *wire.Response, s string) { r.Annotations[0].RemediationMessage = s }, func(r *wire.Response) string { return r.Annotations[0].RemediationMessage }},
		{"remediation link", 1024, func(r *wire.Response, s string) { r.Annotations[0].RemediationLink = s }, func(r *wire.Response) string { return r.Annotations[0].RemediationLink }},
	} {
		for _, extra := range []int{0, 1} {
			r := wire.Response{Annotations: []wire.Annotation{{AnnotationName: "a", Status: wire.AnnotationFailed}}}
			in := strings.Repeat("x", tt.limit+extra)
			tt.set(&r, in)
			r.Fit()
			want := in
			if extra > 0 {
				want = strings.Repeat("x", tt.limit-len("…")) + "…"
			}
			if got := tt.get(&r); got != want {
				t.Errorf("%s of %d bytes (limit %d): got %d bytes, want %d", tt.name, len(in), tt.limit, len(got), len(want))
			}
		}
	}
}

// TestFitExactResponseLimit: an answer whose encoding is exactly MaxResponseBytes is over the
// bound (it must stay below it) and loses half its annotations; one byte less keeps them all.
func TestFitExactResponseLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		size    int
		wantAnn int
	}{
		{wire.MaxResponseBytes, wire.MaxAnnotations/2 + 1},
		{wire.MaxResponseBytes - 1, wire.MaxAnnotations},
	} {
		r := sizedResponse(t, tt.size)
		r.Fit()
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) >= wire.MaxResponseBytes || len(r.Annotations) != tt.wantAnn {
			t.Errorf("from %d bytes: %d bytes and %d annotations after Fit, want under %d and %d", tt.size, len(b), len(r.Annotations), wire.MaxResponseBytes, tt.wantAnn)
		}
	}
}

// sizedResponse builds an answer of MaxAnnotations annotations, escaped text in each, whose
// encoding is exactly size bytes, every field within its limit so Fit cuts nothing.
func sizedResponse(t *testing.T, size int) wire.Response {
	t.Helper()
	build := func(remedy, msg int) wire.Response {
		r := wire.Response{HookStatus: wire.StatusFailed, ErrorCode: wire.CodeNonCompliant, ClientRequestToken: "t", Message: strings.Repeat("m", msg)}
		for range wire.MaxAnnotations {
			r.Annotations = append(r.Annotations, wire.Annotation{AnnotationName: "n", Status: wire.AnnotationFailed,
				StatusMessage: strings.Repeat("\x01", 1024), RemediationMessage: strings.Repeat("\x01", remedy), SeverityLevel: wire.SeverityHigh})
		}
		return r
	}
	encoded := func(r wire.Response) int {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	// Each byte of remediation text adds six encoded bytes to each annotation; the message, one
	// byte each, makes up the rest.
	base := encoded(build(1, 1))
	remedy := 1 + (size-base-2*wire.MaxMessage/3)/(6*wire.MaxAnnotations)
	r := build(remedy, 1)
	r = build(remedy, 1+size-encoded(r))
	if got := encoded(r); got != size || len(r.Message) >= wire.MaxMessage || remedy > 1024 {
		t.Fatalf("built %d bytes (message %d, remedy %d), want %d", got, len(r.Message), remedy, size)
	}
	return r
}

// TestSummary: the summary annotation counts what it stands for (plural included), fails only
// when something it stands for failed, and carries the highest severity among them.
func TestSummary(t *testing.T) {
	t.Parallel()
	ann := func(status, severity string) wire.Annotation {
		return wire.Annotation{AnnotationName: "x", Status: status, SeverityLevel: severity}
	}
	kept := func() []wire.Annotation {
		out := make([]wire.Annotation, wire.MaxAnnotations)
		for i := range out {
			out[i] = ann(wire.AnnotationFailed, wire.SeverityHigh)
		}
		return out
	}
	tests := []struct {
		name         string
		rest         []wire.Annotation
		omitted      int
		wantStatus   string
		wantSeverity string
		wantMessage  string
	}{
		{"passed rest, nothing omitted", []wire.Annotation{ann(wire.AnnotationPassed, "")}, 0, wire.AnnotationPassed, "",
			"and 1 more finding, not annotated one by one (the limit is 100)"},
		{"low alone", []wire.Annotation{ann(wire.AnnotationPassed, "LOW")}, 0, wire.AnnotationPassed, "LOW", "and 1 more finding,"},
		{"high after low wins", []wire.Annotation{ann(wire.AnnotationPassed, "LOW"), ann(wire.AnnotationFailed, wire.SeverityHigh)}, 0, wire.AnnotationFailed, wire.SeverityHigh, "and 2 more findings,"},
		{"low after high does not lower it", []wire.Annotation{ann(wire.AnnotationFailed, wire.SeverityHigh), ann(wire.AnnotationPassed, "LOW")}, 0, wire.AnnotationFailed, wire.SeverityHigh, "and 2 more findings,"},
		{"unset after low keeps low", []wire.Annotation{ann(wire.AnnotationPassed, "LOW"), ann(wire.AnnotationPassed, "")}, 0, wire.AnnotationPassed, "LOW", "and 2 more findings,"},
		{"omitted make it failed and high", []wire.Annotation{ann(wire.AnnotationPassed, "LOW")}, 1, wire.AnnotationFailed, wire.SeverityHigh, "and 2 more findings,"},
		{"two dropped, one omitted", []wire.Annotation{ann(wire.AnnotationFailed, wire.SeverityHigh), ann(wire.AnnotationFailed, wire.SeverityHigh)}, 1, wire.AnnotationFailed, wire.SeverityHigh, "and 3 more findings,"},
		{"one omitted only", nil, 1, wire.AnnotationFailed, wire.SeverityHigh, "and 1 more finding,"},
	}
	for _, tt := range tests {
		r := wire.Response{Annotations: append(kept(), tt.rest...)}
		r.CountOmitted(tt.omitted)
		r.Fit()
		if len(r.Annotations) != wire.MaxAnnotations+1 {
			t.Fatalf("%s: %d annotations, want %d", tt.name, len(r.Annotations), wire.MaxAnnotations+1)
		}
		s := r.Annotations[wire.MaxAnnotations]
		if s.AnnotationName != "rcfge:more" || s.Status != tt.wantStatus || s.SeverityLevel != tt.wantSeverity || !strings.HasPrefix(s.StatusMessage, tt.wantMessage) {
			t.Errorf("%s: summary %+v, want %s %q %q", tt.name, s, tt.wantStatus, tt.wantSeverity, tt.wantMessage)
		}
	}
}

// TestFitMeasuresEveryField: every field counts towards the bound that decides whether Fit
// measures the encoded answer, so an answer made large by any one field is measured and cut down
// to the summary annotation, never returned whole.
func TestFitMeasuresEveryField(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("\x01", 200_000) // 1.2 MB once escaped
	for _, tt := range []struct {
		name string
		set  func(r *wire.Response)
	}{
		{"error code", func(r *wire.Response) { r.ErrorCode = wire.ErrorCode(big) }},
		{"hook status", func(r *wire.Response) { r.HookStatus = wire.Status(big) }},
		{"annotation status", func(r *wire.Response) { r.Annotations[0].Status = big }},
		{"annotation severity", func(r *wire.Response) { r.Annotations[0].SeverityLevel = big }},
	} {
		r := wire.Response{HookStatus: wire.StatusFailed, ErrorCode: wire.CodeNonCompliant, Annotations: many(3, "x")}
		tt.set(&r)
		r.Fit()
		if len(r.Annotations) != 1 || r.Annotations[0].AnnotationName != "rcfge:more" || !strings.HasPrefix(r.Annotations[0].StatusMessage, "and 3 more findings,") {
			t.Errorf("%s over the limit: %d annotations after Fit, want the summary of 3 only", tt.name, len(r.Annotations))
		}
	}
}
