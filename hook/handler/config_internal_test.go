package handler

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// varsText renders variables as name=key pairs, sorted, for exact comparison.
func varsText(v placeholder.Vars) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		out = append(out, k+"="+v[k].Key())
	}
	return strings.Join(out, " ")
}

// TestMerge: a registered hook's type configuration over the environment's defaults, value by
// value; blank values keep the default, and every bad value is reported, not only the first.
func TestMerge(t *testing.T) {
	t.Parallel()
	base := Config{Bucket: "base", Prefix: "bp", Region: "us-east-1", BucketOwner: "999988887777",
		Policy: verdict.Policy{OnViolation: verdict.Warn}, Vars: placeholder.Vars{"keep": placeholder.String("k"), "over": placeholder.String("old")}}
	tests := []struct {
		name     string
		model    string
		want     Config
		wantVars string
		wantErrs []string
	}{
		{name: "nothing set keeps the defaults", model: `{}`, want: base, wantVars: "keep=s1:k over=s3:old"},
		{name: "every value, trimmed and case-insensitive", model: `{"templatesbucket":" b ","TemplatesPrefix":"p","TemplatesRegion":"eu-west-1","TemplatesBucketOwner":"111122223333",
			"OnViolation":" fail ","OnMissingTemplate":"WARN","OnEngineError":"warn","OnUnverifiable":"Warn","Variables":{"over":"new","list":["a","b"],"n":3}}`,
			want: Config{Bucket: "b", Prefix: "p", Region: "eu-west-1", BucketOwner: "111122223333",
				Policy: verdict.Policy{OnViolation: verdict.Fail, OnMissingTemplate: verdict.Warn, OnEngineError: verdict.Warn, OnUnverifiable: verdict.Warn}},
			wantVars: "keep=s1:k list=l2:1:a1:b n=s1:3 over=s3:new"},
		{name: "blank values keep the defaults", model: `{"TemplatesBucket":"  ","TemplatesPrefix":"","OnViolation":null,"Variables":"  "}`, want: base, wantVars: "keep=s1:k over=s3:old"},
		{name: "variables null keep the defaults", model: `{"Variables":null}`, want: base, wantVars: "keep=s1:k over=s3:old"},
		{name: "variables as a JSON string", model: `{"Variables":"{\"over\":\"s\"}"}`, want: base, wantVars: "keep=s1:k over=s1:s"},
		{name: "stringified scalars", model: `{"TemplatesPrefix":5,"OnViolation":"FAIL"}`, want: Config{Bucket: "base", Prefix: "5", Region: "us-east-1", BucketOwner: "999988887777", Policy: verdict.Policy{OnViolation: verdict.Fail}},
			wantVars: "keep=s1:k over=s3:old"},
		{name: "every bad knob is reported", model: `{"OnViolation":{},"OnMissingTemplate":"MAYBE","OnEngineError":[1],"OnUnverifiable":"SKIP"}`,
			wantErrs: []string{"OnViolation: want a string", "OnMissingTemplate: ", "MAYBE", "OnEngineError: want a string", "OnUnverifiable: ", "SKIP"}},
		{name: "every bad location is reported", model: `{"TemplatesBucket":{},"TemplatesRegion":[],"TemplatesBucketOwner":"x"}`,
			wantErrs: []string{"TemplatesBucket: want a string", "TemplatesRegion: want a string"}},
		{name: "variables not JSON", model: `{"Variables":"{nope","OnViolation":"MAYBE"}`, wantErrs: []string{"Variables: not a JSON object", "MAYBE"}},
		{name: "variables of the wrong shape", model: `{"Variables":{"a":{}}}`, wantErrs: []string{"Variables: a: want a string or a list of strings"}},
		{name: "variables not an object", model: `{"Variables":"[1]"}`, wantErrs: []string{"Variables: want an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var model wire.Object
			dec := json.NewDecoder(strings.NewReader(tt.model))
			dec.UseNumber()
			if err := dec.Decode(&model); err != nil {
				t.Fatal(err)
			}
			got, err := merge(base, model)
			if tt.wantErrs != nil {
				if err == nil || !errors.Is(err, ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig", err)
				}
				for _, w := range tt.wantErrs {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if gv := varsText(got.Vars); gv != tt.wantVars {
				t.Errorf("vars %s, want %s", gv, tt.wantVars)
			}
			got.Vars, tt.want.Vars = nil, nil
			if got.Bucket != tt.want.Bucket || got.Prefix != tt.want.Prefix || got.Region != tt.want.Region || got.BucketOwner != tt.want.BucketOwner || got.Endpoint != tt.want.Endpoint || got.Policy != tt.want.Policy {
				t.Errorf("merge = %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if varsText(base.Vars) != "keep=s1:k over=s3:old" {
		t.Errorf("merge changed the defaults' variables: %s", varsText(base.Vars))
	}
}

// TestDurationBounds: the cache TTL (0..24h) and the timeout (0..28s) are accepted at their
// bounds and refused one step beyond; only the TTL marks itself set.
func TestDurationBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env      map[string]string
		ttl      time.Duration
		ttlSet   bool
		timeout  time.Duration
		wantErrs []string
	}{
		{env: map[string]string{EnvCacheTTL: "24h"}, ttl: 24 * time.Hour, ttlSet: true},
		{env: map[string]string{EnvTimeout: "28s"}, timeout: 28 * time.Second},
		{env: map[string]string{EnvTimeout: "0s"}},
		{env: map[string]string{EnvCacheTTL: "24h0m0.001s"}, wantErrs: []string{"RCFGE_CACHE_TTL: 24h0m0.001s is outside 0..24h0m0s"}},
		{env: map[string]string{EnvTimeout: "28.001s"}, wantErrs: []string{"RCFGE_TIMEOUT: 28.001s is outside 0..28s"}},
		{env: map[string]string{EnvCacheTTL: "-1ns", EnvTimeout: "-1s"}, wantErrs: []string{"RCFGE_CACHE_TTL: -1ns is outside", "RCFGE_TIMEOUT: -1s is outside"}},
		{env: map[string]string{EnvCacheTTL: "soon", EnvTimeout: "later"}, wantErrs: []string{"RCFGE_CACHE_TTL: time: invalid duration", "RCFGE_TIMEOUT: time: invalid duration"}},
	}
	for _, tt := range tests {
		e, err := FromEnv(func(k string) string { return tt.env[k] })
		if tt.wantErrs != nil {
			for _, w := range tt.wantErrs {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("%v: err = %v, want %q", tt.env, err, w)
				}
			}
			continue
		}
		if err != nil || e.CacheTTL != tt.ttl || e.CacheTTLSet != tt.ttlSet || e.Timeout != tt.timeout {
			t.Errorf("%v: ttl %s (set %v), timeout %s, err %v; want %s (set %v), %s", tt.env, e.CacheTTL, e.CacheTTLSet, e.Timeout, err, tt.ttl, tt.ttlSet, tt.timeout)
		}
	}
}
