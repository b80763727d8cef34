package lifecycle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/approval/lifecycle"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// folder generates Test::Widget::Thing from testdata/old into a new templates folder and returns
// it with testdata/new as the source.
func folder(t *testing.T) lifecycle.Folder {
	t.Helper()
	tpls, err := schemagen.Run(context.Background(), schemagen.Request{Source: dirSource("testdata/old"), Snapshot: "2026-02-02"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeAll(t, dir, tpls)
	return lifecycle.Folder{Source: dirSource("testdata/new"), Dir: dir, Now: fixedNow}
}

func TestPending(t *testing.T) {
	t.Parallel()
	f := folder(t)
	rep, err := lifecycle.Pending(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Types {
		got = append(got, r.TypeName+" "+string(r.Status)+" "+strings.Join(lifecycle.Items(r), " "))
	}
	want := []string{
		"Test::Widget::Other new-type ",
		"Test::Widget::Thing pending /Config/Level /Config/Mode=C /NamePrefix",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pending() (-want +got):\n%s", diff)
	}
	if !rep.HasPending() || rep.WithoutNewTypes().HasPending() != true || len(rep.WithoutNewTypes().Types) != 1 {
		t.Errorf("HasPending/WithoutNewTypes wrong: %+v", rep)
	}
	var text, md bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"pending /NamePrefix  string", `pending /Config/Mode  enum + "C"`, "3 pending in 1 types, 1 new types"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, text.String())
		}
	}
	if !strings.Contains(md.String(), "| pending | `/NamePrefix` | string |") || !strings.Contains(md.String(), "- `Test::Widget::Other`") {
		t.Errorf("markdown report:\n%s", md.String())
	}
	if entries, _ := os.ReadDir(f.Dir); len(entries) != 1 {
		t.Errorf("Pending wrote into the folder: %d entries", len(entries))
	}
}

func TestApproveRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := folder(t)
	tpl := filepath.Join(f.Dir, "Test-Widget-Thing.json")
	approve := func(typeName, reason string, items ...string) lifecycle.Outcome {
		t.Helper()
		var gs []approval.Grant
		for _, it := range items {
			g, err := approval.ParseGrant(it)
			if err != nil {
				t.Fatal(err)
			}
			gs = append(gs, g)
		}
		out, err := lifecycle.Approve(ctx, f, lifecycle.Decision{Type: typeName, Grants: gs, Reason: reason, By: "ann"})
		if err != nil {
			t.Fatalf("Approve(%s %v) error = %v", typeName, items, err)
		}
		return out
	}
	out := approve("Test::Widget::Thing", "CHG-1", "/NamePrefix", "/Config/Mode=C")
	if !out.Changed || len(out.Recorded) != 2 || strings.Join(lifecycle.Items(out.Review), " ") != "/Config/Level" {
		t.Errorf("Approve() = %+v", out)
	}
	body, _ := os.ReadFile(tpl)
	if !strings.Contains(string(body), `"NamePrefix"`) || !strings.Contains(string(body), `"C"`) || strings.Contains(string(body), "Level") {
		t.Errorf("template after approving /NamePrefix and /Config/Mode=C:\n%s", body)
	}
	if again := approve("Test::Widget::Thing", "CHG-1", "/NamePrefix"); again.Changed || len(again.Recorded) != 0 {
		t.Errorf("approving again: %+v, want no change and no record", again)
	}
	// A first approval of one property of a type with no template: only that property.
	otherTpl := filepath.Join(f.Dir, "Test-Widget-Other.json")
	if part := approve("Test::Widget::Other", "CHG-5", "/Size"); !part.Changed || part.Review.Status != approval.FirstApproval {
		t.Errorf("partial first approval: %+v", part)
	}
	if body, _ := os.ReadFile(otherTpl); !strings.Contains(string(body), "Size") || strings.Contains(string(body), "Color") {
		t.Errorf("partial first approval wrote:\n%s", body)
	}
	// The whole type: everything its provider schema has.
	if out := approve("Test::Widget::Other", "CHG-2"); !out.Changed || out.Recorded[0].Path != "" {
		t.Errorf("whole-type approval: %+v", out)
	}
	if body, _ := os.ReadFile(otherTpl); !strings.Contains(string(body), "Color") {
		t.Errorf("whole-type approval wrote:\n%s", body)
	}

	// Revoke the enum value: the template goes back to what it was before approving it.
	rv, err := lifecycle.Revoke(ctx, f, lifecycle.Decision{Type: "Test::Widget::Thing", Grants: []approval.Grant{{Path: "/Config/Mode", Value: "C", Enum: true}}, Reason: "CHG-3", By: "bob"})
	if err != nil || !rv.Changed {
		t.Fatalf("Revoke() = %+v, %v", rv, err)
	}
	body, _ = os.ReadFile(tpl)
	if strings.Contains(string(body), `"C"`) || !strings.Contains(string(body), `"NamePrefix"`) {
		t.Errorf("template after revoking /Config/Mode=C:\n%s", body)
	}
	// The enum approval holds narrower than AWS's is rcfge's own constraint, marked as such.
	var tdoc struct {
		Properties map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(body, &tdoc); err != nil {
		t.Fatal(err)
	}
	if own := tdoc.Properties["Config"].Properties["Mode"]["x-rcfge-own"]; !cmp.Equal(own, []any{"enum"}) {
		t.Errorf("Mode narrowed by approval: x-rcfge-own = %v, want [enum]", own)
	}
	if _, err := lifecycle.Revoke(ctx, f, lifecycle.Decision{Type: "Test::Widget::Other", Reason: "CHG-4", By: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir, "Test-Widget-Other.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("revoking the type left its template: %v", err)
	}

	rec, err := os.ReadFile(filepath.Join(f.Dir, approval.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := approval.ReadRecord(bytes.NewReader(rec))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, string(e.Action)+" "+e.Type+" "+e.Grant().String()+" "+e.Reason+" "+e.By)
	}
	want := []string{
		"approve Test::Widget::Thing /NamePrefix CHG-1 ann",
		"approve Test::Widget::Thing /Config/Mode=C CHG-1 ann",
		"approve Test::Widget::Other /Size CHG-5 ann",
		"approve Test::Widget::Other  CHG-2 ann",
		"revoke Test::Widget::Thing /Config/Mode=C CHG-3 bob",
		"revoke Test::Widget::Other  CHG-4 bob",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	for _, e := range entries[:4] {
		if !strings.HasPrefix(e.Source, "sha256:") || !e.When.Equal(fixedNow()) {
			t.Errorf("entry %+v: want the source digest and the clock's time", e)
		}
	}
}

func TestDecisionErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := folder(t)
	tests := []struct {
		name   string
		revoke bool
		d      lifecycle.Decision
		f      *lifecycle.Folder
		wantIs error
		want   string
	}{
		{name: "no reason", d: lifecycle.Decision{Type: "Test::Widget::Thing"}, wantIs: lifecycle.ErrUsage, want: "reason"},
		{name: "bad type name", d: lifecycle.Decision{Type: "Widget", Reason: "r"}, wantIs: lifecycle.ErrUsage, want: "Widget"},
		{name: "type not in the source", d: lifecycle.Decision{Type: "Test::Widget::Nope", Reason: "r"}, wantIs: schemagen.ErrTypeNotFound},
		{name: "path not in the source", d: lifecycle.Decision{Type: "Test::Widget::Thing", Reason: "r", Grants: []approval.Grant{{Path: "/Nope"}}}, wantIs: approval.ErrNotInSource, want: "Test::Widget::Thing: /Nope: not in the provider schema"},
		{name: "read-only path", d: lifecycle.Decision{Type: "Test::Widget::Thing", Reason: "r", Grants: []approval.Grant{{Path: "/Arn"}}}, wantIs: approval.ErrNotInSource},
		{name: "revoke without a template", revoke: true, d: lifecycle.Decision{Type: "Test::Widget::Other", Reason: "r", Grants: []approval.Grant{{Path: "/Size"}}}, want: "has no template"},
		{name: "revoke what is not approved", revoke: true, d: lifecycle.Decision{Type: "Test::Widget::Thing", Reason: "r", Grants: []approval.Grant{{Path: "/NamePrefix"}}}, want: "revoke /NamePrefix: the template does not approve it"},
		{name: "templates folder missing", d: lifecycle.Decision{Type: "Test::Widget::Thing", Reason: "r"}, f: &lifecycle.Folder{Source: f.Source, Dir: filepath.Join(f.Dir, "nope")}, wantIs: lifecycle.ErrUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ff := f
			if tt.f != nil {
				ff = *tt.f
			}
			decide := lifecycle.Approve
			if tt.revoke {
				decide = lifecycle.Revoke
			}
			_, err := decide(ctx, ff, tt.d)
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	if _, err := lifecycle.Pending(ctx, lifecycle.Folder{Source: f.Source, Dir: "lifecycle.go"}); !errors.Is(err, lifecycle.ErrUsage) {
		t.Errorf("Pending on a file: %v", err)
	}
}
