package s3store_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/s3store"
)

// get is one GET as the store sent it.
type get struct {
	key, ifNoneMatch, owner string
	opts                    int
}

// answer is what the scripted S3 says to one GET: a body with its ETag, or an error.
type answer struct {
	body, etag string
	err        error
}

// scriptedAPI records each GET and answers from a queue; when the queue is empty it repeats
// the last answer.
type scriptedAPI struct {
	mu      sync.Mutex
	gets    []get
	answers []answer
}

func (s *scriptedAPI) GetObject(_ context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets = append(s.gets, get{key: aws.ToString(in.Key), ifNoneMatch: aws.ToString(in.IfNoneMatch), owner: aws.ToString(in.ExpectedBucketOwner), opts: len(opts)})
	a := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	if a.err != nil {
		return nil, a.err
	}
	var etag *string
	if a.etag != "" {
		etag = aws.String(a.etag)
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(a.body)), ETag: etag}, nil
}

func (s *scriptedAPI) script(as ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = as
}

func (s *scriptedAPI) calls() []get {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]get(nil), s.gets...)
}

// TestTTLBoundary: a fetched state is trusted for exactly the TTL: one nanosecond before it no
// GET, at it a GET. A TTL of 0 revalidates every time; the default is 60 s.
func TestTTLBoundary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts []s3store.Option
		ttl  time.Duration
	}{
		{"configured", []s3store.Option{s3store.WithTTL(time.Minute + time.Second)}, time.Minute + time.Second},
		{"default", nil, 60 * time.Second},
	} {
		api := &scriptedAPI{answers: []answer{{body: "{}", etag: `"e1"`}}}
		c := &clock{}
		st, err := s3store.New(api, "b", append([]s3store.Option{s3store.WithClock(c.now)}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			advance time.Duration
			gets    int
		}{{0, 1}, {tt.ttl - time.Nanosecond, 1}, {time.Nanosecond, 2}, {tt.ttl - time.Nanosecond, 2}, {time.Nanosecond, 3}}
		for i, s := range steps {
			c.advance(s.advance)
			if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
				t.Fatal(err)
			}
			if n := len(api.calls()); n != s.gets {
				t.Errorf("%s TTL, step %d: %d GETs, want %d", tt.name, i, n, s.gets)
			}
		}
	}
	api := &scriptedAPI{answers: []answer{{body: "{}", etag: `"e1"`}}}
	st, err := s3store.New(api, "b", s3store.WithTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(api.calls()); n != 3 {
		t.Errorf("TTL 0: %d GETs for 3 calls, want 3", n)
	}
}

// TestConditionalGet: a cached body with an ETag is revalidated with If-None-Match and a 304
// keeps it; a cached absence or a body without an ETag is fetched whole; a 304 for something
// never cached is an S3 failure, not an answer.
func TestConditionalGet(t *testing.T) {
	t.Parallel()
	api := &scriptedAPI{}
	c := &clock{}
	st, err := s3store.New(api, "b", s3store.WithClock(c.now), s3store.WithTTL(time.Second), s3store.WithPrefix("p"))
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(step, wantBody string, wantErr error) {
		t.Helper()
		c.advance(time.Second)
		got, err := st.Get(t.Context(), "AWS::S3::Bucket", "")
		if !errors.Is(err, wantErr) || string(got.Body) != wantBody {
			t.Errorf("%s: %q, %v; want %q, %v", step, got.Body, err, wantBody, wantErr)
		}
	}
	api.script(answer{body: "v1", etag: `"e1"`})
	fetch("first", "v1", nil)
	api.script(answer{err: respErr(304)})
	fetch("not modified", "v1", nil)
	api.script(answer{err: respErr(404)})
	fetch("deleted", "", store.ErrNotFound)
	api.script(answer{body: "v2"})
	fetch("back, without an ETag", "v2", nil)
	api.script(answer{body: "v3", etag: `"e3"`})
	fetch("changed", "v3", nil)
	want := []string{"", `"e1"`, `"e1"`, "", "", `"e3"`}
	api.script(answer{err: respErr(304)})
	fetch("not modified again", "v3", nil)
	gets := api.calls()
	if len(gets) != len(want) {
		t.Fatalf("%d GETs, want %d", len(gets), len(want))
	}
	for i, g := range gets {
		if g.ifNoneMatch != want[i] || g.key != "p/AWS-S3-Bucket.json" || g.owner != "" || g.opts != 0 {
			t.Errorf("GET %d = %+v, want If-None-Match %q on p/AWS-S3-Bucket.json, no owner, no options", i, g, want[i])
		}
	}

	cold := &scriptedAPI{answers: []answer{{err: respErr(304)}}}
	st, err = s3store.New(cold, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); !errors.Is(err, s3store.ErrUnavailable) {
		t.Errorf("a 304 for an uncached key: %v, want ErrUnavailable", err)
	}
}

// TestErrorMapping: which S3 answers mean absent, refused or unavailable, and that only the
// last means "serve the last known good copy".
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		want    error
		stale   bool // the cached copy is served
		missing bool
	}{
		{"404", respErr(404), store.ErrNotFound, false, true},
		{"NoSuchKey", &smithy.GenericAPIError{Code: "NoSuchKey"}, store.ErrNotFound, false, true},
		{"NotFound", &smithy.GenericAPIError{Code: "NotFound"}, store.ErrNotFound, false, true},
		{"403", respErr(403), s3store.ErrAccessDenied, false, false},
		{"400", respErr(400), s3store.ErrAccessDenied, false, false},
		{"301", respErr(301), s3store.ErrAccessDenied, false, false},
		{"500", respErr(500), nil, true, false},
		{"other API error", &smithy.GenericAPIError{Code: "SlowDown"}, nil, true, false},
		{"network", errors.New("connection reset"), nil, true, false},
	}
	for _, tt := range tests {
		api := &scriptedAPI{answers: []answer{{body: "lkg", etag: `"e"`}}}
		c := &clock{}
		var staleKeys []string
		st, err := s3store.New(api, "b", s3store.WithClock(c.now), s3store.WithOnStale(func(key string, err error) { staleKeys = append(staleKeys, key+": "+err.Error()) }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
			t.Fatal(err)
		}
		api.script(answer{err: tt.err})
		c.advance(time.Hour)
		got, err := st.Get(t.Context(), "AWS::S3::Bucket", "")
		switch {
		case tt.stale:
			if err != nil || string(got.Body) != "lkg" || len(staleKeys) != 1 || !strings.HasPrefix(staleKeys[0], "s3://b/AWS-S3-Bucket.json: ") {
				t.Errorf("%s: %q %v, stale calls %q; want the last known good copy, reported once", tt.name, got.Body, err, staleKeys)
			}
		case !errors.Is(err, tt.want) || len(got.Body) != 0 || len(staleKeys) != 0:
			t.Errorf("%s: %q %v, stale calls %q; want %v and nothing served", tt.name, got.Body, err, staleKeys, tt.want)
		}
		// Uncached, the same answer is an error: absent, refused or unavailable.
		want := tt.want
		if tt.stale {
			want = s3store.ErrUnavailable
		}
		fresh, err := s3store.New(&scriptedAPI{answers: []answer{{err: tt.err}}}, "b")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.Get(t.Context(), "AWS::S3::Bucket", ""); !errors.Is(err, want) {
			t.Errorf("%s uncached: %v, want %v", tt.name, err, want)
		}
	}
}

// TestStaleWithoutCallback: serving the last known good copy needs no callback; a cached absence
// stays an absence while S3 fails; a caller whose own deadline passed gets an error, not the copy.
func TestStaleWithoutCallback(t *testing.T) {
	t.Parallel()
	api := &scriptedAPI{answers: []answer{{body: "lkg", etag: `"e"`}}}
	c := &clock{}
	st, err := s3store.New(api, "b", s3store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
		t.Fatal(err)
	}
	api.script(answer{err: respErr(503)})
	c.advance(time.Hour)
	if got, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil || string(got.Body) != "lkg" {
		t.Errorf("S3 down, no callback: %q %v", got.Body, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c.advance(time.Hour)
	if got, err := st.Get(ctx, "AWS::S3::Bucket", ""); err == nil || errors.Is(err, s3store.ErrUnavailable) || len(got.Body) != 0 {
		t.Errorf("caller cancelled: %q %v, want the caller's error", got.Body, err)
	}

	api.script(answer{err: respErr(404)})
	if _, err := st.Get(t.Context(), "AWS::SNS::Topic", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	api.script(answer{err: respErr(500)})
	c.advance(time.Hour)
	if _, err := st.Get(t.Context(), "AWS::SNS::Topic", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cached absence while S3 fails: %v, want ErrNotFound", err)
	}
}

// TestTemplateSizeLimit: a template of exactly MaxTemplateBytes is read, one byte more is refused.
func TestTemplateSizeLimit(t *testing.T) {
	t.Parallel()
	for _, n := range []int{s3store.MaxTemplateBytes, s3store.MaxTemplateBytes + 1} {
		st, err := s3store.New(&scriptedAPI{answers: []answer{{body: strings.Repeat("x", n), etag: `"e"`}}}, "b")
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(t.Context(), "AWS::S3::Bucket", "")
		if n == s3store.MaxTemplateBytes && (err != nil || len(got.Body) != n) {
			t.Errorf("%d bytes: %d read, %v", n, len(got.Body), err)
		}
		if n > s3store.MaxTemplateBytes && !errors.Is(err, s3store.ErrTooLarge) {
			t.Errorf("%d bytes: %v, want ErrTooLarge", n, err)
		}
	}
}

// TestRequestOptions: the caller's credentials ride on the GET only when given, and the bucket
// owner only when pinned.
func TestRequestOptions(t *testing.T) {
	t.Parallel()
	api := &scriptedAPI{answers: []answer{{body: "{}", etag: `"e"`}}}
	st, err := s3store.New(api, "b", s3store.WithExpectedBucketOwner("111122223333"), s3store.WithTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	ctxs := []context.Context{
		t.Context(),
		s3store.WithCredentials(t.Context(), credentials.NewStaticCredentialsProvider("AK", "SK", "")),
		s3store.WithCredentials(t.Context(), nil),
	}
	for _, ctx := range ctxs {
		if _, err := st.Get(ctx, "AWS::S3::Bucket", ""); err != nil {
			t.Fatal(err)
		}
	}
	gets := api.calls()
	for i, wantOpts := range []int{0, 1, 0} {
		if gets[i].opts != wantOpts || gets[i].owner != "111122223333" {
			t.Errorf("GET %d: %d options, owner %q; want %d and the pinned owner", i, gets[i].opts, gets[i].owner, wantOpts)
		}
	}
}

// TestKeys: the keys tried, override first, under the prefix or at the bucket root.
func TestKeys(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		prefix, account string
		want            []string
	}{
		{"", "", []string{"AWS-S3-Bucket.json"}},
		{"/t/", "", []string{"t/AWS-S3-Bucket.json"}},
		{"t", "111122223333", []string{"t/accounts/111122223333/AWS-S3-Bucket.json", "t/AWS-S3-Bucket.json"}},
		{"", "111122223333", []string{"accounts/111122223333/AWS-S3-Bucket.json", "AWS-S3-Bucket.json"}},
	} {
		st, err := s3store.New(&scriptedAPI{}, "b", s3store.WithPrefix(tt.prefix))
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Keys("AWS::S3::Bucket", tt.account)
		if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("prefix %q, account %q: %v %v, want %v", tt.prefix, tt.account, got, err, tt.want)
		}
	}
	st, _ := s3store.New(&scriptedAPI{answers: []answer{{err: respErr(404)}}}, "b", s3store.WithPrefix("t"))
	_, err := st.Get(t.Context(), "AWS::S3::Bucket", "111122223333")
	if !errors.Is(err, store.ErrNotFound) || err.Error() != "template not found (looked for s3://b/t/accounts/111122223333/AWS-S3-Bucket.json, s3://b/t/AWS-S3-Bucket.json)" {
		t.Errorf("missing everywhere: %v", err)
	}
}
