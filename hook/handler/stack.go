package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/partition"
	"github.com/rcfge/rcfge/hook/wire"
)

// maxPayload bounds the STACK/CHANGE_SET document: two templates of CloudFormation's 1 MB limit
// plus the change set, with room to spare.
const maxPayload = 16 << 20

// errPayload marks a payload CloudFormation sent that cannot be read as one.
var errPayload = errors.New("invalid hook payload")

// stackLevel checks that every resource type of a stack (or the changed resources of a change set)
// has an approved template. Property checks stay with the resource-level invocations, where
// CloudFormation has resolved intrinsics.
func (h *Handler) stackLevel(ctx context.Context, eng *engine.Engine, req *wire.Request) outcome {
	o := outcome{scope: scope(req), typeName: req.Target()}
	if req.ActionInvocationPoint == wire.DeletePreProvision {
		o.note = o.scope + ": deletes are not checked at stack level; each resource's delete is"
		return o
	}
	if req.RequestData.Payload == "" {
		o.code, o.err = wire.CodeInvalidRequest, fmt.Errorf("%w: %s target without requestData.payload", errPayload, req.Target())
		return o
	}
	body, err := h.download(ctx, req.RequestData.Payload, req)
	switch {
	case errors.Is(err, errPayloadURL):
		o.code, o.err = wire.CodeInvalidRequest, fmt.Errorf("download the %s payload: %w", req.Target(), err)
		return o
	case err != nil:
		o.err = fmt.Errorf("download the %s payload: %w", req.Target(), err)
		return o
	}
	p, err := wire.DecodePayload(body)
	if err != nil {
		o.code, o.err = wire.CodeInvalidRequest, fmt.Errorf("%w: %w", errPayload, err)
		return o
	}
	types, err := payloadTypes(req.Target(), p)
	if err != nil {
		o.code, o.err = wire.CodeInvalidRequest, err
		return o
	}
	names := slices.Sorted(maps.Keys(types))
	for _, t := range names {
		ok, err := eng.Has(ctx, t, req.AWSAccountID)
		switch {
		case engine.KindOf(err) == engine.KindRequest:
			// Not a type name a template could exist for: unapproved.
			o.missing = append(o.missing, missingType{typeName: t, logicalIDs: types[t]})
		case err != nil:
			o.stackErrs = append(o.stackErrs, err)
		case !ok:
			o.missing = append(o.missing, missingType{typeName: t, logicalIDs: types[t]})
		}
	}
	if len(names) == 0 {
		o.note = o.scope + ": no resources to check"
	}
	return o
}

func scope(req *wire.Request) string {
	if req.Target() == wire.TargetChangeSet {
		id := req.ChangeSetID
		if id == "" {
			id = req.RequestData.TargetLogicalID
		}
		return "change set " + id
	}
	name := req.RequestData.TargetLogicalID
	if name == "" {
		name = req.StackID
	}
	return "stack " + name
}

// Payload download policy: the URL is CloudFormation's presigned S3 URL, so anything else is
// refused before a connection is made, and only failures a retry can fix are retried.
const (
	payloadTries        = 3
	payloadFirstBackoff = 200 * time.Millisecond
)

// errPayloadURL marks a payload URL the hook refuses to fetch.
var errPayloadURL = errors.New("payload URL refused")

// download GETs the presigned URL, retrying server errors and broken connections as the plugins
// do; refused URLs, redirects and other 4xx answers fail at once.
func (h *Handler) download(ctx context.Context, raw string, req *wire.Request) ([]byte, error) {
	u, err := h.payloadURL(raw, req)
	if err != nil {
		return nil, backoff.Permanent(err)
	}
	client := *h.http
	client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return fmt.Errorf("%w: the payload host %s answered with a redirect", errPayloadURL, u.Host)
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = payloadFirstBackoff
	return backoff.Retry(ctx, func() ([]byte, error) { return get(ctx, &client, u) },
		backoff.WithBackOff(b), backoff.WithMaxTries(payloadTries))
}

// payloadURL parses and checks the URL: https, and a host that is an S3 endpoint of the
// request's partition or one the configuration allows. Errors never quote the URL: its query
// string carries the signature and a session token.
func (h *Handler) payloadURL(raw string, req *wire.Request) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: not a URL (not shown: it may carry credentials)", errPayloadURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: the URL for host %s carries user information", errPayloadURL, u.Hostname())
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("%w: scheme %q, want https", errPayloadURL, u.Scheme)
	}
	for _, allowed := range [][]string{h.env.PayloadHosts, h.payloadHosts} {
		if slices.Contains(allowed, strings.ToLower(u.Host)) || slices.Contains(allowed, strings.ToLower(u.Hostname())) {
			return u, nil
		}
	}
	if p := u.Port(); p != "" && p != "443" {
		return nil, fmt.Errorf("%w: port %s on host %s", errPayloadURL, p, u.Hostname())
	}
	suffix := partitionSuffix(h.context(req))
	if !isS3Host(strings.ToLower(u.Hostname()), suffix) {
		return nil, fmt.Errorf("%w: host %s is not an S3 endpoint of this partition (*.%s); allow it with %s", errPayloadURL, u.Hostname(), suffix, EnvPayloadHosts)
	}
	return u, nil
}

// partitionSuffix is the DNS suffix of the request's partition (amazonaws.com when unknown).
func partitionSuffix(c engine.Context) string {
	if p, ok := partition.ByID(c.Partition); ok {
		return p.DNSSuffix
	}
	if c.Region != "" {
		return partition.URLSuffix(c.Region)
	}
	return "amazonaws.com"
}

// isS3Host reports whether host is an S3 endpoint under suffix: s3.<region>.<suffix>,
// <bucket>.s3.<region>.<suffix>, s3.dualstack..., s3-fips..., or the legacy s3-<region>.<suffix>.
func isS3Host(host, suffix string) bool {
	rest, ok := strings.CutSuffix(host, "."+suffix)
	if !ok {
		return false
	}
	for label := range strings.SplitSeq(rest, ".") {
		if label == "s3" || strings.HasPrefix(label, "s3-") {
			return true
		}
	}
	return false
}

func get(ctx context.Context, client *http.Client, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, backoff.Permanent(fmt.Errorf("%w: %s", errPayloadURL, u.Hostname()))
	}
	resp, err := client.Do(req)
	if err != nil {
		// The URL carries a signature; report the host only.
		err = fmt.Errorf("GET %s: %w", u.Host, unwrapURL(err))
		if ctx.Err() != nil || errors.Is(err, errPayloadURL) {
			return nil, backoff.Permanent(err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("GET %s: %s", u.Host, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, backoff.Permanent(fmt.Errorf("GET %s: %s", u.Host, resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Host, err)
	}
	if len(body) > maxPayload {
		return nil, backoff.Permanent(fmt.Errorf("GET %s: payload over %d bytes", u.Host, maxPayload))
	}
	return body, nil
}

// payloadTypes maps each resource type to the logical IDs using it. For a change set only the
// resources being created or updated count: deleting an unapproved type is welcome.
func payloadTypes(target string, p *wire.Payload) (map[string][]string, error) {
	types := map[string][]string{}
	if target == wire.TargetChangeSet && len(p.ChangedResources) > 0 {
		for i, c := range p.ChangedResources {
			switch strings.ToUpper(c.Action) {
			case "DELETE", "REMOVE":
				continue
			}
			if c.ResourceType == "" {
				return nil, fmt.Errorf("%w: changedResources[%d] has no resourceType", errPayload, i)
			}
			types[c.ResourceType] = append(types[c.ResourceType], c.LogicalResourceID)
		}
		return types, nil
	}
	// The resolved template has transforms (SAM, modules) expanded into the types deployed.
	text := p.ResolvedTemplate
	if strings.TrimSpace(string(text)) == "" {
		text = p.Template
	}
	if strings.TrimSpace(string(text)) == "" {
		return nil, fmt.Errorf("%w: %s payload has no template", errPayload, target)
	}
	return templateTypes(string(text))
}

// templateTypes reads Resources.<id>.Type from a JSON or YAML template. YAML is read as a node
// tree, so CloudFormation's short-form tags (!Ref, !Sub) need no special handling.
func templateTypes(text string) (map[string][]string, error) {
	var root yaml.Node
	if trimmed := strings.TrimSpace(text); strings.HasPrefix(trimmed, "{") {
		// JSON may be indented with tabs, which YAML forbids; re-encode it first.
		var v any
		dec := json.NewDecoder(strings.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: template is not JSON: %w", errPayload, err)
		}
		b, _ := json.Marshal(v)
		text = string(b)
	}
	if err := yaml.NewDecoder(bytes.NewReader([]byte(text))).Decode(&root); err != nil {
		return nil, fmt.Errorf("%w: template is neither JSON nor YAML: %w", errPayload, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: template is not a mapping", errPayload)
	}
	resources := mapValue(root.Content[0], "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: template has no Resources mapping", errPayload)
	}
	types := map[string][]string{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, res := resources.Content[i].Value, resources.Content[i+1]
		if strings.HasPrefix(id, "Fn::ForEach::") {
			// Language-extension loops expand only in the resolved template.
			continue
		}
		typ := mapValue(res, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.ShortTag() != "!!str" || typ.Value == "" {
			return nil, fmt.Errorf("%w: Resources.%s.Type is not a literal type name", errPayload, id)
		}
		types[typ.Value] = append(types[typ.Value], id)
	}
	return types, nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// unwrapURL drops *url.Error's quoting of the (signed) URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
