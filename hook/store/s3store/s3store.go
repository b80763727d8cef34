// Package s3store is a store.Store over S3: <prefix>/accounts/<accountId>/<Type>.json is looked up
// first, then <prefix>/<Type>.json. Each key is revalidated with a conditional GET (If-None-Match)
// once per TTL, so a warm Lambda costs at most one round trip per key per TTL. When S3 fails
// (network error, timeout, 5xx, throttling) the last known good copy is served; when S3 says the
// object is gone (404) or refuses (403), it never is. The cache is bounded in entries and bytes.
package s3store

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/singleflight"

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

	group singleflight.Group
	mu    sync.Mutex
	lru   *list.List // of *entry, most recent first
	byKey map[string]*list.Element
	bytes int
}

type entry struct {
	key     string
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
		lru: list.New(), byKey: map[string]*list.Element{},
	}
	for _, o := range opts {
		o(s)
	}
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

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// Keys returns the S3 keys tried for a type and account, override first.
func (s *Store) Keys(typeName, accountID string) ([]string, error) {
	file, err := store.FileName(typeName)
	if err != nil {
		return nil, err
	}
	var keys []string
	if accountID != "" {
		if !accountRE.MatchString(accountID) {
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

// lookup returns a copy of the cached entry, whether there is one, and whether it is within its TTL.
func (s *Store) lookup(key string) (e entry, cached, fresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.byKey[key]
	if !ok {
		return entry{}, false, false
	}
	s.lru.MoveToFront(el)
	e = *el.Value.(*entry)
	return e, true, s.ttl > 0 && s.now().Sub(e.checked) < s.ttl
}

func (s *Store) revalidate(ctx context.Context, key string) (entry, error) {
	old, cached, _ := s.lookup(key)
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
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
			e := entry{key: key, etag: strings.Trim(aws.ToString(out.ETag), `"`), body: body, checked: s.now()}
			s.put(e)
			return e, nil
		}
	}
	switch status := httpStatus(err); {
	case status == http.StatusNotModified && cached:
		old.checked = s.now()
		s.put(old)
		return old, nil
	case status == http.StatusNotFound || apiCode(err) == "NoSuchKey" || apiCode(err) == "NotFound":
		e := entry{key: key, missing: true, checked: s.now()}
		s.put(e)
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

// put stores e and evicts least recently used entries beyond the bounds.
func (s *Store) put(e entry) {
	if len(e.body) > s.maxBytes {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.byKey[e.key]; ok {
		s.bytes -= len(el.Value.(*entry).body)
		*el.Value.(*entry) = e
		s.lru.MoveToFront(el)
	} else {
		s.byKey[e.key] = s.lru.PushFront(&e)
	}
	s.bytes += len(e.body)
	for s.lru.Len() > s.maxEntries || s.bytes > s.maxBytes {
		el := s.lru.Back()
		old := el.Value.(*entry)
		s.lru.Remove(el)
		delete(s.byKey, old.key)
		s.bytes -= len(old.body)
	}
}

// Len reports the number of cached keys and their total body size.
func (s *Store) Len() (entries, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Len(), s.bytes
}
