// Package handler adapts the hook protocols to the engine: Handle takes the request JSON of either
// protocol and always returns an answer. It never returns an error, recovers panics, keeps its own
// deadline well inside CloudFormation's 30 s and logs one JSON line per decision.
package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/partition"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/s3store"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// Defaults for the evaluation budget.
const (
	// DefaultTimeout leaves a third of CloudFormation's 30 s for the runtime and the network.
	DefaultTimeout = 20 * time.Second
	// deadlineMargin is kept free before the Lambda's own deadline to write the answer.
	deadlineMargin = 500 * time.Millisecond
	maxEngines     = 16
)

// Handler answers hook requests. It is safe for concurrent use; engines (and their template and
// schema caches) are kept per template location across requests.
type Handler struct {
	env       Env
	fixed     store.Store
	logger    *slog.Logger
	awsConfig func(context.Context) (aws.Config, error)
	http      *http.Client
	now       func() time.Time
	startErr  error

	noCallerCreds bool
	limits        wire.Limits
	payloadHosts  []string

	mu      sync.Mutex
	fixedE  *engine.Engine
	engines map[string]*engine.Engine
	awsOnce sync.Once
	awsCfg  aws.Config
	awsErr  error

	// lastCreds is the provider for the last caller credentials: a warm Lambda is sent the same
	// session request after request.
	lastCreds atomic.Pointer[credsProvider]
}

type credsProvider struct {
	creds wire.Credentials
	p     aws.CredentialsProvider
}

// provider returns a static provider of creds, the last one built when creds did not change.
func (h *Handler) provider(creds wire.Credentials) aws.CredentialsProvider {
	if last := h.lastCreds.Load(); last != nil && last.creds == creds {
		return last.p
	}
	p := credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	h.lastCreds.Store(&credsProvider{creds: creds, p: p})
	return p
}

// Option configures a Handler.
type Option func(*Handler)

// WithEnv sets the process configuration (defaults, TTL, timeout), usually from FromEnv.
func WithEnv(e Env) Option { return func(h *Handler) { h.env = e } }

// WithStore makes every request read templates from st, whatever the request's configuration
// names: replays use it to try a template folder or a staging location.
func WithStore(st store.Store) Option { return func(h *Handler) { h.fixed = st } }

// WithLogger sets the logger for decision lines (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.logger = l } }

// WithAWSConfig replaces the Lambda's AWS configuration (region and credentials from the
// environment); the CLI passes the full default chain (profiles, SSO) here.
func WithAWSConfig(f func(context.Context) (aws.Config, error)) Option {
	return func(h *Handler) { h.awsConfig = f }
}

// WithStartupError makes every answer FAILED InvalidTypeConfiguration with err: a Lambda whose
// environment is wrong must still answer each request, and say why.
func WithStartupError(err error) Option { return func(h *Handler) { h.startErr = err } }

// WithoutCallerCredentials ignores the credentials in requests and uses the AWS configuration
// instead: recorded requests carry sessions that have long expired.
func WithoutCallerCredentials() Option { return func(h *Handler) { h.noCallerCreds = true } }

// WithHTTPClient sets the client that downloads STACK and CHANGE_SET payloads.
func WithHTTPClient(c *http.Client) Option { return func(h *Handler) { h.http = c } }

// WithPayloadHosts allows payload URLs on these hosts (host or host:port) besides the S3
// endpoints of the request's partition; https is required either way.
func WithPayloadHosts(hosts ...string) Option {
	return func(h *Handler) {
		for _, x := range hosts {
			h.payloadHosts = append(h.payloadHosts, strings.ToLower(x))
		}
	}
}

// WithLimits replaces wire.DefaultLimits on request size, property count and nesting depth.
func WithLimits(l wire.Limits) Option { return func(h *Handler) { h.limits = l } }

// New returns a Handler.
func New(opts ...Option) *Handler {
	h := &Handler{
		logger:    slog.Default(),
		awsConfig: lambdaAWSConfig,
		http:      &http.Client{Timeout: 10 * time.Second},
		now:       time.Now,
		engines:   map[string]*engine.Engine{},
		limits:    wire.DefaultLimits,
	}
	for _, o := range opts {
		o(h)
	}
	if h.env.Timeout <= 0 {
		h.env.Timeout = DefaultTimeout
	}
	if h.fixed != nil {
		h.fixedE = engine.New(h.fixed)
	}
	return h
}

// request is one decoded invocation and everything learned while answering it.
type request struct {
	req    *wire.Request
	cfg    Config
	token  string
	target string
	out    outcome
	// panicStack is logged with the decision when evaluation panicked.
	panicStack string
	// findings are what the knobs decided on; decided is the class that set the answer.
	findings []finding
	decided  verdict.Class
}

// Handle answers one request of either protocol. It never fails: every error, even a panic,
// becomes a FAILED answer (or a SUCCESS that says why, where a knob is set to WARN). It keeps no
// reference to raw, neither in the answer nor in its caches: aws-lambda-go reads every payload
// into the same buffer.
func (h *Handler) Handle(ctx context.Context, raw []byte) (resp wire.Response) {
	start := h.now()
	r := &request{}
	defer func() {
		if p := recover(); p != nil {
			r.out = outcome{err: fmt.Errorf("internal error: %v", p)}
			r.panicStack = string(debug.Stack())
			resp = answer(r.cfg.Policy, r)
		}
		resp.Fit()
		h.log(ctx, r, resp, h.now().Sub(start))
	}()
	ctx, cancel := h.budget(ctx)
	defer cancel()
	h.evaluate(ctx, r, raw)
	return answer(r.cfg.Policy, r)
}

func (h *Handler) evaluate(ctx context.Context, r *request, raw []byte) {
	req, err := h.limits.Decode(raw)
	if err != nil {
		r.token = tokenOf(raw)
		r.out = outcome{code: wire.CodeInvalidRequest, err: err}
		return
	}
	r.req, r.token, r.target = req, req.ClientRequestToken, req.Target()
	if h.startErr != nil {
		r.out = outcome{code: wire.CodeInvalidTypeConfiguration, err: h.startErr}
		return
	}
	base := h.env.Config
	if req.Protocol() == wire.ProtocolRegistered {
		if r.cfg, err = merge(base, req.HookModel); err != nil {
			r.out = outcome{code: wire.CodeInvalidTypeConfiguration, err: err}
			return
		}
	} else {
		r.cfg = base
	}
	creds, ok, err := req.CallerCredentials()
	switch {
	case errors.Is(err, wire.ErrEncryptedCredentials):
		r.out = outcome{code: wire.CodeAccessDenied, err: err}
		return
	case err != nil:
		r.out = outcome{code: wire.CodeInvalidRequest, err: err}
		return
	case ok && !h.noCallerCreds:
		ctx = s3store.WithCredentials(ctx, h.provider(creds))
	}
	eng, err := h.engine(ctx, r.cfg)
	if err != nil {
		r.out = outcome{code: codeOf(err), err: err}
		return
	}
	if req.IsStackLevel() {
		r.out = h.stackLevel(ctx, eng, req)
		return
	}
	r.out = h.resource(ctx, eng, req, r.cfg)
}

// budget derives the evaluation deadline: the configured timeout, but never later than the
// Lambda's own deadline minus a margin to write the answer.
func (h *Handler) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	d := h.env.Timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left-deadlineMargin < d {
			d = max(left-deadlineMargin, left/2)
		}
	}
	return context.WithTimeout(ctx, d)
}

func (h *Handler) engine(ctx context.Context, cfg Config) (*engine.Engine, error) {
	if h.fixedE != nil {
		return h.fixedE, nil
	}
	if cfg.Bucket == "" {
		return nil, fmt.Errorf("%w: no templates bucket: set %s in the type configuration or %s", ErrConfig, PropBucket, EnvBucket)
	}
	if err := checkOwner(PropBucketOwner, cfg.BucketOwner); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	key := strings.Join([]string{cfg.Bucket, cfg.Prefix, cfg.Region, cfg.Endpoint, cfg.BucketOwner}, "\x00")
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.engines[key]; ok {
		return e, nil
	}
	h.awsOnce.Do(func() { h.awsCfg, h.awsErr = h.awsConfig(ctx) })
	if h.awsErr != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", h.awsErr)
	}
	awsCfg := h.awsCfg.Copy()
	if cfg.Region != "" {
		awsCfg.Region = cfg.Region
	}
	opts := []s3store.Option{
		s3store.WithPrefix(cfg.Prefix),
		s3store.WithOnStale(func(key string, err error) {
			h.logger.Warn("rcfge serving last known good template: S3 failed", "templateKey", key, "error", err.Error())
		}),
	}
	if h.env.CacheTTLSet {
		opts = append(opts, s3store.WithTTL(h.env.CacheTTL))
	}
	if cfg.BucketOwner != "" {
		opts = append(opts, s3store.WithExpectedBucketOwner(cfg.BucketOwner))
	}
	st, err := s3store.New(s3store.NewClient(awsCfg, cfg.Endpoint), cfg.Bucket, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if len(h.engines) >= maxEngines {
		// Configurations rarely change within one Lambda; dropping all keeps the bound simple.
		clear(h.engines)
	}
	e := engine.New(st)
	h.engines[key] = e
	return e, nil
}

// lambdaAWSConfig is the configuration a Lambda gets from its environment. The SDK's config
// package (profiles, SSO, IMDS, STS) would add megabytes to the binary for nothing: Lambda always
// sets these variables, and registered hooks pass the execution role's session per request.
func lambdaAWSConfig(context.Context) (aws.Config, error) {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	cfg := aws.Config{Region: region}
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
	}
	return cfg, nil
}

func codeOf(err error) wire.ErrorCode {
	if errors.Is(err, ErrConfig) {
		return wire.CodeInvalidTypeConfiguration
	}
	return ""
}

func operation(p wire.InvocationPoint) engine.Operation {
	switch p {
	case wire.UpdatePreProvision:
		return engine.Update
	case wire.DeletePreProvision:
		return engine.Delete
	}
	return engine.Create
}

// resource evaluates one resource's properties.
func (h *Handler) resource(ctx context.Context, eng *engine.Engine, req *wire.Request, cfg Config) outcome {
	d := req.RequestData
	in := engine.Input{
		TypeName:           req.Target(),
		Operation:          operation(req.ActionInvocationPoint),
		Properties:         plain(d.TargetModel.ResourceProperties),
		PreviousProperties: plain(d.TargetModel.PreviousResourceProperties),
		Context:            h.context(req),
		Vars:               cfg.Vars,
	}
	res, err := eng.Evaluate(ctx, in)
	o := outcome{result: res, err: err, op: in.Operation, logicalID: d.TargetLogicalID, typeName: in.TypeName}
	if in.Operation == engine.Delete && engine.IsMissingTemplate(err) {
		// Only a template can guard deletes; removing an unapproved type is always welcome.
		o.err = nil
		o.note = in.TypeName + " has no template, so deleting it is allowed"
	}
	return o
}

// plain turns a decoded object into the engine's map, keeping absent as nil.
func plain(o wire.Object) any {
	if o == nil {
		return nil
	}
	return map[string]any(o)
}

// context fills the built-in placeholders. The stack ARN is the most reliable source of region and
// partition; the request's region field and the Lambda's AWS_REGION follow.
func (h *Handler) context(req *wire.Request) engine.Context {
	c := engine.Context{AccountID: req.AWSAccountID, StackID: req.StackID, LogicalResourceID: req.RequestData.TargetLogicalID}
	// arn:<partition>:cloudformation:<region>:<acct>:stack/<name>/<uuid>
	if rest, ok := strings.CutPrefix(req.StackID, "arn:"); ok {
		part, rest, _ := strings.Cut(rest, ":")
		_, rest, _ = strings.Cut(rest, ":") // service
		region, rest, _ := strings.Cut(rest, ":")
		_, resource, ok := strings.Cut(rest, ":") // account
		if ok {
			c.Partition, c.Region = part, region
			if name, ok := strings.CutPrefix(resource, "stack/"); ok {
				c.StackName, _, _ = strings.Cut(name, "/")
			}
		}
	}
	if c.Region == "" {
		c.Region = req.Region
	}
	if c.Region == "" {
		c.Region = os.Getenv("AWS_REGION")
	}
	if c.Partition == "" {
		c.Partition = partition.Of(c.Region)
	}
	return c
}

// tokenOf digs the request token out of a body that did not decode, so even that answer echoes it.
// It reads the top-level members one by one and stops at the token, so an oversized or malformed
// body costs no more than the text before the token.
func tokenOf(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err == nil && t == json.Delim('{') {
		for dec.More() {
			t, err := dec.Token()
			key, ok := t.(string)
			if err != nil || !ok {
				break
			}
			if strings.EqualFold(key, "clientRequestToken") {
				var s string
				if dec.Decode(&s) == nil {
					return s
				}
				break
			}
			if skipValue(dec) != nil {
				break
			}
		}
	}
	// Truncated or malformed JSON: take the token from the text if it is there.
	if m := tokenRE().FindSubmatch(raw); m != nil {
		var s string
		if json.Unmarshal(m[1], &s) == nil {
			return s
		}
	}
	return ""
}

// skipValue reads past one value without building it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// tokenRE is compiled on first use: only requests that do not decode need it, and a package-level
// regexp would cost every cold start its compilation.
var tokenRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)"clientRequestToken"\s*:\s*("(?:[^"\\]|\\.)*")`) })

// log writes the one decision line. Never credentials, never property values.
func (h *Handler) log(ctx context.Context, r *request, resp wire.Response, took time.Duration) {
	// Room for every attribute of an ordinary decision, so building the line allocates nothing.
	var room [24]slog.Attr
	attrs := append(room[:0],
		slog.String("clientRequestToken", resp.ClientRequestToken),
		slog.String("hookStatus", string(resp.HookStatus)),
		slog.String("errorCode", string(resp.ErrorCode)),
		slog.String("target", r.target),
		slog.Int("violations", len(r.out.result.Verdict.Violations)),
		slog.Float64("latencyMs", float64(took.Microseconds())/1000),
	)
	if c := r.decided; c != 0 {
		attrs = append(attrs, slog.String("class", c.String()), slog.String("mode", string(r.cfg.Policy.Mode(c))))
	}
	if len(r.findings) > 1 {
		var fs []string
		for _, f := range r.findings {
			fs = append(fs, f.class.String()+"="+string(r.cfg.Policy.Mode(f.class)))
		}
		attrs = append(attrs, slog.Any("findings", fs))
	}
	res := r.out.result
	if res.Shadow {
		attrs = append(attrs, slog.Bool("shadow", true))
		if len(res.Verdict.Violations) > 0 {
			attrs = append(attrs, slog.Any("shadowViolations", violationKeys(res.Verdict.Violations)))
		}
	}
	if n := unverifiableCount(res.Verdict.Violations); n > 0 {
		attrs = append(attrs, slog.Int("unverifiable", n))
	}
	if len(res.Verdict.Excepted) > 0 {
		var ex []string
		for _, e := range res.Verdict.Excepted {
			ex = append(ex, e.Exception+" "+pathOf(e.Violation)+" ["+e.Violation.Keyword+"]")
		}
		attrs = append(attrs, slog.Any("excepted", ex))
	}
	if len(res.Notes) > 0 {
		attrs = append(attrs, slog.Any("notes", res.Notes))
	}
	if q := r.req; q != nil {
		attrs = append(attrs,
			slog.String("protocol", string(q.Protocol())),
			slog.String("account", q.AWSAccountID),
			slog.String("stackId", q.StackID),
			slog.String("logicalResourceId", q.RequestData.TargetLogicalID),
			slog.String("invocationPoint", string(q.ActionInvocationPoint)),
			slog.Int("invocation", q.RequestContext.Invocation),
		)
	}
	if res.TemplateKey != "" {
		attrs = append(attrs, slog.String("templateKey", res.TemplateKey), slog.String("templateETag", res.TemplateVersion), slog.Bool("cacheHit", res.CacheHit))
	}
	if n := len(r.out.missing); n > 0 {
		attrs = append(attrs, slog.Int("unapprovedTypes", n))
	}
	if r.out.err != nil {
		attrs = append(attrs, slog.String("error", r.out.err.Error()))
	}
	if r.panicStack != "" {
		attrs = append(attrs, slog.String("panicStack", r.panicStack))
	}
	level := slog.LevelInfo
	if resp.HookStatus == wire.StatusFailed && resp.ErrorCode != wire.CodeNonCompliant {
		level = slog.LevelError
	}
	h.logger.LogAttrs(ctx, level, "rcfge hook decision", attrs...)
}

// violationKeys names violations by path and keyword only: values never reach the log. At most
// wire.MaxAnnotations are named.
func violationKeys(vs []verdict.Violation) []string {
	out := make([]string, 0, min(len(vs), wire.MaxAnnotations))
	for _, v := range vs[:min(len(vs), wire.MaxAnnotations)] {
		out = append(out, pathOf(v)+" ["+v.Keyword+"]")
	}
	return out
}

func unverifiableCount(vs []verdict.Violation) int {
	n := 0
	for _, v := range vs {
		if v.Unverifiable {
			n++
		}
	}
	return n
}
