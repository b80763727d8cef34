// Package wire is the JSON of both CloudFormation hook protocols: the registered custom hook
// (HookInvocationRequest / HookProgressEvent) and the Lambda hook (AWS::CloudFormation::LambdaHook),
// which share one envelope. Decoding is tolerant because the service and its documentation
// disagree on spelling and types: keys match case-insensitively, objects may arrive as JSON strings,
// scalars may arrive stringified, and unknown fields are ignored. Only the standard library is used.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrInvalidRequest means the bytes are not a hook request this package can act on.
var ErrInvalidRequest = errors.New("invalid hook request")

// InvocationPoint is when CloudFormation calls the hook.
type InvocationPoint string

// The three invocation points; they keep these names for STACK and CHANGE_SET targets too.
const (
	CreatePreProvision InvocationPoint = "CREATE_PRE_PROVISION"
	UpdatePreProvision InvocationPoint = "UPDATE_PRE_PROVISION"
	DeletePreProvision InvocationPoint = "DELETE_PRE_PROVISION"
)

// Target kinds, dispatched on targetName because targetType is not reliable for resources.
const (
	TargetStack     = "STACK"
	TargetChangeSet = "CHANGE_SET"
)

// Protocol says which of the two hook protocols a request came through.
type Protocol string

// The two protocols one binary serves.
const (
	// ProtocolRegistered is the registered custom hook: hookModel is the type configuration.
	ProtocolRegistered Protocol = "registered"
	// ProtocolLambda is the managed Lambda hook: hookModel only names the function.
	ProtocolLambda Protocol = "lambda"
)

// Request is one hook invocation, as either protocol sends it.
type Request struct {
	ClientRequestToken    string          `json:"clientRequestToken"`
	AWSAccountID          string          `json:"awsAccountId"`
	StackID               string          `json:"stackId"`
	ChangeSetID           string          `json:"changeSetId"`
	HookTypeName          string          `json:"hookTypeName"`
	HookTypeVersion       string          `json:"hookTypeVersion"`
	HookModel             Object          `json:"hookModel"`
	ActionInvocationPoint InvocationPoint `json:"actionInvocationPoint"`
	RequestData           RequestData     `json:"requestData"`
	RequestContext        RequestContext  `json:"requestContext"`
	// Region appears only in some fixtures; the handler prefers AWS_REGION and the stack ARN.
	Region string `json:"region"`
}

// RequestData is the target of the invocation.
type RequestData struct {
	TargetName      string      `json:"targetName"`
	TargetType      string      `json:"targetType"`
	TargetLogicalID string      `json:"targetLogicalId"`
	TargetModel     TargetModel `json:"targetModel"`
	// Payload is a presigned S3 URL to the STACK or CHANGE_SET document.
	Payload string `json:"payload"`
	// CallerCredentials are the hook execution role's session (registered hooks only).
	CallerCredentials     Secret `json:"callerCredentials"`
	ProviderCredentials   Secret `json:"providerCredentials"`
	ProviderLogGroupName  string `json:"providerLogGroupName"`
	HookEncryptionKeyARN  string `json:"hookEncryptionKeyArn"`
	HookEncryptionKeyRole string `json:"hookEncryptionKeyRole"`
}

// TargetModel holds the resource's properties; both are decoded JSON with json.Number numbers.
type TargetModel struct {
	ResourceProperties         Object `json:"resourceProperties"`
	PreviousResourceProperties Object `json:"previousResourceProperties"`
}

// UnmarshalJSON accepts the model as an object or as a JSON string holding one.
func (m *TargetModel) UnmarshalJSON(b []byte) error {
	var o Object
	if err := o.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("targetModel: %w", err)
	}
	*m = TargetModel{}
	for _, f := range []struct {
		key string
		dst *Object
	}{{"resourceProperties", &m.ResourceProperties}, {"previousResourceProperties", &m.PreviousResourceProperties}} {
		v, ok := o.Get(f.key)
		if !ok {
			continue
		}
		obj, err := asObject(v)
		if err != nil {
			return fmt.Errorf("targetModel.%s: %w", f.key, err)
		}
		*f.dst = obj
	}
	return nil
}

// asObject converts an already decoded value to an Object, parsing a JSON string when given one.
func asObject(v any) (Object, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	case string:
		var o Object
		if err := o.UnmarshalJSON([]byte(strconv.Quote(x))); err != nil {
			return nil, err
		}
		return o, nil
	}
	return nil, fmt.Errorf("want a JSON object, got %s", typeName(v))
}

// RequestContext carries the retry state.
type RequestContext struct {
	Invocation      int    `json:"invocation"`
	CallbackContext Object `json:"callbackContext"`
}

// UnmarshalJSON accepts the invocation count as a number or a string.
func (c *RequestContext) UnmarshalJSON(b []byte) error {
	var raw struct {
		Invocation      json.RawMessage `json:"invocation"`
		CallbackContext Object          `json:"callbackContext"`
	}
	if err := unmarshalObject(b, &raw); err != nil {
		return err
	}
	c.CallbackContext = raw.CallbackContext
	c.Invocation = 0
	if s := strings.Trim(string(bytes.TrimSpace(raw.Invocation)), `"`); s != "" && s != "null" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("requestContext.invocation %q: not an integer", s)
		}
		c.Invocation = n
	}
	return nil
}

// Decode parses a request of either protocol. Numbers inside objects stay json.Number.
func Decode(b []byte) (*Request, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrInvalidRequest)
	}
	var r Request
	if err := unmarshalObject(b, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if err := r.normalise(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return &r, nil
}

func (r *Request) normalise() error {
	switch p := InvocationPoint(strings.ToUpper(strings.TrimSpace(string(r.ActionInvocationPoint)))); p {
	case CreatePreProvision, UpdatePreProvision, DeletePreProvision:
		r.ActionInvocationPoint = p
	case "":
		return errors.New("actionInvocationPoint is missing")
	default:
		return fmt.Errorf("actionInvocationPoint %q: want CREATE_PRE_PROVISION, UPDATE_PRE_PROVISION or DELETE_PRE_PROVISION", r.ActionInvocationPoint)
	}
	d := &r.RequestData
	d.TargetName = strings.TrimSpace(d.TargetName)
	if d.TargetName == "" {
		return errors.New("requestData.targetName is missing")
	}
	if up := strings.ToUpper(d.TargetName); up == TargetStack || up == TargetChangeSet {
		d.TargetName = up
	}
	return nil
}

// Target returns STACK, CHANGE_SET or the resource type name.
func (r *Request) Target() string { return r.RequestData.TargetName }

// IsStackLevel reports whether the target is a whole stack or change set rather than one resource.
func (r *Request) IsStackLevel() bool {
	t := r.Target()
	return t == TargetStack || t == TargetChangeSet
}

// Protocol tells the two protocols apart: the Lambda hook's model names only the function and it
// sends no caller credentials; the registered hook's model is the rcfge type configuration.
func (r *Request) Protocol() Protocol {
	if _, ok := r.HookModel.Get("LambdaFunction"); ok && !r.RequestData.CallerCredentials.Present() {
		return ProtocolLambda
	}
	if len(r.HookModel) == 0 && !r.RequestData.CallerCredentials.Present() {
		return ProtocolLambda
	}
	return ProtocolRegistered
}

// Object is a JSON object that may arrive as an object, as a JSON string holding one, or as null or
// an empty string (both mean absent). Values are decoded with json.Number for numbers.
type Object map[string]any

// UnmarshalJSON implements the tolerant decoding described on Object.
func (o *Object) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = bytes.TrimSpace([]byte(s))
		if len(b) == 0 {
			*o = nil
			return nil
		}
	}
	if bytes.Equal(b, []byte("null")) {
		*o = nil
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("want a JSON object, got %s", describe(b))
	}
	var m map[string]any
	if err := unmarshalObject(b, &m); err != nil {
		return err
	}
	*o = m
	return nil
}

// Get looks a key up case-insensitively, preferring an exact match, as the Java plugin does.
func (o Object) Get(key string) (any, bool) {
	if v, ok := o[key]; ok {
		return v, true
	}
	for k, v := range o {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// String returns a key's value as a string: strings as is, numbers and booleans in their JSON form
// (stringified and typed configurations read the same). ok is false when absent or null.
func (o Object) String(key string) (s string, ok bool, err error) {
	v, found := o.Get(key)
	if !found || v == nil {
		return "", false, nil
	}
	switch x := v.(type) {
	case string:
		return x, true, nil
	case json.Number:
		return x.String(), true, nil
	case bool:
		return fmt.Sprint(x), true, nil
	}
	return "", false, fmt.Errorf("%s: want a string, got %s", key, typeName(v))
}

// unmarshalObject decodes one JSON value with UseNumber and rejects trailing data.
func unmarshalObject(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func describe(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a scalar"
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
