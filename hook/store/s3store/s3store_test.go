package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/s3store"
	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
)

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(s3test.Run(m, &srv)) }

func server(t *testing.T) *s3test.Server {
	t.Helper()
	if srv == nil {
		t.Skip(s3test.SkipReason)
	}
	t.Cleanup(func() { srv.SetMode(s3test.Up) })
	return srv
}

// clock is a settable time source for TTL tests.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(1_800_000_000, 0).Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

// recorder counts GETs, remembers the HTTP status of the last one and counts GETs that carried
// no ExpectedBucketOwner.
type recorder struct {
	api     s3store.API
	calls   atomic.Int32
	last    atomic.Int32
	noOwner atomic.Int32
}

func (r *recorder) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	r.calls.Add(1)
	if aws.ToString(in.ExpectedBucketOwner) == "" {
		r.noOwner.Add(1)
	}
	out, err := r.api.GetObject(ctx, in, opts...)
	status := 200
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	} else if err != nil {
		status = 0
	}
	r.last.Store(int32(status))
	return out, err
}

var bucketSeq atomic.Int32

// fixture creates a fresh bucket with the given objects and returns a store over it.
func fixture(t *testing.T, s *s3test.Server, objects map[string]string, opts ...s3store.Option) (*s3store.Store, *recorder, *clock, string) {
	t.Helper()
	ctx := t.Context()
	bucket := fmt.Sprintf("rcfge-templates-%d", bucketSeq.Add(1))
	if err := s.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	for k, v := range objects {
		if _, err := s.Put(ctx, bucket, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{api: s.Client(s3test.RootAccess, s3test.RootSecret)}
	c := &clock{}
	st, err := s3store.New(rec, bucket, append([]s3store.Option{s3store.WithPrefix("/templates/"), s3store.WithClock(c.now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return st, rec, c, bucket
}

const (
	base     = "templates/AWS-S3-Bucket.json"
	override = "templates/accounts/111122223333/AWS-S3-Bucket.json"
)

func TestFetchAndOverride(t *testing.T) {
	s := server(t)
	st, rec, _, bucket := fixture(t, s, map[string]string{base: `{"base":true}`, override: `{"override":true}`})
	tests := []struct {
		name, account, wantBody, wantKey string
	}{
		{"override for its account", "111122223333", `{"override":true}`, override},
		{"shared for another account", "444455556666", `{"base":true}`, base},
		{"shared without account", "", `{"base":true}`, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Get(t.Context(), "AWS::S3::Bucket", tt.account)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Body) != tt.wantBody || got.Key != "s3://"+bucket+"/"+tt.wantKey || got.Version == "" {
				t.Errorf("got %s %q %q", got.Body, got.Key, got.Version)
			}
		})
	}
	// Within the TTL nothing goes to S3 again, including the absent override of 444455556666.
	before := rec.calls.Load()
	for _, acct := range []string{"111122223333", "444455556666", ""} {
		if _, err := st.Get(t.Context(), "AWS::S3::Bucket", acct); err != nil {
			t.Fatal(err)
		}
	}
	if n := rec.calls.Load() - before; n != 0 {
		t.Errorf("%d GETs within the TTL, want 0", n)
	}
	_, err := st.Get(t.Context(), "AWS::SNS::Topic", "111122223333")
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "accounts/111122223333/AWS-SNS-Topic.json") {
		t.Errorf("missing type: err = %v, want ErrNotFound naming the keys", err)
	}
}

func TestRevalidate(t *testing.T) {
	s := server(t)
	st, rec, c, bucket := fixture(t, s, map[string]string{base: `{"v":1}`})
	ctx := t.Context()
	first, err := st.Get(ctx, "AWS::S3::Bucket", "")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("unchanged answers 304", func(t *testing.T) {
		c.advance(2 * s3store.DefaultTTL)
		got, err := st.Get(ctx, "AWS::S3::Bucket", "")
		if err != nil {
			t.Fatal(err)
		}
		if rec.last.Load() != http.StatusNotModified {
			t.Errorf("last status = %d, want 304", rec.last.Load())
		}
		if string(got.Body) != `{"v":1}` || got.Version != first.Version {
			t.Errorf("got %s %s", got.Body, got.Version)
		}
	})

	t.Run("replaced in place", func(t *testing.T) {
		etag, err := s.Put(ctx, bucket, base, []byte(`{"v":2}`))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Get(ctx, "AWS::S3::Bucket", ""); string(got.Body) != `{"v":1}` {
			t.Errorf("within the TTL got %s, want the cached copy", got.Body)
		}
		c.advance(2 * s3store.DefaultTTL)
		got, err := st.Get(ctx, "AWS::S3::Bucket", "")
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Body) != `{"v":2}` || got.Version != etag {
			t.Errorf("after the TTL got %s %s, want v2 %s", got.Body, got.Version, etag)
		}
	})

	t.Run("deleted is gone, not last known good", func(t *testing.T) {
		if err := s.Delete(ctx, bucket, base); err != nil {
			t.Fatal(err)
		}
		c.advance(2 * s3store.DefaultTTL)
		_, err := st.Get(ctx, "AWS::S3::Bucket", "")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestAccessDenied(t *testing.T) {
	s := server(t)
	st, _, c, _ := fixture(t, s, map[string]string{base: `{}`})
	stranger := s3store.WithCredentials(t.Context(), credentials.NewStaticCredentialsProvider(s3test.StrangerAccess, s3test.StrangerSecret, ""))
	tests := []struct {
		name  string
		ctx   context.Context
		cache bool
	}{
		// versitygw answers a conditional GET before checking the signature, so this one runs cold.
		{"bad signature", s3store.WithCredentials(t.Context(), credentials.NewStaticCredentialsProvider(s3test.RootAccess, "wrong", "")), false},
		{"cold", stranger, false},
		{"never served from cache", stranger, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cache {
				if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
					t.Fatal(err)
				}
				c.advance(2 * s3store.DefaultTTL)
			}
			_, err := st.Get(tt.ctx, "AWS::S3::Bucket", "")
			if !errors.Is(err, s3store.ErrAccessDenied) {
				t.Errorf("err = %v, want ErrAccessDenied", err)
			}
		})
	}
}

func TestS3Down(t *testing.T) {
	s := server(t)
	var stale []string
	var mu sync.Mutex
	st, _, c, bucket := fixture(t, s, map[string]string{base: `{"lkg":true}`},
		s3store.WithOnStale(func(key string, err error) { mu.Lock(); stale = append(stale, key); mu.Unlock() }))
	ctx := t.Context()
	if _, err := st.Get(ctx, "AWS::S3::Bucket", "111122223333"); err != nil {
		t.Fatal(err)
	}
	s.SetMode(s3test.Down)
	c.advance(2 * s3store.DefaultTTL)

	got, err := st.Get(ctx, "AWS::S3::Bucket", "111122223333")
	if err != nil || string(got.Body) != `{"lkg":true}` {
		t.Fatalf("down with a cached copy: got %s, %v; want last known good", got.Body, err)
	}
	if len(stale) != 2 || !strings.HasSuffix(stale[1], bucket+"/"+base) {
		t.Errorf("onStale calls = %v, want the override's absence and the shared template", stale)
	}
	_, err = st.Get(ctx, "AWS::SNS::Topic", "")
	if !errors.Is(err, s3store.ErrUnavailable) {
		t.Errorf("down without a cached copy: err = %v, want ErrUnavailable", err)
	}
}

func TestSlowS3(t *testing.T) {
	s := server(t)
	st, _, c, _ := fixture(t, s, map[string]string{base: `{"lkg":true}`}, s3store.WithFetchTimeout(300*time.Millisecond))
	ctx := t.Context()
	if _, err := st.Get(ctx, "AWS::S3::Bucket", ""); err != nil {
		t.Fatal(err)
	}
	s.SetMode(s3test.Slow)
	c.advance(2 * s3store.DefaultTTL)

	t.Run("cached: last known good after the fetch timeout", func(t *testing.T) {
		got, err := st.Get(ctx, "AWS::S3::Bucket", "")
		if err != nil || string(got.Body) != `{"lkg":true}` {
			t.Errorf("got %s, %v", got.Body, err)
		}
	})
	t.Run("uncached: deadline", func(t *testing.T) {
		_, err := st.Get(ctx, "AWS::SNS::Topic", "")
		if !errors.Is(err, s3store.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want ErrUnavailable and DeadlineExceeded", err)
		}
	})
	t.Run("caller deadline passed", func(t *testing.T) {
		c.advance(2 * s3store.DefaultTTL)
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := st.Get(short, "AWS::S3::Bucket", "")
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, s3store.ErrUnavailable) {
			t.Errorf("err = %v, want the caller's DeadlineExceeded", err)
		}
	})
}

// fakeAPI answers GETs from a map; unit tests of the cache and error mapping use it.
type fakeAPI struct {
	mu      sync.Mutex
	objects map[string]string
	err     error
	calls   int
}

func (f *fakeAPI) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	body, ok := f.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, respErr(404)
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(body)), ETag: aws.String(`"e` + fmt.Sprint(len(body)) + `"`)}, nil
}

func respErr(status int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      errors.New(http.StatusText(status)),
	}}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	if _, err := s3store.New(nil, "b"); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := s3store.New(&fakeAPI{}, ""); err == nil {
		t.Error("empty bucket accepted")
	}
	if _, err := s3store.New(&fakeAPI{}, "b", s3store.WithExpectedBucketOwner("rcfgeroot")); !errors.Is(err, s3store.ErrInvalidAccount) {
		t.Errorf("expected bucket owner not an account ID: err = %v, want ErrInvalidAccount", err)
	}
}

func TestGetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		typeName string
		account  string
		objects  map[string]string
		apiErr   error
		wantErr  error
	}{
		{"invalid type", "../../etc", "", nil, nil, store.ErrInvalidType},
		{"invalid account", "AWS::S3::Bucket", "../1", nil, nil, s3store.ErrInvalidAccount},
		{"too large", "AWS::S3::Bucket", "", map[string]string{"AWS-S3-Bucket.json": strings.Repeat("x", s3store.MaxTemplateBytes+1)}, nil, s3store.ErrTooLarge},
		{"server error", "AWS::S3::Bucket", "", nil, respErr(500), s3store.ErrUnavailable},
		{"throttled", "AWS::S3::Bucket", "", nil, respErr(503), s3store.ErrUnavailable},
		{"forbidden", "AWS::S3::Bucket", "", nil, respErr(403), s3store.ErrAccessDenied},
		{"wrong region", "AWS::S3::Bucket", "", nil, respErr(301), s3store.ErrAccessDenied},
		{"not found", "AWS::S3::Bucket", "", map[string]string{}, nil, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := s3store.New(&fakeAPI{objects: tt.objects, err: tt.apiErr}, "b")
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.Get(t.Context(), tt.typeName, tt.account)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestBounds(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{objects: map[string]string{
		"AWS-S3-Bucket.json": "aaaa", "AWS-SNS-Topic.json": "bbbb", "AWS-SQS-Queue.json": "cccc",
	}}
	tests := []struct {
		name        string
		opts        []s3store.Option
		wantEntries int
		wantBytes   int
	}{
		{"entries", []s3store.Option{s3store.WithMaxEntries(2)}, 2, 8},
		{"bytes", []s3store.Option{s3store.WithMaxBytes(9)}, 2, 8},
		{"body over the byte bound is not cached", []s3store.Option{s3store.WithMaxBytes(3)}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := s3store.New(api, "b", tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			for _, typ := range []string{"AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::SQS::Queue"} {
				got, err := st.Get(t.Context(), typ, "")
				if err != nil || len(got.Body) != 4 {
					t.Fatalf("%s: %q %v", typ, got.Body, err)
				}
			}
			if e, b := st.Len(); e != tt.wantEntries || b != tt.wantBytes {
				t.Errorf("Len() = %d, %d; want %d, %d", e, b, tt.wantEntries, tt.wantBytes)
			}
		})
	}
}

func TestConcurrentMissesShareOneGET(t *testing.T) {
	t.Parallel()
	api := &slowAPI{fakeAPI: fakeAPI{objects: map[string]string{"AWS-S3-Bucket.json": "{}"}}, delay: 50 * time.Millisecond}
	st, err := s3store.New(api, "b")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := st.Get(t.Context(), "AWS::S3::Bucket", ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if api.calls != 1 {
		t.Errorf("%d GETs for 8 concurrent misses, want 1", api.calls)
	}
}

type slowAPI struct {
	fakeAPI
	delay time.Duration
}

func (s *slowAPI) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	time.Sleep(s.delay)
	return s.fakeAPI.GetObject(ctx, in, opts...)
}

func TestNewClientEndpoint(t *testing.T) {
	t.Parallel()
	var got string
	ts := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		got = r.URL.String()
		return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader([]byte("{}"))), Header: http.Header{}}, nil
	})}
	c := s3store.NewClient(aws.Config{Region: "us-east-1", HTTPClient: ts, Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")}, "http://127.0.0.1:9")
	if _, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k.json")}); err != nil {
		t.Fatal(err)
	}
	if got != "http://127.0.0.1:9/bkt/k.json?x-id=GetObject" {
		t.Errorf("request URL = %s, want path-style on the endpoint", got)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestExpectedBucketOwner: every GET names the admin account as the bucket owner, and a bucket of
// the configured name that another account owns is refused, cold or with a cached copy. versitygw
// records an owner as a user's access key ID; the two users here have 12-digit account IDs as
// access keys (s3test.AdminAccount, s3test.OtherAccount).
func TestExpectedBucketOwner(t *testing.T) {
	s := server(t)
	ctx := t.Context()
	owned := func(owner string) (*s3store.Store, *recorder, *clock, string) {
		st, rec, c, bucket := fixture(t, s, map[string]string{base: `{"base":true}`, "templates/exceptions.json": `{}`},
			s3store.WithExpectedBucketOwner(s3test.AdminAccount))
		if err := s.ChangeOwner(ctx, bucket, owner); err != nil {
			t.Fatal(err)
		}
		return st, rec, c, bucket
	}

	t.Run("owned by the admin account", func(t *testing.T) {
		st, rec, _, _ := owned(s3test.AdminAccount)
		if _, err := st.Get(ctx, "AWS::S3::Bucket", "111122223333"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetFile(ctx, "exceptions.json", ""); err != nil {
			t.Fatal(err)
		}
		if n := rec.noOwner.Load(); n != 0 || rec.calls.Load() == 0 {
			t.Errorf("%d of %d GETs without ExpectedBucketOwner", n, rec.calls.Load())
		}
	})
	t.Run("owned by another account", func(t *testing.T) {
		st, _, _, bucket := owned(s3test.OtherAccount)
		// The same credentials read it without the pin: the refusal is the owner check's.
		unpinned, err := s3store.New(s.Client(s3test.RootAccess, s3test.RootSecret), bucket, s3store.WithPrefix("templates"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unpinned.Get(ctx, "AWS::S3::Bucket", ""); err != nil {
			t.Fatalf("unpinned read: %v", err)
		}
		if _, err := st.Get(ctx, "AWS::S3::Bucket", ""); !errors.Is(err, s3store.ErrAccessDenied) {
			t.Errorf("Get: err = %v, want ErrAccessDenied", err)
		}
		if _, err := st.GetFile(ctx, "exceptions.json", ""); !errors.Is(err, s3store.ErrAccessDenied) {
			t.Errorf("GetFile: err = %v, want ErrAccessDenied", err)
		}
	})
	t.Run("changes hands after a read: never served from cache", func(t *testing.T) {
		st, _, c, bucket := owned(s3test.AdminAccount)
		if _, err := st.Get(ctx, "AWS::S3::Bucket", ""); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeOwner(ctx, bucket, s3test.OtherAccount); err != nil {
			t.Fatal(err)
		}
		c.advance(2 * s3store.DefaultTTL)
		if _, err := st.Get(ctx, "AWS::S3::Bucket", ""); !errors.Is(err, s3store.ErrAccessDenied) {
			t.Errorf("err = %v, want ErrAccessDenied", err)
		}
	})
}

// TestGetFile: files beside the templates follow the templates' rules: the account's override
// first, then the shared file, cached for the TTL (absent overrides included).
func TestGetFile(t *testing.T) {
	s := server(t)
	const shared, own = "templates/exceptions.json", "templates/accounts/111122223333/exceptions.json"
	st, rec, c, bucket := fixture(t, s, map[string]string{shared: `{"shared":true}`, own: `{"own":true}`})
	tests := []struct {
		name, account, wantBody, wantKey string
	}{
		{"override for its account", "111122223333", `{"own":true}`, own},
		{"shared for another account", "444455556666", `{"shared":true}`, shared},
		{"shared without account", "", `{"shared":true}`, shared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.GetFile(t.Context(), "exceptions.json", tt.account)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Body) != tt.wantBody || got.Key != "s3://"+bucket+"/"+tt.wantKey || got.Version == "" {
				t.Errorf("got %s %q %q", got.Body, got.Key, got.Version)
			}
		})
	}
	before := rec.calls.Load()
	for _, acct := range []string{"111122223333", "444455556666", ""} {
		if _, err := st.GetFile(t.Context(), "exceptions.json", acct); err != nil {
			t.Fatal(err)
		}
	}
	if n := rec.calls.Load() - before; n != 0 {
		t.Errorf("%d GETs within the TTL, want 0", n)
	}
	// A changed shared file is seen after the TTL.
	if _, err := s.Put(t.Context(), bucket, shared, []byte(`{"shared":2}`)); err != nil {
		t.Fatal(err)
	}
	c.advance(2 * s3store.DefaultTTL)
	if got, err := st.GetFile(t.Context(), "exceptions.json", ""); err != nil || string(got.Body) != `{"shared":2}` {
		t.Errorf("after the TTL: %s %v", got.Body, err)
	}
	if _, err := st.GetFile(t.Context(), "absent.json", "111122223333"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("absent file: err = %v, want ErrNotFound", err)
	}
}

func TestGetFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, account string
		apiErr              error
		wantErr             error
	}{
		{"climbs out", "../AWS-S3-Bucket.json", "", nil, s3store.ErrInvalidFile},
		{"sub-folder", "accounts/111122223333/exceptions.json", "", nil, s3store.ErrInvalidFile},
		{"dot-dot inside", "a..json", "", nil, s3store.ErrInvalidFile},
		{"empty", "", "", nil, s3store.ErrInvalidFile},
		{"invalid account", "exceptions.json", "12", nil, s3store.ErrInvalidAccount},
		{"forbidden", "exceptions.json", "", respErr(403), s3store.ErrAccessDenied},
		{"server error", "exceptions.json", "", respErr(500), s3store.ErrUnavailable},
		{"not found", "exceptions.json", "", nil, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{objects: map[string]string{}, err: tt.apiErr}
			st, err := s3store.New(api, "b")
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.GetFile(t.Context(), tt.file, tt.account)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if errors.Is(tt.wantErr, s3store.ErrInvalidFile) && api.calls != 0 {
				t.Errorf("an invalid name reached S3 (%d GETs)", api.calls)
			}
		})
	}
}

// The store serves both interfaces.
var (
	_ store.Store     = (*s3store.Store)(nil)
	_ store.FileStore = (*s3store.Store)(nil)
)
