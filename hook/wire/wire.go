// Package wire is the JSON of both CloudFormation hook protocols: the registered custom hook
// (HookInvocationRequest / HookProgressEvent) and the Lambda hook (AWS::CloudFormation::LambdaHook),
// which share one envelope. Decoding is tolerant because the service and its documentation
// disagree on spelling and types: keys match case-insensitively, objects may arrive as JSON strings,
// scalars may arrive stringified, and unknown fields are ignored. Request text is decoded once, by hook/jsontree.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rcfge/rcfge/hook/jsontree"
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

// Request is one hook invocation, as either protocol sends it. The tags give the wire names for
// encoding (a recorded request); decoding is by Decode, which also matches keys case-insensitively.
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

// RequestContext carries the retry state.
type RequestContext struct {
	Invocation      int    `json:"invocation"`
	CallbackContext Object `json:"callbackContext"`
}

// MaxToken bounds clientRequestToken: the service sends a UUID, and the answer echoes it.
const MaxToken = 1024

// Decode parses a request of either protocol within DefaultLimits. Numbers inside objects stay
// json.Number.
func Decode(b []byte) (*Request, error) { return DefaultLimits.Decode(b) }

// Decode parses a request of either protocol. The bytes are read once, by jsontree, which enforces
// the limits as it builds the tree; the request is read from that tree (objects sent as JSON
// strings are decoded from their string, because they are text inside the text).
func (l Limits) Decode(b []byte) (*Request, error) {
	r, err := l.decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return r, nil
}

func (l Limits) decode(b []byte) (*Request, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("empty body")
	}
	rd, err := jsontree.NewReader(b, jsontree.Limits(l))
	if err != nil {
		return nil, limitError(err)
	}
	defer rd.Close()
	if rd.Peek() != '{' {
		v, err := rd.Value()
		if err == nil {
			err = rd.Close()
		}
		if err != nil {
			return nil, limitError(err)
		}
		return nil, fmt.Errorf("the request is %s, want a JSON object", typeName(v))
	}
	d := decoder{lim: l}
	root := d.root.start(rootNames)
	// The envelope is read member by member: only what it carries (the model, the configuration)
	// becomes a tree.
	err = rd.Members(func(key string) error { return d.member(rd, root, key) })
	if err == nil {
		err = rd.Close()
	}
	if err != nil {
		return nil, limitError(err)
	}
	r := d.request(root)
	if err := errors.Join(d.errs...); err != nil {
		return nil, err
	}
	if err := r.normalise(d.hasTargetModel, d.hasProperties); err != nil {
		return nil, err
	}
	return r, nil
}

// decoder reads a Request out of the request text, collecting every field error.
type decoder struct {
	lim  Limits
	errs []error
	// hasTargetModel and hasProperties record whether the request sent them, for normalise.
	hasTargetModel, hasProperties bool
	// The envelope's levels, filled as the text is read (or from an object sent as a string).
	root, data, model, context fields
}

func (d *decoder) fail(err error) { d.errs = append(d.errs, err) }

// fields are an object's values for a fixed list of names, found as Object.Get finds them: the
// exact name first, then case-insensitively. An envelope object below (requestData, targetModel,
// requestContext) that was read member by member is held as readInto: its values are in the
// decoder's fields for it (a pointer to them here would move the decoder to the heap).
type fields struct {
	names []string
	vals  [maxFields]any
	found [maxFields]bool
	exact [maxFields]bool
}

const maxFields = 12

// readInto marks an envelope object read member by member into its level of the decoder.
type readInto struct{}

// The names read at each level of the envelope.
var (
	rootNames = []string{"clientRequestToken", "awsAccountId", "stackId", "changeSetId", "hookTypeName", "hookTypeVersion",
		"actionInvocationPoint", "region", "hookModel", "requestData", "requestContext"}
	dataNames = []string{"targetName", "targetType", "targetLogicalId", "payload", "providerLogGroupName", "hookEncryptionKeyArn",
		"hookEncryptionKeyRole", "callerCredentials", "providerCredentials", "targetModel"}
	modelNames   = []string{"resourceProperties", "previousResourceProperties"}
	contextNames = []string{"callbackContext", "invocation"}
)

// start empties f for names.
func (f *fields) start(names []string) *fields {
	*f = fields{names: names}
	return f
}

// lookup fills f with o's values for names: an object already decoded (sent as a JSON string).
func (f *fields) lookup(o Object, names []string) *fields {
	f.start(names)
	missing := false
	for i, n := range names {
		f.vals[i], f.found[i] = o[n]
		missing = missing || !f.found[i]
	}
	if !missing {
		return f
	}
	for k, v := range o {
		for i, n := range names {
			// No two names fold to the same text, so a key matches at most one.
			if !f.found[i] && strings.EqualFold(k, n) {
				f.vals[i], f.found[i] = v, true
			}
		}
	}
	return f
}

// slot is the index of the name key matches in f, exactly or case-insensitively; -1 for none.
func (f *fields) slot(key string) (i int, exact bool) {
	i = -1
	for j, n := range f.names {
		if n == key {
			return j, true
		}
		if i < 0 && strings.EqualFold(key, n) {
			i = j
		}
	}
	return i, false
}

// member reads the value of key, a member of the envelope object f is read into: an envelope
// object below it member by member, anything else as a tree. A member rcfge does not read, or one
// that a member read before outranks (the exact name beats a case-insensitive match, and the first
// match the later ones), is read all the same (the text is checked whole) and dropped.
func (d *decoder) member(rd *jsontree.Reader, f *fields, key string) error {
	i, exact := f.slot(key)
	if i < 0 || f.found[i] && (f.exact[i] || !exact) {
		_, err := rd.Value()
		return err
	}
	f.found[i], f.exact[i] = true, exact
	if sub, names := d.below(f.names[i]); sub != nil && rd.Peek() == '{' {
		sub.start(names)
		f.vals[i] = readInto{}
		return rd.Members(func(key string) error { return d.member(rd, sub, key) })
	}
	v, err := rd.Value()
	f.vals[i] = v
	return err
}

// below returns where the envelope object named name is read into, and the names read there; nil
// for a member that is not an envelope object. No name is used at two levels.
func (d *decoder) below(name string) (*fields, []string) {
	switch name {
	case "requestData":
		return &d.data, dataNames
	case "targetModel":
		return &d.model, modelNames
	case "requestContext":
		return &d.context, contextNames
	}
	return nil, nil
}

func (f *fields) get(name string) (any, bool) {
	for i, n := range f.names {
		if n == name {
			return f.vals[i], f.found[i]
		}
	}
	panic("wire: a field was read that was not looked up")
}

// text reads a scalar field as text: strings as is, numbers and booleans in their JSON form.
func (d *decoder) text(f *fields, key, where string) string {
	v, _ := f.get(key)
	s, _, err := stringOf(key, v)
	if err != nil {
		d.fail(fmt.Errorf("%s%w", where, err))
	}
	return s
}

// object reads an object field; nil when absent, null or not an object (an error then).
func (d *decoder) object(f *fields, key, where string) Object {
	v, found := f.get(key)
	if !found {
		return nil
	}
	obj, err := d.lim.asObject(v)
	if err != nil {
		d.fail(fmt.Errorf("%s%s: %w", where, key, err))
	}
	return obj
}

func (d *decoder) secret(f *fields, key, where string) Secret {
	v, _ := f.get(key)
	s, err := secretOf(v)
	if err != nil {
		d.fail(fmt.Errorf("%s%s: %w", where, key, err))
	}
	return s
}

// envelope returns the fields of the envelope object key of f: as read, or looked up in an object
// sent as a JSON string. It is nil when absent or null.
func (d *decoder) envelope(f *fields, key, where string) *fields {
	v, found := f.get(key)
	if !found {
		return nil
	}
	sub, names := d.below(key)
	if _, ok := v.(readInto); ok {
		return sub
	}
	obj, err := d.lim.asObject(v)
	if err != nil {
		d.fail(fmt.Errorf("%s%s: %w", where, key, err))
	}
	if obj == nil {
		return nil
	}
	return sub.lookup(obj, names)
}

func (d *decoder) request(root *fields) *Request {
	r := &Request{
		ClientRequestToken:    d.text(root, "clientRequestToken", ""),
		AWSAccountID:          d.text(root, "awsAccountId", ""),
		StackID:               d.text(root, "stackId", ""),
		ChangeSetID:           d.text(root, "changeSetId", ""),
		HookTypeName:          d.text(root, "hookTypeName", ""),
		HookTypeVersion:       d.text(root, "hookTypeVersion", ""),
		ActionInvocationPoint: InvocationPoint(d.text(root, "actionInvocationPoint", "")),
		Region:                d.text(root, "region", ""),
	}
	r.HookModel = d.object(root, "hookModel", "")
	if data := d.envelope(root, "requestData", ""); data != nil {
		const in = "requestData."
		rd := &r.RequestData
		rd.TargetName = d.text(data, "targetName", in)
		rd.TargetType = d.text(data, "targetType", in)
		rd.TargetLogicalID = d.text(data, "targetLogicalId", in)
		rd.Payload = d.text(data, "payload", in)
		rd.ProviderLogGroupName = d.text(data, "providerLogGroupName", in)
		rd.HookEncryptionKeyARN = d.text(data, "hookEncryptionKeyArn", in)
		rd.HookEncryptionKeyRole = d.text(data, "hookEncryptionKeyRole", in)
		rd.CallerCredentials = d.secret(data, "callerCredentials", in)
		rd.ProviderCredentials = d.secret(data, "providerCredentials", in)
		if tm := d.envelope(data, "targetModel", in); tm != nil {
			d.hasTargetModel = true
			const in = "targetModel."
			rd.TargetModel.ResourceProperties = d.object(tm, "resourceProperties", in)
			_, d.hasProperties = tm.get("resourceProperties")
			rd.TargetModel.PreviousResourceProperties = d.object(tm, "previousResourceProperties", in)
		}
	}
	if rc := d.envelope(root, "requestContext", ""); rc != nil {
		r.RequestContext.CallbackContext = d.object(rc, "callbackContext", "requestContext.")
		if s := strings.TrimSpace(d.text(rc, "invocation", "requestContext.")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				d.fail(fmt.Errorf("requestContext.invocation %q: not an integer", s))
			}
			r.RequestContext.Invocation = n
		}
	}
	return r
}

// asObject converts an already decoded value to an Object, decoding a JSON string when given one
// (within the limits: it is a request inside the request).
func (l Limits) asObject(v any) (Object, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	case string:
		t := strings.TrimSpace(x)
		if t == "" || t == "null" {
			return nil, nil
		}
		if t[0] != '{' {
			return nil, fmt.Errorf("want a JSON object, got a string")
		}
		m, err := l.treeString(t)
		if err != nil {
			return nil, err
		}
		return m.(map[string]any), nil
	}
	return nil, fmt.Errorf("want a JSON object, got %s", typeName(v))
}

func (r *Request) normalise(hasTargetModel, hasProperties bool) error {
	if len(r.ClientRequestToken) > MaxToken {
		return fmt.Errorf("clientRequestToken is longer than %d bytes", MaxToken)
	}
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
		return nil
	}
	// A resource created or updated without its properties would be checked as {}: an approval
	// nobody asked for. Deletes carry no properties.
	if r.ActionInvocationPoint == DeletePreProvision {
		return nil
	}
	switch {
	case !hasTargetModel:
		return errors.New("requestData.targetModel is missing or null")
	case !hasProperties:
		return errors.New("requestData.targetModel.resourceProperties is missing")
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

// UnmarshalJSON implements the tolerant decoding described on Object, for callers that decode
// with encoding/json (a payload, a recorded request).
func (o *Object) UnmarshalJSON(b []byte) error {
	text := strings.TrimSpace(string(b))
	if strings.HasPrefix(text, `"`) {
		v, err := jsontree.DecodeString(text, jsontree.Unlimited)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(v.(string))
		if text == "" {
			*o = nil
			return nil
		}
	}
	if text == "null" {
		*o = nil
		return nil
	}
	if !strings.HasPrefix(text, "{") {
		return fmt.Errorf("want a JSON object, got %s", describe(text))
	}
	v, err := jsontree.DecodeString(text, jsontree.Unlimited)
	if err != nil {
		return err
	}
	*o = v.(map[string]any)
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
	v, _ := o.Get(key)
	return stringOf(key, v)
}

func stringOf(key string, v any) (s string, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case json.Number:
		return x.String(), true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	}
	return "", false, fmt.Errorf("%s: want a string, got %s", key, typeName(v))
}

// treeString decodes an object sent as a JSON string, within the same limits.
func (l Limits) treeString(s string) (any, error) {
	v, err := jsontree.DecodeString(s, jsontree.Limits(l))
	return v, limitError(err)
}

// limitError gives a broken limit as this package's LimitError, which answers print.
func limitError(err error) error {
	var le *jsontree.LimitError
	if errors.As(err, &le) {
		return &LimitError{Limit: le.Limit, Max: le.Max, Got: le.Got, Unit: le.Unit}
	}
	return err
}

func describe(s string) string {
	if s == "" {
		return "nothing"
	}
	switch s[0] {
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
