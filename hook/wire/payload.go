package wire

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// Payload is the document behind requestData.payload for STACK and CHANGE_SET targets. The
// documented Lambda-hook names and the Java plugin's names are both accepted.
type Payload struct {
	// Template is the raw template text (JSON or YAML); an object is re-encoded as JSON.
	Template         TemplateText      `json:"template"`
	PreviousTemplate TemplateText      `json:"previousTemplate"`
	ResolvedTemplate TemplateText      `json:"resolvedTemplate"`
	ChangedResources []ChangedResource `json:"changedResources"`
}

// ChangedResource is one entry of a change set.
type ChangedResource struct {
	Action            string `json:"action"`
	LogicalResourceID string `json:"logicalResourceId"`
	ResourceType      string `json:"resourceType"`
	LineNumber        any    `json:"lineNumber"`
	BeforeContext     Object `json:"beforeContext"`
	AfterContext      Object `json:"afterContext"`
	// ResourceProperties and PreviousResourceProperties are the Java plugin's names.
	ResourceProperties         Object `json:"resourceProperties"`
	PreviousResourceProperties Object `json:"previousResourceProperties"`
}

// TemplateText is a template as a string; the payload may also embed it as an object.
type TemplateText string

// UnmarshalJSON accepts a string, null, or an inline object (kept as JSON text).
func (t *TemplateText) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*t = ""
		return nil
	}
	if strings.HasPrefix(s, "{") {
		*t = TemplateText(s)
		return nil
	}
	if !strings.HasPrefix(s, `"`) {
		return fmt.Errorf("template: want a string or an object, got %s", describe(s))
	}
	v, err := jsontree.DecodeString(s, jsontree.Unlimited)
	if err != nil {
		return err
	}
	*t = TemplateText(v.(string))
	return nil
}

// DecodePayload parses a STACK or CHANGE_SET payload document.
func DecodePayload(b []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("hook payload: %w", err)
	}
	return &p, nil
}
