package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/engine"
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
	body, err := h.download(ctx, req.RequestData.Payload)
	if err != nil {
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
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
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

// download GETs the presigned URL, retrying server errors as the plugins do.
func (h *Handler) download(ctx context.Context, url string) ([]byte, error) {
	var last error
	for attempt := range 3 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%w (last attempt: %w)", ctx.Err(), last)
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		body, retry, err := h.get(ctx, url)
		if err == nil {
			return body, nil
		}
		if !retry {
			return nil, err
		}
		last = err
	}
	return nil, last
}

func (h *Handler) get(ctx context.Context, url string) (body []byte, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, false, fmt.Errorf("payload URL: %w", err)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		// The URL carries a signature; report the host only.
		return nil, ctx.Err() == nil, fmt.Errorf("GET %s: %w", req.URL.Host, unwrapURL(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return nil, true, fmt.Errorf("GET %s: %s", req.URL.Host, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, false, fmt.Errorf("GET %s: %s", req.URL.Host, resp.Status)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxPayload+1))
	if err != nil {
		return nil, true, fmt.Errorf("GET %s: %w", req.URL.Host, err)
	}
	if len(body) > maxPayload {
		return nil, false, fmt.Errorf("GET %s: payload over %d bytes", req.URL.Host, maxPayload)
	}
	return body, false, nil
}

// unwrapURL drops *url.Error's quoting of the (signed) URL.
func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
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
