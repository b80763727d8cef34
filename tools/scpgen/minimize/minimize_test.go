package minimize_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/tools/scpgen/minimize"
)

var s3 = []string{
	"CreateBucket", "DeleteBucket", "DeleteBucketPolicy", "DeleteObject", "GetBucketAcl",
	"GetBucketPolicy", "GetObject", "GetObjectAcl", "ListBucket", "PutBucketAcl", "PutBucketPolicy",
	"PutBucketTagging", "PutObject", "PutObjectAcl", "PutObjectTagging",
}

func universe(svcs map[string][]string) minimize.Universe {
	return func(s string) ([]string, bool) {
		a, ok := svcs[s]
		return a, ok
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	u := universe(map[string][]string{"s3": s3, "sns": {"CreateTopic", "DeleteTopic", "Publish"}})
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr error
	}{
		{name: "empty", in: nil, want: nil},
		{name: "whole service", in: []string{"sns:CreateTopic", "sns:DeleteTopic", "sns:Publish"}, want: []string{"sns:*"}},
		{name: "all Put", in: []string{"s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutBucketTagging", "s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"},
			want: []string{"s3:P*"}},
		{
			// GetObject alone cannot be GetObject*: that would match GetObjectAcl too.
			name: "prefix of an unlisted action", in: []string{"s3:GetObject"}, want: []string{"s3:GetObject"},
		},
		// Shortest over this universe: no other action ends in "g".
		{name: "suffix", in: []string{"s3:PutBucketTagging", "s3:PutObjectTagging"}, want: []string{"s3:*g"}},
		{name: "prefix and suffix", in: []string{"s3:PutBucketTagging", "s3:PutObjectTagging", "s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl"},
			want: []string{"s3:*g", "s3:G*"}},
		{name: "case folded and merged", in: []string{"S3:putobjecttagging", "s3:PutObjectTagging", "s3:PutBucketTagging"},
			want: []string{"s3:*g"}},
		{name: "two services", in: []string{"sns:Publish", "s3:CreateBucket"}, want: []string{"s3:C*", "sns:P*"}},
		{name: "unknown action", in: []string{"s3:PutBucketCors"}, wantErr: minimize.ErrNotInUniverse},
		{name: "unknown service", in: []string{"sqs:SendMessage"}, wantErr: minimize.ErrNotInUniverse},
		{name: "not service:Action", in: []string{"PutObject"}, wantErr: minimize.ErrNotInUniverse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := minimize.Actions(tt.in, u)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("patterns (-want +got):\n%s", diff)
			}
			if tt.wantErr == nil {
				assertExact(t, tt.in, got, u)
			}
		})
	}
}

func TestServiceNonASCII(t *testing.T) {
	t.Parallel()
	if _, err := minimize.Service([]string{"Pütt", "Put"}, []string{"Put"}); err == nil {
		t.Fatal("want an error for a non-ASCII action name")
	}
}

// TestActionsRandom checks exactness on random universes with a matcher of its own (path.Match
// over lower-case names: '*' never meets a '/' in an action name).
func TestActionsRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Get", "Put", "List", "Delete", "Create", "Bucket", "Object", "Acl", "Policy", "Tag", "Tagging", "s", "Describe", "Version"}
	for i := range 300 {
		n := 1 + rng.IntN(60)
		seen := map[string]bool{}
		var all []string
		for len(all) < n {
			var b strings.Builder
			for range 1 + rng.IntN(4) {
				b.WriteString(words[rng.IntN(len(words))])
			}
			if !seen[strings.ToLower(b.String())] {
				seen[strings.ToLower(b.String())] = true
				all = append(all, b.String())
			}
		}
		var in []string
		for _, a := range all {
			if rng.IntN(3) == 0 {
				in = append(in, "x:"+a)
			}
		}
		u := universe(map[string][]string{"x": all})
		got, err := minimize.Actions(in, u)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		assertExact(t, in, got, u)
		again, _ := minimize.Actions(in, u)
		if !slices.Equal(got, again) {
			t.Fatalf("case %d: not deterministic: %v vs %v", i, got, again)
		}
	}
}

func assertExact(t *testing.T, in, patterns []string, u minimize.Universe) {
	t.Helper()
	want := map[string]bool{}
	for _, a := range in {
		want[strings.ToLower(a)] = true
	}
	got := map[string]bool{}
	for _, p := range patterns {
		svc, pat, _ := strings.Cut(strings.ToLower(p), ":")
		all, _ := u(svc)
		matched := false
		for _, a := range all {
			if ok, _ := path.Match(pat, strings.ToLower(a)); ok {
				got[svc+":"+strings.ToLower(a)] = true
				matched = true
			}
		}
		if !matched {
			t.Errorf("pattern %s matches nothing", p)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expand(patterns) != input (-in +out):\n%s\npatterns: %s", diff, fmt.Sprint(patterns))
	}
}
