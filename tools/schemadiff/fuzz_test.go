package schemadiff_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/schemadiff"
)

// FuzzDifferential feeds the same template and instance to rcfge's validator and to jsonschema v5.
// What v5 accepts, rcfge accepts (coercion only ever reads a scalar as the type the schema wants;
// `not` is the exception, where reading "5" for a string makes rcfge stricter, and so is nesting
// beyond rcfge's depth limit). What rcfge accepts and v5 refuses must be explained by coercion:
// v5's failures are type mismatches, or branches of anyOf/oneOf.
func FuzzDifferential(f *testing.F) {
	for _, p := range []string{"../../hook/schema/testdata/widget.json", "../../schemas/AWS-SNS-Topic.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, []byte(`{"Enabled":"true","Rules":[{"Name":"a","Weight":7}],"TopicName":"x"}`))
	}
	f.Add([]byte(`{"type":"object","additionalProperties":false,"properties":{"A":{"type":"integer","maximum":5},"B":{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^x"}]}}}`), []byte(`{"A":"7","B":"3000"}`))
	f.Add([]byte(`{"items":{"type":"string","enum":["a","1"]},"uniqueItems":true}`), []byte(`["a",1,"1"]`))
	f.Add([]byte(`{"oneOf":[{"type":"string"},{"type":"integer","minimum":1}]}`), []byte(`"5"`))
	f.Fuzz(func(t *testing.T, tpl, inst []byte) {
		doc, err := schema.Decode(tpl)
		if err != nil {
			return
		}
		v, err := schema.Decode(inst)
		if err != nil {
			return
		}
		p, err := schemadiff.Compile("fuzz.json", doc)
		if err != nil {
			return // refused by either: rcfge's refusals are tested in hook/schema
		}
		o, err := p.Validate(context.Background(), v)
		if err != nil {
			if strings.Contains(err.Error(), "v5") {
				return // v5's own failure (an infinite loop it detects), not rcfge's
			}
			t.Fatalf("rcfge failed as a validator: %v", err)
		}
		oursOK, theirsOK := len(o.Ours) == 0, len(o.Theirs) == 0
		switch {
		case theirsOK && !oursOK:
			for _, x := range o.Ours {
				if x.Keyword == "depth" || x.Keyword == "not" || x.Keyword == "type" && strings.Contains(x.Message, "CloudFormation accepts") {
					return
				}
			}
			if strings.Contains(string(tpl), `"not"`) {
				return
			}
			t.Fatalf("v5 accepts, rcfge refuses: %v\ntemplate %s\ninstance %s", o.Ours, tpl, inst)
		case oursOK && !theirsOK:
			if o.TheirsTypeOnly || strings.Contains(string(tpl), `Of"`) {
				return
			}
			t.Fatalf("rcfge accepts, v5 refuses (not a coercion): %v\ntemplate %s\ninstance %s", o.Theirs, tpl, inst)
		}
	})
}
