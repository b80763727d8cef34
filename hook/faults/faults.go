// Package faults is the hook's fault matrix: each row breaks one thing between CloudFormation,
// the handler and the S3 template store (a real S3-compatible server, with a fault-injecting
// proxy in front where the fault is on the wire) and states the answer the failure knobs demand.
// Run plays every row under two policies, everything FAIL and everything WARN; Check holds the
// answers to the rows' expectations; Markdown writes the table docs/faults.md shows.
package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// Budgets of the handler in the matrix. Rows get Budget, generous so that heavy rows (1 MB of
// properties under the race detector on a busy machine) still finish; the slow row gets
// SlowBudget, which its proxy outlasts, to keep the run short.
const (
	Budget     = 10 * time.Second
	SlowBudget = 1500 * time.Millisecond
)

// Knob names, as the registered hook's type configuration spells them.
const (
	KnobViolation    = handler.PropOnViolation
	KnobMissing      = handler.PropOnMissingTemplate
	KnobEngine       = handler.PropOnEngineError
	KnobUnverifiable = handler.PropOnUnverifiable
)

// S3 is the server the matrix runs against: an endpoint and keys that can create buckets and
// write objects, plus keys of a user without access to them.
type S3 interface {
	CreateBucket(ctx context.Context, bucket string) error
	Put(ctx context.Context, bucket, key string, body []byte) (string, error)
}

// Server is the S3 server with its endpoint and credentials.
type Server struct {
	S3
	// Endpoint is the server's URL.
	Endpoint string
	// Region is the server's region.
	Region string
	// Owner can read the buckets the matrix creates; Stranger cannot.
	Owner, Stranger Keys
}

// Keys are static S3 credentials.
type Keys struct{ Access, Secret string }

// Expect is the answer a row must get with every knob at FAIL. With its knob at WARN the same
// finding must come back as SUCCESS saying "<Knob>=WARN"; a row without a knob fails either way.
type Expect struct {
	Status wire.Status
	Code   wire.ErrorCode
	// Knob is the failure knob that governs the row; empty when no knob can waive it.
	Knob string
	// Message is a fragment the answer's message must hold: the specific reason.
	Message string
}

// Row is one fault.
type Row struct {
	Name string
	// How says how the fault is produced.
	How    string
	Expect Expect
	// fault names the proxy behaviour; template and request shape the row.
	fault    fault
	template []byte // nil: the good template; empty: no object at all
	stranger bool
	// lambda sends the Lambda hook's request: configuration and knobs from the environment,
	// credentials from the default chain, instead of the type configuration and caller session.
	lambda  bool
	request func(r *requestSpec) []byte
	// budget replaces Budget for the row (0: Budget, or SlowBudget for the slow proxy).
	budget time.Duration
	// Pending names the branch whose half of the fix the row waits for: Check reports the row's
	// answer in the table but does not fail on it. Remove it once that branch is merged.
	Pending string
}

// Result is one row played under one policy.
type Result struct {
	Row    Row
	Policy string // "FAIL" or "WARN"
	Resp   wire.Response
	// Panic is set when a panic escaped Handle, which must never happen.
	Panic   string
	Elapsed time.Duration
}

type fault int

const (
	faultNone fault = iota
	fault500
	faultTruncate
	faultSlow
	faultRefused
)

// Run plays every row under both policies against srv. Each play uses a fresh handler and its own
// bucket, so no cache or last-known-good copy carries a row's answer into another.
func Run(ctx context.Context, srv Server) ([]Result, error) {
	var out []Result
	for i, row := range Rows() {
		for _, policy := range []verdict.Mode{verdict.Fail, verdict.Warn} {
			bucket := fmt.Sprintf("faults-%02d-%s", i+1, strings.ToLower(string(policy)))
			res, err := play(ctx, srv, row, policy, bucket)
			if err != nil {
				return out, fmt.Errorf("row %q (%s): %w", row.Name, policy, err)
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func play(ctx context.Context, srv Server, row Row, policy verdict.Mode, bucket string) (res Result, err error) {
	res = Result{Row: row, Policy: string(policy)}
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		return res, err
	}
	body := row.template
	if body == nil {
		body = goodTemplate
	}
	if len(body) > 0 {
		if _, err := srv.Put(ctx, bucket, "templates/AWS-S3-Bucket.json", body); err != nil {
			return res, err
		}
	}
	endpoint, stop, err := injector(srv.Endpoint, row.fault)
	if err != nil {
		return res, err
	}
	defer stop()
	keys := srv.Owner
	if row.stranger {
		keys = srv.Stranger
	}
	budget := Budget
	switch {
	case row.budget > 0:
		budget = row.budget
	case row.fault == faultSlow:
		budget = SlowBudget
	}
	env := handler.Env{Config: handler.Config{Endpoint: endpoint}, Timeout: budget}
	// The registered hook brings its own session; the default chain of a Lambda finds nothing.
	chain := Keys{Access: "none", Secret: "none"}
	if row.lambda {
		env.Config.Bucket, env.Config.Prefix = bucket, "templates"
		env.Config.Policy = verdict.Policy{OnViolation: policy, OnMissingTemplate: policy, OnEngineError: policy, OnUnverifiable: policy}
		chain = keys
	}
	h := handler.New(
		handler.WithEnv(env),
		handler.WithLogger(slog.New(slog.DiscardHandler)),
		handler.WithAWSConfig(func(context.Context) (aws.Config, error) {
			// One attempt: each row shows the first failure, not the retryer's last.
			return aws.Config{Region: srv.Region, Credentials: credentials.NewStaticCredentialsProvider(chain.Access, chain.Secret, ""), RetryMaxAttempts: 1}, nil
		}),
	)
	spec := &requestSpec{bucket: bucket, policy: policy, keys: keys, props: compliantProps, lambda: row.lambda}
	build := row.request
	if build == nil {
		build = (*requestSpec).json
	}
	raw := build(spec)
	defer func() {
		if p := recover(); p != nil {
			res.Panic = fmt.Sprint(p)
		}
	}()
	start := time.Now()
	res.Resp = h.Handle(ctx, raw)
	res.Elapsed = time.Since(start)
	return res, nil
}

// requestSpec builds the request of one play.
type requestSpec struct {
	bucket string
	policy verdict.Mode
	keys   Keys
	props  string
	point  string
	lambda bool
}

func (r *requestSpec) json() []byte {
	if r.lambda {
		return r.lambdaJSON()
	}
	creds, _ := json.Marshal(map[string]string{"accessKeyId": r.keys.Access, "secretAccessKey": r.keys.Secret, "sessionToken": ""})
	point := r.point
	if point == "" {
		point = string(wire.CreatePreProvision)
	}
	p := string(r.policy)
	return fmt.Appendf(nil, `{"clientRequestToken":"faults-token","awsAccountId":"111122223333",
"stackId":"arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1a2b",
"hookTypeName":"Rcfge::Config::Enforcer","hookTypeVersion":"00000001",
"hookModel":{"TemplatesBucket":%q,"TemplatesPrefix":"templates","OnViolation":%q,"OnMissingTemplate":%q,"OnEngineError":%q,"OnUnverifiable":%q},
"actionInvocationPoint":%q,
"requestData":{"targetName":"AWS::S3::Bucket","targetType":"RESOURCE","targetLogicalId":"Bucket",
"targetModel":{"resourceProperties":%s},"callerCredentials":%q},
"requestContext":{"invocation":1,"callbackContext":null}}`, r.bucket, p, p, p, p, point, r.props, string(creds))
}

// lambdaJSON is the Lambda hook's request: the model names only the function, no credentials.
func (r *requestSpec) lambdaJSON() []byte {
	point := r.point
	if point == "" {
		point = string(wire.CreatePreProvision)
	}
	return fmt.Appendf(nil, `{"clientRequestToken":"faults-token","awsAccountId":"111122223333",
"stackId":"arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1a2b",
"hookTypeName":"Private::Rcfge::Enforcer","hookTypeVersion":"00000001",
"hookModel":{"LambdaFunction":"arn:aws:lambda:eu-west-1:111122223333:function:rcfge"},
"actionInvocationPoint":%q,
"requestData":{"targetName":"AWS::S3::Bucket","targetType":"AWS::S3::Bucket","targetLogicalId":"Bucket",
"targetModel":{"resourceProperties":%s}},
"requestContext":{"invocation":1,"callbackContext":null}}`, point, r.props)
}

// Request returns a registered-hook CREATE request for an AWS::S3::Bucket with the given
// properties, reading templates from bucket under "templates/" with keys, every knob at FAIL. It
// is the request the matrix sends, for benchmarks of the same path.
func Request(bucket string, keys Keys, props string) []byte {
	r := requestSpec{bucket: bucket, policy: verdict.Fail, keys: keys, props: props}
	return r.json()
}

// goodTemplate is the approved S3 template the rows start from: names, an account-pinned owner
// and tags.
var goodTemplate = []byte(`{
  "typeName": "AWS::S3::Bucket",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "BucketName": {"type": "string", "pattern": "^app-[a-z0-9-]{1,50}$"},
    "Owner": {"type": "string", "pattern": "^arn:$<partition>:iam::$<accountID>:root$"},
    "Tags": {"type": "array", "maxItems": 20000, "items": {"type": "object", "additionalProperties": false,
      "required": ["Key", "Value"],
      "properties": {"Key": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,127}$"}, "Value": {"type": "string", "maxLength": 256}}}}
  }
}`)

const compliantProps = `{"BucketName":"app-logs","Owner":"arn:aws:iam::111122223333:root","Tags":[{"Key":"team","Value":"platform"}]}`

// Rows returns the matrix, in the order docs/faults.md shows it.
func Rows() []Row {
	return []Row{
		{Name: "control: compliant resource", How: "good template, compliant properties",
			Expect: Expect{Status: wire.StatusSuccess, Message: "complies with s3://"}},
		{Name: "control: violation", How: "good template, bucket name outside the pattern",
			request: withProps(`{"BucketName":"Other_Name","Owner":"arn:aws:iam::111122223333:root"}`),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobViolation, Message: "/BucketName"}},
		{Name: "missing template", How: "no object for the type in the bucket",
			template: []byte{},
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobMissing, Message: "not an approved resource type"}},
		{Name: "access denied", How: "caller credentials of a user without access to the bucket (S3 403)",
			stranger: true,
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "access denied"}},
		{Name: "HTTP 500s", How: "proxy answers every S3 call with 500 InternalError",
			fault:  fault500,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "S3 unavailable"}},
		{Name: "connection refused", How: "endpoint is a closed port",
			fault:  faultRefused,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "connection refused"}},
		{Name: "slower than the deadline", How: fmt.Sprintf("proxy holds every response for 30 s; the handler's budget is %s", SlowBudget),
			fault:  faultSlow,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "deadline"}},
		{Name: "truncated body", How: "proxy sends the full Content-Length, half the template, then closes",
			fault:  faultTruncate,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "unexpected EOF"}},
		{Name: "template is not JSON", How: "object holds a cut-off JSON document",
			template: []byte(`{"type": "object", "properties": `),
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "not JSON"}},
		{Name: "template is not a valid schema", How: `object holds {"type": "strnig"}`,
			template: []byte(`{"type": "object", "properties": {"BucketName": {"type": "strnig"}}}`),
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "is not a valid schema"}},
		{Name: "unknown placeholder", How: "template uses $<undeclaredVar>, which no variable defines",
			template: []byte(`{"type": "object", "properties": {"BucketName": {"type": "string", "pattern": "^$<undeclaredVar>$"}}}`),
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "unknown placeholder $<undeclaredVar>"}},
		{Name: "5 MB template", How: "a valid template padded to 5 MB with a long enum (the store's limit is 4 MiB)",
			template: bigTemplate(5 << 20),
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "template object too large"}},
		{Name: "1 MB of properties", How: "10,000 tags (1 MB), the last one with an invalid key",
			request: withProps(bigProps(1 << 20)),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobViolation, Message: "/Tags/"}},
		{Name: "JSON nested 10,000 deep", How: "resourceProperties holds an array nested 10,000 levels deep",
			request: withProps(`{"Tags":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "nesting depth limit: more than 100 levels"}},
		{Name: "JSON nested 100 deep", How: "the request at the nesting limit (100 levels), so the engine walks it all",
			request: withProps(`{"BucketName":"app-logs","Tags":[` + strings.Repeat("[", 94) + strings.Repeat("]", 94) + `]}`),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobViolation, Message: "/Tags/0"}},
		{Name: "oversize request", How: "7 MB of compliant tags: over the 6 MiB request size limit, refused before decoding",
			request: withProps(bigProps(7 << 20)),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "request size limit: more than 6291456 bytes"}},
		{Name: "too many properties", How: "120,000 list items: over the 100,000 property count limit",
			request: withProps(`{"BucketName":"app-logs","Tags":[` + strings.TrimSuffix(strings.Repeat("1,", 120_000), ",") + `]}`),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "property count limit: more than 100000"}},
		{Name: "many violations", How: "20,000 unapproved properties: the engine keeps 100 and counts on to 10,100; answered in 100 annotations plus a summary, under 1 MB",
			request: withProps(manyUnapproved(20_000)),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobViolation, Message: "(at least 10101 violations)"}},
		{Name: "number bomb beside a violation", How: "an integer with a maximum given as 1e999999999 (a number no parser should expand) beside a bucket name outside the pattern",
			template: []byte(`{"type": "object", "additionalProperties": false, "properties": {"BucketName": {"type": "string", "pattern": "^app-[a-z0-9-]{1,50}$"}, "RetentionDays": {"type": "integer", "maximum": 365}}}`),
			request:  withProps(`{"BucketName":"Other_Name","RetentionDays":1e999999999}`),
			Expect:   Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobViolation, Message: "/BucketName"},
		},
		{Name: "deadline during validation", How: "10,000 compliant tags, each checked against 40 anyOf patterns; handler budget 50 ms",
			template: slowTemplate(40), request: withProps(manyTags(10_000)), budget: 50 * time.Millisecond,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "deadline"}},
		{Name: "Lambda hook: compliant resource", How: "Lambda hook protocol: bucket and knobs from the environment, default credentials",
			lambda: true,
			Expect: Expect{Status: wire.StatusSuccess, Message: "complies with s3://"}},
		{Name: "Lambda hook: missing template", How: "Lambda hook protocol, no object for the type",
			lambda: true, template: []byte{},
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeNonCompliant, Knob: KnobMissing, Message: "not an approved resource type"}},
		{Name: "Lambda hook: HTTP 500s", How: "Lambda hook protocol, proxy answers 500",
			lambda: true, fault: fault500,
			Expect: Expect{Status: wire.StatusFailed, Code: wire.CodeInternalFailure, Knob: KnobEngine, Message: "S3 unavailable"}},
		{Name: "Lambda hook: unknown invocation point", How: "Lambda hook protocol, actionInvocationPoint CREATE_POST_PROVISION",
			lambda:  true,
			request: func(r *requestSpec) []byte { r.point = "CREATE_POST_PROVISION"; return r.json() },
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "CREATE_POST_PROVISION"}},
		{Name: "malformed request", How: "request body cut off in the middle",
			request: func(r *requestSpec) []byte { b := r.json(); return b[:len(b)/2] },
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "invalid hook request"}},
		{Name: "unknown invocation point", How: "actionInvocationPoint CREATE_POST_PROVISION",
			request: func(r *requestSpec) []byte { r.point = "CREATE_POST_PROVISION"; return r.json() },
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: "CREATE_POST_PROVISION"}},
		{Name: "repeated member", How: `resourceProperties gives BucketName twice, a compliant value then one outside the pattern (JSON parsers disagree on which one wins)`,
			request: withProps(`{"BucketName":"app-logs","BucketName":"Not A Bucket"}`),
			Expect:  Expect{Status: wire.StatusFailed, Code: wire.CodeInvalidRequest, Message: `duplicate object member "BucketName"`}},
	}
}

func withProps(props string) func(*requestSpec) []byte {
	return func(r *requestSpec) []byte { r.props = props; return r.json() }
}

// bigTemplate is the good template with an enum long enough to reach n bytes.
func bigTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type": "object", "additionalProperties": false, "properties": {"BucketName": {"type": "string", "enum": [`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"app-bucket-name-number-%09d-padding-padding-padding"`, i)
	}
	b.WriteString(`]}}}`)
	return []byte(b.String())
}

// bigProps is n bytes of compliant tags followed by one tag whose key breaks the pattern.
func bigProps(n int) string {
	var b strings.Builder
	b.WriteString(`{"BucketName":"app-logs","Tags":[`)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `{"Key":"k-%06d","Value":"%s"},`, i, strings.Repeat("v", 80))
	}
	b.WriteString(`{"Key":"Bad Key","Value":"x"}]}`)
	return b.String()
}

// manyUnapproved is an object of n properties the template does not know.
func manyUnapproved(n int) string {
	var b strings.Builder
	b.WriteString(`{"BucketName":"app-logs"`)
	for i := range n {
		fmt.Fprintf(&b, `,"Unapproved%05d":true`, i)
	}
	b.WriteString("}")
	return b.String()
}

// manyTags is n compliant tags.
func manyTags(n int) string {
	var b strings.Builder
	b.WriteString(`{"BucketName":"app-logs","Tags":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Key":"k-%06d","Value":"v"}`, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// slowTemplate checks each tag key against n patterns (anyOf), the last of which matches: work
// that grows with the properties, so the deadline fires while validating, not while fetching.
func slowTemplate(n int) []byte {
	var alts []string
	for i := range n - 1 {
		alts = append(alts, fmt.Sprintf(`{"pattern": "^x%d-[a-z]+-[0-9]+-(a|b|c)*z$"}`, i))
	}
	alts = append(alts, `{"pattern": "^k-[0-9]{6}$"}`)
	return fmt.Appendf(nil, `{"type": "object", "additionalProperties": false, "properties": {
  "BucketName": {"type": "string"},
  "Tags": {"type": "array", "items": {"type": "object", "properties": {"Key": {"type": "string", "anyOf": [%s]}, "Value": {"type": "string"}}}}}}`,
		strings.Join(alts, ","))
}

// injector returns the endpoint a row's handler talks to and a function that stops it.
func injector(upstream string, f fault) (string, func(), error) {
	switch f {
	case faultNone:
		return upstream, func() {}, nil
	case faultRefused:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", nil, err
		}
		addr := ln.Addr().String()
		// Nothing listens there once closed, so every dial is refused.
		ln.Close()
		return "http://" + addr, func() {}, nil
	}
	u, err := url.Parse(upstream)
	if err != nil {
		return "", nil, fmt.Errorf("upstream %q: %w", upstream, err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch f {
		case fault500:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`)
		case faultSlow:
			select {
			case <-time.After(30 * time.Second):
			case <-r.Context().Done():
			case <-release:
			}
			w.WriteHeader(http.StatusServiceUnavailable)
		case faultTruncate:
			truncate(w, r, u)
		default:
			proxy.ServeHTTP(w, r)
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { close(release); srv.Close() }, nil
}

// truncate forwards the request, then sends the upstream's headers (full Content-Length) and only
// half of its body before dropping the connection.
func truncate(w http.ResponseWriter, r *http.Request, upstream *url.URL) {
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host, out.RequestURI = upstream.Scheme, upstream.Host, ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(resp.StatusCode)
	w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	// Aborting the handler closes the connection mid-body, as a dropped network path would.
	panic(http.ErrAbortHandler)
}

// ErrMismatch is an answer that is not what its row demands.
var ErrMismatch = errors.New("fault matrix answer differs from its expectation")

// Check holds every result to its row: no panic escaped, nothing approved by accident (with all
// knobs at FAIL only the control row may succeed; with a knob at WARN a finding may pass only
// saying which knob let it), the right code, and the row's specific message.
func Check(results []Result) error {
	var errs []error
	for _, r := range results {
		if err := check(r); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s (%s): %w", ErrMismatch, r.Row.Name, r.Policy, err))
		}
	}
	return errors.Join(errs...)
}

func check(r Result) error {
	if r.Row.Pending != "" {
		return nil
	}
	e, resp := r.Row.Expect, r.Resp
	if b, err := json.Marshal(resp); err != nil || len(b) >= wire.MaxResponseBytes || len(resp.Message) >= wire.MaxMessage || len(resp.Annotations) > wire.MaxAnnotations+1 {
		return fmt.Errorf("answer out of bounds: %d bytes, message %d, %d annotations (%v)", len(b), len(resp.Message), len(resp.Annotations), err)
	}
	switch {
	case r.Panic != "":
		return fmt.Errorf("panic escaped the handler: %s", r.Panic)
	case strings.Contains(resp.Message, "internal error:"):
		return fmt.Errorf("the handler recovered a panic: %s", resp.Message)
	case resp.Message == "":
		return errors.New("answer without a message")
	case !strings.Contains(resp.Message, e.Message):
		return fmt.Errorf("message %q lacks %q", resp.Message, e.Message)
	}
	want, code := e.Status, e.Code
	waived := r.Policy == string(verdict.Warn) && e.Knob != "" && e.Status == wire.StatusFailed
	if waived {
		want, code = wire.StatusSuccess, ""
		if !strings.Contains(resp.Message, e.Knob+"=WARN") {
			return fmt.Errorf("SUCCESS under WARN without naming %s=WARN: %q", e.Knob, resp.Message)
		}
	}
	if resp.HookStatus != want || resp.ErrorCode != code {
		return fmt.Errorf("answer %s/%s, want %s/%s: %q", resp.HookStatus, resp.ErrorCode, want, code, resp.Message)
	}
	return nil
}

var volatile = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// Markdown writes the matrix as the table docs/faults.md shows, one line per row with both
// policies side by side. Ports are masked so reruns only differ in timings.
func Markdown(w io.Writer, results []Result, checkErr error) error {
	byRow := map[string]map[string]Result{}
	var order []string
	for _, r := range results {
		if byRow[r.Row.Name] == nil {
			byRow[r.Row.Name] = map[string]Result{}
			order = append(order, r.Row.Name)
		}
		byRow[r.Row.Name][r.Policy] = r
	}
	var b strings.Builder
	b.WriteString("# Fault matrix\n\n")
	b.WriteString("Generated by `make faults` (`go run ./hook/faults/cmd/faultsdoc`); do not edit. Every row drives\n")
	b.WriteString("`handler.Handle` with a registered-hook request (Lambda-hook rows say so) against a real S3-compatible server (versitygw),\n")
	b.WriteString("with a fault-injecting proxy in front where the fault is on the wire. Each row runs twice on a fresh\n")
	b.WriteString("handler and bucket: once with all four knobs at FAIL, once with all at WARN. The same checks run\n")
	fmt.Fprintf(&b, "in CI (`go test ./hook/faults`). Handler budget: %s (slow row: %s); SDK retries off, so each row shows the first failure.\n\n", Budget, SlowBudget)
	if checkErr != nil {
		fmt.Fprintf(&b, "**CHECK FAILED:** %s\n\n", strings.ReplaceAll(checkErr.Error(), "\n", "; "))
	} else {
		b.WriteString("Result: every row gives its configured answer; no SUCCESS by accident, no panic.\n\n")
	}
	var pending []string
	for _, name := range order {
		if p := byRow[name]["FAIL"].Row.Pending; p != "" {
			pending = append(pending, fmt.Sprintf("%q (%s)", name, p))
		}
	}
	if len(pending) > 0 {
		fmt.Fprintf(&b, "**Not checked yet:** %s: the row shows today's answer until that branch is merged.\n\n", strings.Join(pending, ", "))
	}
	b.WriteString("| # | Fault | How | Knob | All FAIL | All WARN | ms (FAIL) | Checked reason | Message (FAIL) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for i, name := range order {
		f, wn := byRow[name]["FAIL"], byRow[name]["WARN"]
		knob := f.Row.Expect.Knob
		if knob == "" {
			knob = "none"
		}
		if f.Row.Pending != "" {
			knob += " (pending)"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %d | `%s` | %s |\n", i+1, cell(name), cell(f.Row.How), knob,
			status(f.Resp), status(wn.Resp), f.Elapsed.Milliseconds(), cell(f.Row.Expect.Message),
			cell(wire.Truncate(volatile.ReplaceAllString(f.Resp.Message, "127.0.0.1:PORT"), 600)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func status(r wire.Response) string {
	if r.ErrorCode != "" {
		return fmt.Sprintf("%s %s", r.HookStatus, r.ErrorCode)
	}
	return string(r.HookStatus)
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
