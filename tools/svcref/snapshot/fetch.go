package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/sync/errgroup"

	"github.com/rcfge/rcfge/tools/svcref"
)

// Size caps on responses: ec2.json, the largest service file, is about 1 MB.
const (
	maxIndexBytes   = 16 << 20
	maxServiceBytes = 64 << 20
)

// ErrHTTP is wrapped by errors about an HTTP status that is not 200 OK.
var ErrHTTP = errors.New("unexpected HTTP status")

// Options tunes Fetch; the zero value fetches from DefaultEndpoint with sensible limits.
type Options struct {
	// Endpoint is the URL of the index; service URLs in the index are resolved against it.
	Endpoint string
	// Client defaults to an http.Client with a 60 s timeout per request.
	Client *http.Client
	// Concurrency bounds parallel downloads (default 8).
	Concurrency int
	// Attempts per file, the first included (default 5).
	Attempts int
	// Backoff is the first retry delay, doubled on each retry up to MaxBackoff (defaults 500 ms, 30 s).
	Backoff, MaxBackoff time.Duration
	// Now dates the snapshot (default time.Now); the folder is named by its UTC date.
	Now func() time.Time
	// Progress, if set, is called once with (0, total) and after each service file; calls are
	// serialized.
	Progress func(done, total int)
}

func (o Options) withDefaults() Options {
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Result is a snapshot that Fetch wrote.
type Result struct {
	Dir      string   `json:"dir"`
	Manifest Manifest `json:"manifest"`
}

// Fetch downloads the index and every service file into outDir/<UTC date>, replacing a snapshot
// of the same date only once the new one is complete. Every service file is decoded and checked
// before the snapshot is promoted.
func Fetch(ctx context.Context, outDir string, opts Options) (*Result, error) {
	o := opts.withDefaults()
	base, err := url.Parse(o.Endpoint)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("endpoint %q: want an http or https URL", o.Endpoint)
	}
	now := o.Now().UTC()
	date := now.Format(DateLayout)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshot folder: %w", err)
	}

	indexData, err := get(ctx, o, base.String(), maxIndexBytes)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	entries, err := svcref.ParseIndex(indexData)
	if err != nil {
		return nil, fmt.Errorf("index from %s: %w", base, err)
	}
	urls := make([]string, len(entries))
	for i, e := range entries {
		u, err := url.Parse(e.URL)
		if err != nil {
			return nil, fmt.Errorf("index: service %s: url %q: %w", e.Service, e.URL, err)
		}
		u = base.ResolveReference(u)
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("index: service %s: url %q: want http or https", e.Service, e.URL)
		}
		urls[i] = u.String()
	}

	tmp, err := os.MkdirTemp(outDir, ".partial-"+date+"-")
	if err != nil {
		return nil, fmt.Errorf("snapshot folder: %w", err)
	}
	promoted := false
	defer func() {
		if !promoted {
			_ = os.RemoveAll(tmp) // the failure being returned matters more than a leftover
		}
	}()

	m := Manifest{Date: date, FetchedAt: now, Endpoint: base.String(), ServiceCount: len(entries),
		Files: make(map[string]string, len(entries)+1)}
	var mu sync.Mutex
	done := 0
	if o.Progress != nil {
		o.Progress(0, len(entries))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Concurrency)
	for i, e := range entries {
		g.Go(func() error {
			data, err := get(gctx, o, urls[i], maxServiceBytes)
			if err != nil {
				return fmt.Errorf("service %s: %w", e.Service, err)
			}
			if _, err := svcref.ParseService(e.Service, data); err != nil {
				return fmt.Errorf("from %s: %w", urls[i], err)
			}
			name := e.Service + ".json"
			if err := writeFile(filepath.Join(tmp, name), data); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			m.Files[name] = digest(data)
			done++
			if o.Progress != nil {
				o.Progress(done, len(entries))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("fetch service reference: %w", err)
	}
	if err := writeFile(filepath.Join(tmp, svcref.IndexFile), indexData); err != nil {
		return nil, err
	}
	m.Files[svcref.IndexFile] = digest(indexData)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := writeFile(filepath.Join(tmp, ManifestFile), append(manifest, '\n')); err != nil {
		return nil, err
	}

	final := filepath.Join(outDir, date)
	if err := promote(tmp, final); err != nil {
		return nil, err
	}
	promoted = true
	return &Result{Dir: final, Manifest: m}, nil
}

// promote renames the finished folder into place. A folder cannot be renamed over a non-empty
// one, so an existing snapshot of the same date is first moved aside, and moved back if the
// second rename fails.
func promote(tmp, final string) error {
	_, err := os.Stat(final)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("promote snapshot: %w", err)
		}
		return syncDir(filepath.Dir(final))
	case err != nil:
		return fmt.Errorf("promote snapshot: %w", err)
	}
	aside := tmp + ".replaced"
	if err := os.Rename(final, aside); err != nil {
		return fmt.Errorf("promote snapshot: move the old one aside: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if restoreErr := os.Rename(aside, final); restoreErr != nil {
			return fmt.Errorf("promote snapshot: %w; restoring the old one also failed, it is in %s: %w", err, aside, restoreErr)
		}
		return fmt.Errorf("promote snapshot: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return err
	}
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("remove the replaced snapshot %s: %w", aside, err)
	}
	return nil
}

// writeFile writes and syncs a file, so that a promoted snapshot survives a crash.
func writeFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// get fetches one URL, retrying network errors, truncated bodies, 429 and 5xx with exponential
// backoff and jitter (or the server's Retry-After, capped at MaxBackoff); other statuses fail at
// once.
func get(ctx context.Context, o Options, u string, limit int64) ([]byte, error) {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = o.Backoff
	b.MaxInterval = o.MaxBackoff
	b.Multiplier = 2
	b.RandomizationFactor = 0.5
	attempts := 0
	var lastErr error
	data, err := backoff.Retry(ctx, func() ([]byte, error) {
		attempts++
		data, retry, err := getOnce(ctx, o.Client, u, limit)
		lastErr = err
		switch {
		case err == nil:
			return data, nil
		case ctx.Err() != nil || !retry:
			return nil, backoff.Permanent(err)
		}
		var se *statusError
		if errors.As(err, &se) && se.retryAfter > 0 {
			return nil, &retryAfter{statusError: se, wait: &backoff.RetryAfterError{Duration: min(se.retryAfter, o.MaxBackoff)}}
		}
		return nil, err
	}, backoff.WithBackOff(b), backoff.WithMaxTries(uint(o.Attempts)), backoff.WithMaxElapsedTime(0))
	switch {
	case err == nil:
		return data, nil
	case ctx.Err() != nil:
		// Cancelled while waiting, backoff returns the context's error alone.
		return nil, fmt.Errorf("%w (last error: %w)", ctx.Err(), lastErr)
	case attempts == o.Attempts:
		return nil, fmt.Errorf("after %d attempts: %w", o.Attempts, err)
	default:
		return nil, err
	}
}

// retryAfter is a status error whose server asked for a delay: backoff waits that long.
type retryAfter struct {
	*statusError
	wait *backoff.RetryAfterError
}

func (e *retryAfter) Unwrap() []error { return []error{e.statusError, e.wait} }

// statusError is an HTTP status, with the server's Retry-After when it gave one.
type statusError struct {
	url        string
	code       int
	retryAfter time.Duration
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.url, e.code, http.StatusText(e.code))
}

func (e *statusError) Unwrap() error { return ErrHTTP }

func getOnce(ctx context.Context, client *http.Client, u string, limit int64) (data []byte, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, true, err // *url.Error names the method and URL
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		se := &statusError{url: u, code: resp.StatusCode}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			se.retryAfter = time.Duration(s) * time.Second
		}
		return nil, resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500, se
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, true, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if int64(len(data)) > limit {
		return nil, false, fmt.Errorf("GET %s: response larger than %d bytes", u, limit)
	}
	return data, false, nil
}
