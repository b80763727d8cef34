package jsonptr

import (
	"slices"
	"testing"
)

func TestEscapeRoundTrip(t *testing.T) {
	tests := []struct{ tok, esc string }{
		{"plain", "plain"},
		{"a/b", "a~1b"},
		{"a~b", "a~0b"},
		{"~1", "~01"},
		{"/~", "~1~0"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Escape(tt.tok); got != tt.esc {
			t.Errorf("Escape(%q) = %q, want %q", tt.tok, got, tt.esc)
		}
		if got := Unescape(tt.esc); got != tt.tok {
			t.Errorf("Unescape(%q) = %q, want %q", tt.esc, got, tt.tok)
		}
	}
}

func TestBuildAndSplit(t *testing.T) {
	p := AppendIndex(Append(Append("", "Tags"), "a/b"), 3)
	if p != "/Tags/a~1b/3" {
		t.Fatalf("built %q", p)
	}
	if got := Format("Tags", "a/b", "3"); got != p {
		t.Fatalf("Format = %q, want %q", got, p)
	}
	toks, err := Split(p)
	if err != nil || !slices.Equal(toks, []string{"Tags", "a/b", "3"}) {
		t.Fatalf("Split = %q, %v", toks, err)
	}
	if toks, err := Split(""); err != nil || toks != nil {
		t.Fatalf("Split(root) = %q, %v", toks, err)
	}
	if _, err := Split("Tags"); err != ErrSyntax {
		t.Fatalf("Split without slash: %v", err)
	}
	if par, last := Parent(p); par != "/Tags/a~1b" || last != "3" {
		t.Fatalf("Parent = %q %q", par, last)
	}
	if par, last := Parent("/a~1b"); par != "" || last != "a/b" {
		t.Fatalf("Parent = %q %q", par, last)
	}
	if par, last := Parent(""); par != "" || last != "" {
		t.Fatalf("Parent(root) = %q %q", par, last)
	}
}

func TestUnder(t *testing.T) {
	tests := []struct {
		path, prefix string
		want         bool
	}{
		{"/Tags/1", "/Tags/1", true},
		{"/Tags/1/Key", "/Tags/1", true},
		{"/Tags/10", "/Tags/1", false},
		{"/Tags/10/Key", "/Tags/1", false},
		{"/Tags", "/Tags/1", false},
		{"/b", "/a", false},
		{"/ab", "/a", false},
		{"/anything", "", true},
		{"", "", true},
		{"", "/a", false},
	}
	for _, tt := range tests {
		if got := Under(tt.path, tt.prefix); got != tt.want {
			t.Errorf("Under(%q, %q) = %v, want %v", tt.path, tt.prefix, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	doc := map[string]any{"a/b": []any{"x", map[string]any{"k": "v"}}}
	tests := []struct {
		ptr  string
		want any
		ok   bool
	}{
		{"/a~1b/0", "x", true},
		{"/a~1b/1/k", "v", true},
		{"/a~1b/2", nil, false},
		{"/a~1b/01", nil, false},
		{"/a~1b/-1", nil, false},
		{"/missing", nil, false},
		{"/a~1b/0/deeper", nil, false},
		{"bad", nil, false},
	}
	for _, tt := range tests {
		got, ok := Lookup(doc, tt.ptr)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tt.ptr, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := Lookup(doc, ""); !ok || got == nil {
		t.Errorf("Lookup(root) = %v, %v", got, ok)
	}
}
