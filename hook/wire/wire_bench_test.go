package wire_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// BenchmarkDecode: one registered-hook request with stringified model and credentials.
func BenchmarkDecode(b *testing.B) {
	raw, err := os.ReadFile("testdata/registered/update-stringified.json")
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, raw)
}

// BenchmarkDecodeLarge: a 1 MB resource (10,000 nested properties), the size of the largest
// template CloudFormation accepts.
func BenchmarkDecodeLarge(b *testing.B) {
	benchDecode(b, largeRequest(b, 10_000))
}

func benchDecode(b *testing.B, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// largeRequest builds a registered-hook CREATE request whose resource has n properties, each an
// object holding a string and a list.
func largeRequest(tb testing.TB, n int) []byte {
	tb.Helper()
	props := make(map[string]any, n)
	for i := range n {
		props[fmt.Sprintf("Property%06d", i)] = map[string]any{"Value": fmt.Sprintf("value-%032d", i), "List": []any{"a", "b", 3}}
	}
	req := map[string]any{
		"clientRequestToken": "tok", "awsAccountId": "111122223333",
		"stackId":               "arn:aws:cloudformation:us-east-1:111122223333:stack/app/uuid",
		"hookModel":             map[string]any{"TemplatesBucket": "b"},
		"actionInvocationPoint": "CREATE_PRE_PROVISION",
		"requestData": map[string]any{
			"targetName": "AWS::S3::Bucket", "targetType": "RESOURCE", "targetLogicalId": "Bkt",
			"targetModel": map[string]any{"resourceProperties": props},
		},
		"requestContext": map[string]any{"invocation": 1},
	}
	raw, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}
