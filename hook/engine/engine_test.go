package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
)

const widget = "Test::Widget::Thing"

var ctx111 = engine.Context{AccountID: "111122223333", Region: "eu-west-1", StackName: "app", StackID: "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1", LogicalResourceID: "Thing"}

func newEngine(opts ...engine.Option) *engine.Engine {
	opts = append([]engine.Option{engine.WithVars(placeholder.Vars{"approvedKmsKeys": placeholder.List("key-a", "key-b")})}, opts...)
	return engine.New(dirstore.New(os.DirFS("testdata/templates")), opts...)
}

func props(t testing.TB, s string) any {
	t.Helper()
	v, err := schema.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// paths joins the violations' paths; the root is "/", so a root violation never reads as none.
func paths(vs []verdict.Violation) string {
	var p []string
	for _, v := range vs {
		if v.Path == "" {
			p = append(p, "/")
			continue
		}
		p = append(p, v.Path)
	}
	return strings.Join(p, ",")
}

// dedupe drops repeated paths from a paths() string: several rules may fail at one place.
func dedupe(p string) string {
	if p == "" {
		return ""
	}
	var out []string
	for _, s := range strings.Split(p, ",") {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return strings.Join(out, ",")
}

// refsHonoured reports whether the validator implements Options.References (hook/schema on the
// validator branch): a reference in a hand-written template is then an Unverifiable violation.
func refsHonoured(t testing.TB) bool {
	t.Helper()
	s, err := schema.Compile("probe", map[string]any{"x-rcfge": map[string]any{"generated": true}, "type": "object", "properties": map[string]any{"A": map[string]any{"enum": []any{"x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := s.Validate(context.Background(), map[string]any{"A": "{{resolve:ssm-secure:p}}"}, schema.Options{References: []string{"/A"}})
	return err == nil && len(vs) == 0
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	e := newEngine()
	tests := []struct {
		name  string
		in    engine.Input
		props string
		want  string // comma-joined violation paths
		// newValidator rows need the validator's unknown/reference semantics (issue #11 item 1).
		newValidator bool
	}{
		{name: "approved", props: `{"Name":"app-x1","KmsKeyId":"key-b","Enabled":"true","Size":"3","Owner":"Thing","Notifications":[{"Topic":"arn:aws:sns:eu-west-1:111122223333:t"}],"Literal":"$<abc>"}`},
		{name: "stack name pattern is quoted", props: `{"Name":"appX-x"}`, want: "/Name"},
		{name: "list placeholder enum", props: `{"KmsKeyId":"key-c"}`, want: "/KmsKeyId"},
		{name: "logicalResourceId const", props: `{"Owner":"Other"}`, want: "/Owner"},
		{name: "other account's topic in a $ref'd array", props: `{"Notifications":[{"Topic":"arn:aws:sns:eu-west-1:111122223333:ok"},{"Topic":"arn:aws:sns:eu-west-1:444455556666:t"}]}`, want: "/Notifications/1/Topic"},
		{name: "other region", props: `{"Notifications":[{"Topic":"arn:aws:sns:us-east-1:111122223333:t"}]}`, want: "/Notifications/0/Topic"},
		{name: "$$< is a literal, not a placeholder", props: `{"Literal":"111122223333"}`, want: "/Literal"},
		{name: "coercion failure stays a violation", props: `{"Size":"abc","Enabled":"yes"}`, want: "/Enabled,/Size"},
		{name: "unapproved property", props: `{"NewFeature":true}`, want: "/NewFeature"},
		{name: "nil properties are an empty object", props: ``},
		{name: "unknown values are skipped", props: `{"KmsKeyId":"x","Size":0}`, in: engine.Input{Unknown: []verdict.Unverified{{Path: "/KmsKeyId", Reason: "Fn::GetAtt"}}}, want: "/Size"},
		{name: "secrets manager reference to an own-constrained value is not approved", props: `{"KmsKeyId":"{{resolve:secretsmanager:k:SecretString:id}}"}`, want: "/KmsKeyId"},
		{name: "a literal containing the marker is checked as a literal", props: `{"KmsKeyId":"x{{resolve:secretsmanager:k:SecretString:id}}"}`, want: "/KmsKeyId"},
		{name: "an unapproved property given as a reference", props: `{"NewFeature":"{{resolve:secretsmanager:x:SecretString:y}}"}`, want: "/NewFeature"},
		{name: "an unapproved property given as an unknown", props: `{"NewFeature":"x"}`, in: engine.Input{Unknown: []verdict.Unverified{{Path: "/NewFeature", Reason: "Fn::ImportValue"}}}, want: "/NewFeature", newValidator: true},
		{name: "a root violation is one", props: `{"Name":1}`, in: engine.Input{TypeName: "Test::Root::Thing"}, want: "/"},
		{name: "plain ssm dynamic reference is checked", props: `{"KmsKeyId":"{{resolve:ssm:/k}}"}`, want: "/KmsKeyId"},
		{name: "per-account override", props: `{"Name":"anything","Size":1}`, in: engine.Input{Context: engine.Context{AccountID: "444455556666", Region: "eu-west-1"}}, want: "/Size"},
		{name: "delete is guarded by x-rcfge onDelete", props: `{}`, in: engine.Input{Operation: engine.Delete}, want: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.newValidator && !refsHonoured(t) {
				t.Skip("hook/schema does not implement the unknown/reference semantics yet")
			}
			in := tt.in
			if in.TypeName == "" {
				in.TypeName = widget
			}
			if in.Context == (engine.Context{}) {
				in.Context = ctx111
			}
			if tt.props != "" {
				in.Properties = props(t, tt.props)
			}
			res, err := e.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if got := dedupe(paths(res.Verdict.Violations)); got != tt.want {
				t.Errorf("violations at %q, want %q: %v", got, tt.want, res.Verdict.Violations)
			}
			if in.Operation == engine.Delete && !strings.Contains(res.Verdict.Violations[0].Message, "deleting Test::Widget::Thing") {
				t.Errorf("delete message: %v", res.Verdict.Violations)
			}
		})
	}
}

func TestUnverifiedReported(t *testing.T) {
	t.Parallel()
	res, err := newEngine().Evaluate(context.Background(), engine.Input{TypeName: widget, Context: ctx111,
		Properties: props(t, `{"Name":"{{resolve:ssm-secure:/n:1}}","KmsKeyId":"k"}`),
		Unknown:    []verdict.Unverified{{Path: "/KmsKeyId", Reason: "Fn::ImportValue"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []verdict.Unverified{
		{Path: "/KmsKeyId", Reason: "Fn::ImportValue"},
		{Path: "/Name", Reason: "dynamic reference to ssm-secure is resolved only at deployment"},
	}
	if !reflect.DeepEqual(res.Verdict.Unverified, want) {
		t.Errorf("unverified %+v, want %+v", res.Verdict.Unverified, want)
	}
	// Name's pattern is rcfge's own (a hand-written template): a reference cannot satisfy it.
	vs := res.Verdict.Violations
	if len(vs) == 0 {
		t.Fatal("approved, want a violation at /Name")
	}
	for _, v := range vs {
		if v.Path != "/Name" || (refsHonoured(t) && !v.Unverifiable) {
			t.Errorf("violation %+v, want only unverifiable ones at /Name", v)
		}
	}
}

// TestReferencesOnlyTakeTheGeneralPath: a reference the caller names (a parameter whose default is
// one) while Properties holds something else must still be reported and skip its value's own
// checks; the fast path that assumes no references would check the stand-in value instead.
func TestReferencesOnlyTakeTheGeneralPath(t *testing.T) {
	t.Parallel()
	if !refsHonoured(t) {
		t.Skip("hook/schema does not implement the reference semantics")
	}
	ref := verdict.Unverified{Path: "/Name", Reason: "dynamic reference to ssm-secure is resolved only at deployment"}
	res, err := newEngine().Evaluate(context.Background(), engine.Input{TypeName: widget, Context: ctx111,
		Properties: props(t, `{"Name":"appX-x"}`), References: []verdict.Unverified{ref}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Verdict.Unverified, []verdict.Unverified{ref}) {
		t.Errorf("unverified %+v, want %+v", res.Verdict.Unverified, ref)
	}
	for _, v := range res.Verdict.Violations {
		if v.Path != "/Name" || !v.Unverifiable {
			t.Errorf("violation %+v, want only unverifiable ones at /Name (the stand-in value is not checked)", v)
		}
	}
}

func TestDeleteAllowedWithoutGuard(t *testing.T) {
	t.Parallel()
	res, err := newEngine().Evaluate(context.Background(), engine.Input{TypeName: "Test::Open::Thing", Operation: engine.Delete, Context: ctx111, Properties: props(t, `{"A":1,"B":2}`)})
	if err != nil || !res.Verdict.Approved() {
		t.Errorf("delete of an unguarded type: %v %v", res.Verdict, err)
	}
}

func TestUpdateMarksPreExisting(t *testing.T) {
	t.Parallel()
	res, err := newEngine().Evaluate(context.Background(), engine.Input{
		TypeName: widget, Operation: engine.Update, Context: ctx111,
		Properties:         props(t, `{"Legacy":1,"NewFeature":2}`),
		PreviousProperties: props(t, `{"Legacy":1}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	vs := res.Verdict.Violations
	if len(vs) != 2 || vs[0].Path != "/Legacy" || !vs[0].PreExisting || vs[1].PreExisting {
		t.Errorf("violations %+v: want /Legacy pre-existing, /NewFeature new", vs)
	}
}

// TestCreateNeverMarksPreExisting: previous properties count only on Update.
func TestCreateNeverMarksPreExisting(t *testing.T) {
	t.Parallel()
	for _, op := range []engine.Operation{engine.Create, ""} {
		res, err := newEngine().Evaluate(context.Background(), engine.Input{
			TypeName: widget, Operation: op, Context: ctx111,
			Properties:         props(t, `{"Legacy":1}`),
			PreviousProperties: props(t, `{"Legacy":1}`),
		})
		if err != nil || len(res.Verdict.Violations) != 1 || res.Verdict.Violations[0].PreExisting {
			t.Errorf("%q: %+v %v, want /Legacy as a new violation", op, res.Verdict.Violations, err)
		}
	}
	// An Update from nothing marks nothing, and an empty previous object is a previous state.
	res, err := newEngine().Evaluate(context.Background(), engine.Input{TypeName: widget, Operation: engine.Update, Context: ctx111, Properties: props(t, `{"Legacy":1}`)})
	if err != nil || len(res.Verdict.Violations) != 1 || res.Verdict.Violations[0].PreExisting {
		t.Errorf("update without previous properties: %+v %v", res.Verdict.Violations, err)
	}
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	for _, tt := range []struct {
		err  *engine.Error
		want string
	}{
		{&engine.Error{Kind: engine.KindMissingTemplate, TypeName: "A::B::C", Template: "x", Err: cause}, "boom"},
		{&engine.Error{Kind: engine.KindInvalidTemplate, TypeName: "A::B::C", Template: "A-B-C.json", Err: cause}, "invalid template: template A-B-C.json: boom"},
		{&engine.Error{Kind: engine.KindExceptions, TypeName: "A::B::C", Template: "exceptions.json", Err: cause}, "invalid exceptions file: file exceptions.json: boom"},
		{&engine.Error{Kind: engine.KindStore, TypeName: "A::B::C", Err: cause}, "store error: A::B::C: boom"},
		{&engine.Error{Kind: engine.KindDeadline, Err: cause}, "deadline: boom"},
		{&engine.Error{Kind: engine.KindRequest, Err: cause}, "invalid request: boom"},
		{&engine.Error{Kind: 0, Err: cause}, "unknown: boom"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, cause) {
			t.Errorf("%v does not unwrap to its cause", tt.err)
		}
	}
	if engine.KindOf(cause) != 0 || engine.KindOf(nil) != 0 || engine.IsMissingTemplate(cause) {
		t.Error("a plain error has an engine kind")
	}
	if engine.KindOf(fmt.Errorf("wrapped: %w", &engine.Error{Kind: engine.KindStore, Err: cause})) != engine.KindStore {
		t.Error("KindOf does not see through wrapping")
	}
}

type failingStore struct{ err error }

func (f failingStore) Get(context.Context, string, string) (store.Template, error) {
	return store.Template{}, f.err
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		e        *engine.Engine
		ctx      context.Context
		in       engine.Input
		wantKind engine.Kind
		wantMsg  string
	}{
		{"missing template", newEngine(), context.Background(), engine.Input{TypeName: "AWS::Nope::Thing"}, engine.KindMissingTemplate, "AWS::Nope::Thing is not an approved resource type"},
		{"template is not JSON", newEngine(), context.Background(), engine.Input{TypeName: "Test::Broken::Json"}, engine.KindInvalidTemplate, "Test-Broken-Json.json"},
		{"template is not a valid schema", newEngine(), context.Background(), engine.Input{TypeName: "Test::Broken::Schema"}, engine.KindInvalidTemplate, "is not a valid schema"},
		{"unknown placeholder names it and the template", newEngine(), context.Background(), engine.Input{TypeName: "Test::Unknown::Placeholder"}, engine.KindInvalidTemplate, "template Test-Unknown-Placeholder.json: unknown placeholder $<undeclaredVar>"},
		{"built-in without a value", newEngine(), context.Background(), engine.Input{TypeName: "Test::Needs::StackId", Context: engine.Context{AccountID: "111122223333"}}, engine.KindInvalidTemplate, "$<stackId> has no value"},
		{"invalid type name", newEngine(), context.Background(), engine.Input{TypeName: "../../etc/passwd"}, engine.KindRequest, "invalid resource type name"},
		{"properties not an object", newEngine(), context.Background(), engine.Input{TypeName: widget, Properties: []any{1}}, engine.KindRequest, "properties must be a JSON object"},
		{"cancelled context", newEngine(), cancelled, engine.Input{TypeName: widget}, engine.KindDeadline, "context canceled"},
		{"store failure", engine.New(failingStore{errors.New("connection refused")}), context.Background(), engine.Input{TypeName: widget}, engine.KindStore, "connection refused"},
		{"store deadline", engine.New(failingStore{fmt.Errorf("get: %w", context.DeadlineExceeded)}), context.Background(), engine.Input{TypeName: widget}, engine.KindDeadline, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			if in.Context == (engine.Context{}) {
				in.Context = ctx111
			}
			_, err := tt.e.Evaluate(tt.ctx, in)
			if err == nil {
				t.Fatal("no error")
			}
			if k := engine.KindOf(err); k != tt.wantKind {
				t.Errorf("kind %v, want %v (%v)", k, tt.wantKind, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
			var nv *engine.NoValueError
			if strings.Contains(tt.wantMsg, "has no value") && !errors.As(err, &nv) {
				t.Errorf("error %v is not a *NoValueError", err)
			}
			if tt.wantKind == engine.KindMissingTemplate && !engine.IsMissingTemplate(err) {
				t.Error("IsMissingTemplate is false")
			}
		})
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	e := newEngine()
	if ok, err := e.Has(context.Background(), widget, ""); !ok || err != nil {
		t.Errorf("Has(widget) = %v, %v", ok, err)
	}
	if ok, err := e.Has(context.Background(), "AWS::Nope::Thing", ""); ok || err != nil {
		t.Errorf("Has(missing) = %v, %v", ok, err)
	}
	if _, err := engine.New(failingStore{errors.New("boom")}).Has(context.Background(), widget, ""); engine.KindOf(err) != engine.KindStore {
		t.Errorf("Has on a failing store: %v", err)
	}
}

func TestRequestVarsOverrideEngineVars(t *testing.T) {
	t.Parallel()
	in := engine.Input{TypeName: widget, Context: ctx111, Properties: props(t, `{"KmsKeyId":"key-z"}`),
		Vars: placeholder.Vars{"approvedKmsKeys": placeholder.List("key-z")}}
	res, err := newEngine().Evaluate(context.Background(), in)
	if err != nil || !res.Verdict.Approved() {
		t.Errorf("request variable not used: %v %v", res.Verdict, err)
	}
}

// TestNoCrossAccountBleed evaluates concurrently for many accounts: a schema compiled with one
// account's ID must never judge another account's resource.
func TestNoCrossAccountBleed(t *testing.T) {
	t.Parallel()
	e := newEngine(engine.WithCacheSize(8))
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acct := fmt.Sprintf("1000000000%02d", i%40)
			other := fmt.Sprintf("1000000000%02d", (i+1)%40)
			c := ctx111
			c.AccountID = acct
			own := props(t, fmt.Sprintf(`{"Notifications":[{"Topic":"arn:aws:sns:eu-west-1:%s:t"}]}`, acct))
			foreign := props(t, fmt.Sprintf(`{"Notifications":[{"Topic":"arn:aws:sns:eu-west-1:%s:t"}]}`, other))
			r1, err1 := e.Evaluate(context.Background(), engine.Input{TypeName: widget, Context: c, Properties: own})
			r2, err2 := e.Evaluate(context.Background(), engine.Input{TypeName: widget, Context: c, Properties: foreign})
			switch {
			case err1 != nil || err2 != nil:
				errs <- fmt.Errorf("%v %v", err1, err2)
			case !r1.Verdict.Approved():
				errs <- fmt.Errorf("account %s: own topic rejected: %v", acct, r1.Verdict.Violations)
			case r2.Verdict.Approved():
				errs <- fmt.Errorf("account %s: topic of %s approved", acct, other)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCacheHit(t *testing.T) {
	t.Parallel()
	e := newEngine()
	in := engine.Input{TypeName: widget, Context: ctx111}
	r1, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := e.Evaluate(context.Background(), in)
	in.Context.AccountID = "999988887777"
	r3, _ := e.Evaluate(context.Background(), in)
	if r1.CacheHit || !r2.CacheHit || r3.CacheHit {
		t.Errorf("cache hits %v %v %v, want false true false", r1.CacheHit, r2.CacheHit, r3.CacheHit)
	}
	if r1.TemplateKey != "Test-Widget-Thing.json" || !strings.HasPrefix(r1.TemplateVersion, "sha256:") {
		t.Errorf("template %q %q", r1.TemplateKey, r1.TemplateVersion)
	}
}

// TestPartitionFromRegion: $<partition> is the region's partition when the context names none,
// for every partition, and the context's own partition wins.
func TestPartitionFromRegion(t *testing.T) {
	t.Parallel()
	tpl := `{"type":"object","additionalProperties":false,"properties":{"Arn":{"type":"string","pattern":"^arn:$<partition>:"}}}`
	eng := engine.New(dirstore.New(fstest.MapFS{"Test-Widget-Thing.json": {Data: []byte(tpl)}}))
	for region, part := range map[string]string{
		"eu-west-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso",
		"us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f", "eusc-de-east-1": "aws-eusc",
	} {
		for arn, ok := range map[string]bool{"arn:" + part + ":s3:::b": true, "arn:aws-other:s3:::b": false} {
			res, err := eng.Evaluate(context.Background(), engine.Input{TypeName: "Test::Widget::Thing", Properties: map[string]any{"Arn": arn}, Context: engine.Context{AccountID: "111122223333", Region: region}})
			if err != nil {
				t.Fatalf("%s: %v", region, err)
			}
			if res.Verdict.Approved() != ok {
				t.Errorf("%s: %s approved = %v, want %v", region, arn, res.Verdict.Approved(), ok)
			}
		}
	}
	res, err := eng.Evaluate(context.Background(), engine.Input{TypeName: "Test::Widget::Thing", Properties: map[string]any{"Arn": "arn:aws-cn:s3:::b"}, Context: engine.Context{AccountID: "111122223333", Region: "eu-west-1", Partition: "aws-cn"}})
	if err != nil || !res.Verdict.Approved() {
		t.Errorf("the context's partition does not win: %+v %v", res.Verdict, err)
	}
}
