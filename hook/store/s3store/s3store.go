// Package s3store is a store.Store and store.FileStore over S3: <prefix>/accounts/<accountId>/<file>
// is looked up first, then <prefix>/<file>, where <file> is <Type>.json for a template or a named
// file beside the templates (exceptions.json). Each key is revalidated with a conditional GET (If-None-Match)
// once per TTL, so a warm Lambda costs at most one round trip per key per TTL. When S3 fails
// (network error, timeout, 5xx, throttling) the last known good copy is served; when S3 says the
// object is gone (404) or refuses (403), it never is. The cache (hook/cache) is bounded in entries
// and bytes. WithExpectedBucketOwner pins every read to the bucket owner's account: a bucket of
// the same name in another account (bucket sniping) is refused with 403, never read.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/singleflight"

	"github.com/rcfge/rcfge/hook/cache"
	"github.com/rcfge/rcfge/hook/ident"
	"github.com/rcfge/rcfge/hook/store"
)

// Defaults, chosen for a Lambda that must answer well inside 30 s.
const (
	DefaultTTL          = 60 * time.Second
	DefaultFetchTimeout = 3 * time.Second
	DefaultMaxEntries   = 1024
	DefaultMaxBytes     = 64 << 20
	// MaxTemplateBytes bounds one template; the largest AWS provider schema is about 340 KB.
	MaxTemplateBytes = 4 << 20
)

// ErrAccessDenied means S3 refused the request (403): the execution role cannot read the bucket.
var ErrAccessDenied = errors.New("access denied")

// ErrUnavailable means S3 could not be reached or failed, and no last known good copy exists.
var ErrUnavailable = errors.New("S3 unavailable")

// ErrTooLarge means a template object exceeds MaxTemplateBytes.
var ErrTooLarge = errors.New("template object too large")

// ErrInvalidAccount means the account ID is not 12 digits and cannot select an override.
var ErrInvalidAccount = errors.New("invalid account ID")

// ErrInvalidFile means a name given to GetFile is not a plain file name.
var ErrInvalidFile = errors.New("invalid file name")

// API is the part of the S3 client the store uses.
type API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store reads templates from one bucket and prefix. It is safe for concurrent use.
type Store struct {
	api          API
	bucket       string
	prefix       string
	ttl          time.Duration
	fetchTimeout time.Duration
	maxEntries   int
	maxBytes     int
	now          func() time.Time
	onStale      func(key string, err error)
	// owner is the account ID every GET expects to own the bucket; "" checks nothing.
	owner string

	// group shares one GET among concurrent revalidations of a key; the cache's own
	// single-flight loads only on a miss, and a stale entry is a hit that still needs a GET.
	group   singleflight.Group
	entries *cache.LRU[entry]
}

type entry struct {
	etag    string
	body    []byte
	missing bool      // S3 said 404: cached so an absent override costs one round trip per TTL
	checked time.Time // last time S3 confirmed this state
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix ("" for the bucket root); surrounding slashes are ignored.
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = strings.Trim(p, "/") } }

// WithTTL sets how long a fetched state is trusted before revalidation (0 revalidates every time).
func WithTTL(d time.Duration) Option { return func(s *Store) { s.ttl = d } }

// WithFetchTimeout bounds one GET, so a slow S3 leaves time to serve the last known good copy.
func WithFetchTimeout(d time.Duration) Option { return func(s *Store) { s.fetchTimeout = d } }

// WithMaxEntries bounds the number of cached keys.
func WithMaxEntries(n int) Option { return func(s *Store) { s.maxEntries = n } }

// WithMaxBytes bounds the total size of cached bodies.
func WithMaxBytes(n int) Option { return func(s *Store) { s.maxBytes = n } }

// WithClock replaces time.Now, for tests of the TTL.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithExpectedBucketOwner makes every GET carry ExpectedBucketOwner: S3 refuses (403) a read
// from a bucket that another account owns, so a bucket of the same name registered elsewhere is
// never read. accountID is the admin account that owns the templates bucket (12 digits).
func WithExpectedBucketOwner(accountID string) Option { return func(s *Store) { s.owner = accountID } }

// WithOnStale is called whenever a last known good copy is served because S3 failed, so the
// caller can log what would otherwise go unnoticed.
func WithOnStale(f func(key string, err error)) Option { return func(s *Store) { s.onStale = f } }

// New returns a Store over api for bucket.
func New(api API, bucket string, opts ...Option) (*Store, error) {
	if api == nil {
		return nil, errors.New("s3store: nil S3 client")
	}
	if bucket == "" {
		return nil, errors.New("s3store: bucket is empty")
	}
	s := &Store{
		api: api, bucket: bucket, ttl: DefaultTTL, fetchTimeout: DefaultFetchTimeout,
		maxEntries: DefaultMaxEntries, maxBytes: DefaultMaxBytes, now: time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	if s.owner != "" && !ident.AccountID(s.owner) {
		return nil, fmt.Errorf("s3store: expected bucket owner %q: %w", s.owner, ErrInvalidAccount)
	}
	s.entries = cache.NewSized(s.maxEntries, int64(s.maxBytes), func(e entry) int64 { return int64(len(e.body)) })
	return s, nil
}

// NewClient returns an S3 client for cfg; endpoint, when set, points it at an S3-compatible server
// with path-style addressing.
func NewClient(cfg aws.Config, endpoint string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
}

type credsKey struct{}

// WithCredentials returns a context whose S3 calls use p instead of the client's credentials: the
// hook passes the caller credentials of each request this way, while the cache stays shared.
func WithCredentials(ctx context.Context, p aws.CredentialsProvider) context.Context {
	return context.WithValue(ctx, credsKey{}, p)
}

// Keys returns the S3 keys tried for a type and account, override first.
func (s *Store) Keys(typeName, accountID string) ([]string, error) {
	file, err := store.FileName(typeName)
	if err != nil {
		return nil, err
	}
	return s.keys(file, accountID)
}

func (s *Store) keys(file, accountID string) ([]string, error) {
	var keys []string
	if accountID != "" {
		if !ident.AccountID(accountID) {
			return nil, fmt.Errorf("%w: %q", ErrInvalidAccount, accountID)
		}
		keys = append(keys, s.join("accounts", accountID, file))
	}
	return append(keys, s.join(file)), nil
}

func (s *Store) join(parts ...string) string {
	if s.prefix != "" {
		parts = append([]string{s.prefix}, parts...)
	}
	return strings.Join(parts, "/")
}

// Get returns the account's override if it exists, else the shared template. A type with neither
// is store.ErrNotFound.
func (s *Store) Get(ctx context.Context, typeName, accountID string) (store.Template, error) {
	keys, err := s.Keys(typeName, accountID)
	if err != nil {
		return store.Template{}, err
	}
	return s.first(ctx, keys)
}

var (
	fileFirst = ident.NewSet("A-Za-z0-9")
	fileRest  = ident.NewSet("A-Za-z0-9._-")
)

// validFile admits plain file names only, nothing that climbs out of the prefix or into
// accounts/: ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ (GetFile also refuses "..").
func validFile(name string) bool { return ident.Word(name, fileFirst, fileRest, 1, 128) }

// GetFile returns a named file beside the templates (exceptions.json), with the same rules as
// Get: the account's override (<prefix>/accounts/<accountId>/<name>) if it exists, else the
// shared file; cached, revalidated once per TTL, and the last known good copy served only when S3
// fails. A file in neither place is store.ErrNotFound.
func (s *Store) GetFile(ctx context.Context, name, accountID string) (store.Template, error) {
	if !validFile(name) || strings.Contains(name, "..") {
		return store.Template{}, fmt.Errorf("s3store: %w: %q", ErrInvalidFile, name)
	}
	keys, err := s.keys(name, accountID)
	if err != nil {
		return store.Template{}, err
	}
	return s.first(ctx, keys)
}

// first returns the first of keys that exists.
func (s *Store) first(ctx context.Context, keys []string) (store.Template, error) {
	for _, key := range keys {
		t, err := s.fetch(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		return t, err
	}
	return store.Template{}, fmt.Errorf("%w (looked for s3://%s/%s)", store.ErrNotFound, s.bucket, strings.Join(keys, ", s3://"+s.bucket+"/"))
}

func (s *Store) fetch(ctx context.Context, key string) (store.Template, error) {
	if e, _, fresh := s.lookup(key); fresh {
		return s.result(key, e)
	}
	// Concurrent misses for one key share one GET. The GET runs under the first caller's
	// credentials; all callers are the same execution role.
	v, err, _ := s.group.Do(key, func() (any, error) { return s.revalidate(ctx, key) })
	if err != nil {
		return store.Template{}, err
	}
	return s.result(key, v.(entry))
}

func (s *Store) result(key string, e entry) (store.Template, error) {
	if e.missing {
		return store.Template{}, fmt.Errorf("s3://%s/%s: %w", s.bucket, key, store.ErrNotFound)
	}
	return store.Template{Key: "s3://" + s.bucket + "/" + key, Version: e.etag, Body: e.body}, nil
}

// lookup returns the cached entry, whether there is one, and whether it is within its TTL.
func (s *Store) lookup(key string) (e entry, cached, fresh bool) {
	e, ok := s.entries.Get(key)
	if !ok {
		return entry{}, false, false
	}
	return e, true, s.ttl > 0 && s.now().Sub(e.checked) < s.ttl
}

func (s *Store) revalidate(ctx context.Context, key string) (entry, error) {
	old, cached, _ := s.lookup(key)
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
	if s.owner != "" {
		in.ExpectedBucketOwner = aws.String(s.owner)
	}
	if cached && !old.missing && old.etag != "" {
		in.IfNoneMatch = aws.String(`"` + old.etag + `"`)
	}
	var opts []func(*s3.Options)
	if p, ok := ctx.Value(credsKey{}).(aws.CredentialsProvider); ok && p != nil {
		opts = append(opts, func(o *s3.Options) { o.Credentials = p })
	}
	fctx, cancel := context.WithTimeout(ctx, s.fetchTimeout)
	defer cancel()
	out, err := s.api.GetObject(fctx, in, opts...)
	if err == nil {
		defer out.Body.Close()
		body, rerr := io.ReadAll(io.LimitReader(out.Body, MaxTemplateBytes+1))
		switch {
		case rerr != nil:
			err = fmt.Errorf("read body: %w", rerr)
		case len(body) > MaxTemplateBytes:
			return entry{}, fmt.Errorf("s3://%s/%s: %w (over %d bytes)", s.bucket, key, ErrTooLarge, MaxTemplateBytes)
		default:
			e := entry{etag: strings.Trim(aws.ToString(out.ETag), `"`), body: body, checked: s.now()}
			s.entries.Add(key, e)
			return e, nil
		}
	}
	switch status := httpStatus(err); {
	case status == http.StatusNotModified && cached:
		old.checked = s.now()
		s.entries.Add(key, old)
		return old, nil
	case status == http.StatusNotFound || apiCode(err) == "NoSuchKey" || apiCode(err) == "NotFound":
		e := entry{missing: true, checked: s.now()}
		s.entries.Add(key, e)
		return e, nil
	case status == http.StatusForbidden || status == http.StatusBadRequest || status == http.StatusMovedPermanently:
		// Authoritative refusals: serving a cached copy would hide a revoked grant or a wrong bucket.
		return entry{}, fmt.Errorf("s3://%s/%s: %w: %w", s.bucket, key, ErrAccessDenied, err)
	}
	if ctx.Err() != nil {
		// The caller's own deadline passed; its budget is gone either way.
		return entry{}, fmt.Errorf("s3://%s/%s: %w", s.bucket, key, err)
	}
	if cached {
		// Last known good: a body, or the knowledge that an override did not exist.
		if s.onStale != nil {
			s.onStale("s3://"+s.bucket+"/"+key, err)
		}
		return old, nil
	}
	return entry{}, fmt.Errorf("s3://%s/%s: %w: %w", s.bucket, key, ErrUnavailable, err)
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Len reports the number of cached keys and their total body size.
func (s *Store) Len() (entries, bytes int) {
	return s.entries.Len(), int(s.entries.Bytes())
}
