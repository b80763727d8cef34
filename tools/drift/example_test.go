package drift_test

import (
	"encoding/json"
	"fmt"

	"github.com/rcfge/rcfge/tools/drift"
)

func ExampleCompare() {
	var upstream, template map[string]any
	_ = json.Unmarshal([]byte(`{
		"properties": {"Encryption": {"$ref": "#/definitions/Enc"}, "NewFeature": {"type": "boolean"}, "Arn": {"type": "string"}},
		"definitions": {"Enc": {"properties": {"Algorithm": {"enum": ["aws:kms", "aws:kms:dsse"]}}}},
		"readOnlyProperties": ["/properties/Arn"]
	}`), &upstream)
	_ = json.Unmarshal([]byte(`{
		"additionalProperties": false,
		"properties": {"Encryption": {"$ref": "#/definitions/Enc"}},
		"definitions": {"Enc": {"additionalProperties": false, "properties": {"Algorithm": {"enum": ["aws:kms"]}}}}
	}`), &template)
	for _, c := range drift.Compare(upstream, template, drift.Decisions{}) {
		fmt.Println(c.Kind, c.Path, c.Values)
	}
	// The overlay narrowed the enum on purpose: that is a decision, not drift.
	dec, _ := drift.DecisionsFromPatch([]byte(`[{"op": "replace", "path": "/definitions/Enc/properties/Algorithm/enum", "value": ["aws:kms"]}]`))
	fmt.Println(len(drift.Compare(upstream, template, dec)))
	// Output:
	// new-enum-values /Encryption/Algorithm [aws:kms:dsse]
	// new-property /NewFeature []
	// 1
}
