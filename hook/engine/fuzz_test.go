package engine_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/schema"
)

// fuzzTypes are the test templates: good ones, and every broken kind the engine must refuse.
var fuzzTypes = []struct {
	name   string
	broken bool // no properties can ever be evaluated against it
}{
	{widget, false},
	{"Test::Open::Thing", false},
	{"Test::Needs::StackId", false},
	{"Test::Broken::Json", true},
	{"Test::Broken::Schema", true},
	{"Test::Unknown::Placeholder", true},
	{"AWS::Nope::Thing", true},
	{"../../etc/passwd", true},
}

// FuzzEvaluate drives Evaluate with arbitrary properties, types, operations and accounts. The
// property: no panic; every error carries a kind (so the handler applies a knob to it, never
// SUCCESS); a broken or missing template never yields a verdict; non-object properties are a
// request error; and a warm engine gives exactly the verdict of a cold one.
func FuzzEvaluate(f *testing.F) {
	seeds := []string{
		`{"Name":"app-x1","KmsKeyId":"key-b","Enabled":"true","Size":"3","Owner":"Thing","Notifications":[{"Topic":"arn:aws:sns:eu-west-1:111122223333:t"}],"Literal":"$<abc>"}`,
		`{"Name":"appX-x"}`, `{"KmsKeyId":"key-c"}`, `{"Size":"abc","Enabled":"yes"}`, `{"NewFeature":true}`,
		`{"KmsKeyId":"{{resolve:secretsmanager:k:SecretString:id}}"}`, `{"A":"arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1"}`,
		`[1]`, `"x"`, `null`, `{}`,
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i), uint8(i%3), ctx111.AccountID, ctx111.Region)
	}
	f.Add([]byte(`{"Name":"anything","Size":1}`), uint8(0), uint8(0), "444455556666", "cn-north-1")
	f.Add([]byte(`{}`), uint8(0), uint8(1), "", "")
	warm := newEngine()
	ops := []engine.Operation{engine.Create, engine.Update, engine.Delete, ""}
	f.Fuzz(func(t *testing.T, raw []byte, typ, op uint8, account, region string) {
		props, err := schema.Decode(raw)
		if err != nil {
			return
		}
		tt := fuzzTypes[int(typ)%len(fuzzTypes)]
		c := ctx111
		c.AccountID, c.Region = account, region
		in := engine.Input{TypeName: tt.name, Operation: ops[int(op)%len(ops)], Properties: props, PreviousProperties: props, Context: c}
		ctx := context.Background()
		got, err := warm.Evaluate(ctx, in)
		if err != nil {
			if engine.KindOf(err) == 0 {
				t.Fatalf("error without a kind: %v", err)
			}
			if err.Error() == "" {
				t.Fatal("error without a message")
			}
		} else if tt.broken {
			t.Fatalf("%s evaluated to a verdict %+v", tt.name, got.Verdict)
		}
		if _, isObject := props.(map[string]any); err == nil && props != nil && !isObject {
			t.Fatalf("non-object properties %s got a verdict", raw)
		}
		cold, coldErr := newEngine().Evaluate(ctx, in)
		if (err == nil) != (coldErr == nil) || engine.KindOf(err) != engine.KindOf(coldErr) {
			t.Fatalf("warm error %v, cold error %v", err, coldErr)
		}
		if diff := cmp.Diff(cold.Verdict, got.Verdict); err == nil && diff != "" {
			t.Fatalf("warm verdict differs from cold (-cold +warm):\n%s", diff)
		}
	})
}
