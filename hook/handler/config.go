package handler

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// ErrConfig means the hook configuration (type configuration or environment) is unusable.
var ErrConfig = errors.New("invalid hook configuration")

// Config is what one evaluation needs to know about where templates live and how to fail.
type Config struct {
	// Bucket and Prefix locate the templates: <Prefix>/<Type>.json, <Prefix>/accounts/<acct>/<Type>.json.
	Bucket string
	Prefix string
	// Region of the bucket; empty means the Lambda's region.
	Region string
	// BucketOwner is the account that must own the bucket (the admin account): every GET carries
	// it as ExpectedBucketOwner, so a same-named bucket in another account is never read.
	BucketOwner string
	// Endpoint points the S3 client at an S3-compatible server (tests, replays).
	Endpoint string
	// Policy holds the four failure knobs.
	Policy verdict.Policy
	// Vars are the user variables for template placeholders.
	Vars placeholder.Vars
}

// The environment variables of the Lambda hook (and defaults for the registered hook).
const (
	EnvBucket            = "RCFGE_TEMPLATES_BUCKET"
	EnvPrefix            = "RCFGE_TEMPLATES_PREFIX"
	EnvRegion            = "RCFGE_TEMPLATES_REGION"
	EnvBucketOwner       = "RCFGE_TEMPLATES_BUCKET_OWNER"
	EnvEndpoint          = "RCFGE_S3_ENDPOINT"
	EnvOnViolation       = "RCFGE_ON_VIOLATION"
	EnvOnMissingTemplate = "RCFGE_ON_MISSING_TEMPLATE"
	EnvOnEngineError     = "RCFGE_ON_ENGINE_ERROR"
	EnvOnUnverifiable    = "RCFGE_ON_UNVERIFIABLE"
	// EnvPayloadHosts lists extra hosts (host or host:port, comma-separated) that STACK and
	// CHANGE_SET payload URLs may point at, besides the S3 endpoints of the request's partition.
	EnvPayloadHosts = "RCFGE_PAYLOAD_HOSTS"
	EnvVariables    = "RCFGE_VARIABLES"
	EnvCacheTTL     = "RCFGE_CACHE_TTL"
	EnvTimeout      = "RCFGE_TIMEOUT"
)

// The hookModel (type configuration) property names of the registered hook.
const (
	PropBucket            = "TemplatesBucket"
	PropPrefix            = "TemplatesPrefix"
	PropRegion            = "TemplatesRegion"
	PropBucketOwner       = "TemplatesBucketOwner"
	PropOnViolation       = "OnViolation"
	PropOnMissingTemplate = "OnMissingTemplate"
	PropOnEngineError     = "OnEngineError"
	PropOnUnverifiable    = "OnUnverifiable"
	PropVariables         = "Variables"
)

// Env is the process configuration: the defaults every request starts from.
type Env struct {
	Config
	// CacheTTL is how long a fetched template is trusted before revalidation; 0 revalidates on
	// every request. It applies only when CacheTTLSet (else the store's default).
	CacheTTL    time.Duration
	CacheTTLSet bool
	// Timeout is the evaluation budget of one request.
	Timeout time.Duration
	// PayloadHosts are hosts payload URLs may use besides the partition's S3 endpoints.
	PayloadHosts []string
}

// FromEnv reads the configuration from environment variables (getenv is os.Getenv in the Lambda).
func FromEnv(getenv func(string) string) (Env, error) {
	e := Env{Config: Config{
		Bucket:   strings.TrimSpace(getenv(EnvBucket)),
		Prefix:   strings.TrimSpace(getenv(EnvPrefix)),
		Region:   strings.TrimSpace(getenv(EnvRegion)),
		Endpoint: strings.TrimSpace(getenv(EnvEndpoint)),

		BucketOwner: strings.TrimSpace(getenv(EnvBucketOwner)),
	}}
	var errs []error
	if err := checkOwner(EnvBucketOwner, e.BucketOwner); err != nil {
		errs = append(errs, err)
	}
	knobs := []struct {
		name string
		dst  *verdict.Mode
	}{{EnvOnViolation, &e.Policy.OnViolation}, {EnvOnMissingTemplate, &e.Policy.OnMissingTemplate}, {EnvOnEngineError, &e.Policy.OnEngineError}, {EnvOnUnverifiable, &e.Policy.OnUnverifiable}}
	for _, k := range knobs {
		m, err := verdict.ParseMode(strings.TrimSpace(getenv(k.name)))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.name, err))
		}
		*k.dst = m
	}
	for _, h := range strings.Split(getenv(EnvPayloadHosts), ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			if strings.ContainsAny(h, "/?#@ ") {
				errs = append(errs, fmt.Errorf("%s: %q is not a host or host:port", EnvPayloadHosts, h))
				continue
			}
			e.PayloadHosts = append(e.PayloadHosts, h)
		}
	}
	if v := strings.TrimSpace(getenv(EnvVariables)); v != "" {
		var raw any
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: not JSON: %w", EnvVariables, err))
		} else if vars, err := parseVars(raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvVariables, err))
		} else {
			e.Vars = vars
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		max  time.Duration
	}{{EnvCacheTTL, &e.CacheTTL, 24 * time.Hour}, {EnvTimeout, &e.Timeout, 28 * time.Second}} {
		v := strings.TrimSpace(getenv(d.name))
		if v == "" {
			continue
		}
		t, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
		case t < 0 || t > d.max:
			errs = append(errs, fmt.Errorf("%s: %s is outside 0..%s", d.name, v, d.max))
		default:
			*d.dst = t
			if d.dst == &e.CacheTTL {
				e.CacheTTLSet = true
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Env{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return e, nil
}

// merge overlays a registered hook's type configuration on the defaults. Values may arrive
// stringified; Variables may be an object or a JSON string holding one.
func merge(base Config, model wire.Object) (Config, error) {
	c := base
	var errs []error
	for _, f := range []struct {
		key string
		dst *string
	}{{PropBucket, &c.Bucket}, {PropPrefix, &c.Prefix}, {PropRegion, &c.Region}, {PropBucketOwner, &c.BucketOwner}} {
		s, ok, err := model.String(f.key)
		if err != nil {
			errs = append(errs, err)
		} else if ok && strings.TrimSpace(s) != "" {
			*f.dst = strings.TrimSpace(s)
		}
	}
	for _, k := range []struct {
		key string
		dst *verdict.Mode
	}{{PropOnViolation, &c.Policy.OnViolation}, {PropOnMissingTemplate, &c.Policy.OnMissingTemplate}, {PropOnEngineError, &c.Policy.OnEngineError}, {PropOnUnverifiable, &c.Policy.OnUnverifiable}} {
		s, ok, err := model.String(k.key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		m, err := verdict.ParseMode(strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.key, err))
			continue
		}
		*k.dst = m
	}
	if raw, ok := model.Get(PropVariables); ok && raw != nil {
		if s, isString := raw.(string); isString {
			if strings.TrimSpace(s) == "" {
				raw = nil
			} else if err := json.Unmarshal([]byte(s), &raw); err != nil {
				errs = append(errs, fmt.Errorf("%s: not a JSON object: %w", PropVariables, err))
				raw = nil
			}
		}
		if raw != nil {
			vars, err := parseVars(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", PropVariables, err))
			}
			c.Vars = mergeVars(base.Vars, vars)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return c, nil
}

// parseVars reads {"name": "value" | ["v1", "v2"]}; numbers and booleans are taken as their text.
func parseVars(raw any) (placeholder.Vars, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("want an object of name to string or list of strings")
	}
	vars := make(placeholder.Vars, len(m))
	for name, v := range m {
		switch x := v.(type) {
		case string:
			vars[name] = placeholder.String(x)
		case json.Number, float64, bool:
			vars[name] = placeholder.String(fmt.Sprint(x))
		case []any:
			items := make([]string, 0, len(x))
			for i, it := range x {
				s, ok := it.(string)
				if !ok {
					return nil, fmt.Errorf("%s[%d]: want a string", name, i)
				}
				items = append(items, s)
			}
			vars[name] = placeholder.List(items...)
		default:
			return nil, fmt.Errorf("%s: want a string or a list of strings", name)
		}
	}
	return vars, nil
}

func mergeVars(base, over placeholder.Vars) placeholder.Vars {
	out := make(placeholder.Vars, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// checkOwner accepts an empty owner (not pinned) or a 12-digit account ID.
func checkOwner(name, v string) error {
	if v == "" {
		return nil
	}
	if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
		return fmt.Errorf("%s: %q is not a 12-digit account ID", name, v)
	}
	return nil
}
