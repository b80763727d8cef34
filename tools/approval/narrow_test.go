package approval_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rcfge/rcfge/tools/approval"
)

func doc(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}

func grants(t *testing.T, items ...string) []approval.Grant {
	t.Helper()
	var out []approval.Grant
	for _, it := range items {
		g, err := approval.ParseGrant(it)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// item is a change as the test tables spell it: "kind path[=v,v]".
func items(cs []approval.Change) []string {
	var out []string
	for _, c := range cs {
		s := string(c.Kind) + " " + c.Path
		for i, v := range c.Values {
			if i == 0 {
				s += "="
			} else {
				s += ","
			}
			s += v
		}
		out = append(out, s)
	}
	return out
}

func TestNarrow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		full, approved  string
		grants, revokes []string
		want            string // the narrowed full
		pending         []string
		granted         []string
		removed         []string
	}{
		{
			name:     "new top-level property is held back with its required entry",
			full:     `{"properties": {"A": {"type": "string"}, "N": {"type": "string"}}, "required": ["A", "N"], "additionalProperties": false}`,
			approved: `{"properties": {"A": {"type": "string", "description": "old"}}, "required": ["A"], "additionalProperties": false}`,
			want:     `{"properties": {"A": {"type": "string"}}, "required": ["A"], "additionalProperties": false}`,
			pending:  []string{"new-property /N"},
		},
		{
			name:     "granted property comes in whole",
			full:     `{"properties": {"A": {"type": "string"}, "N": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"X": {"enum": ["a", "b"]}}, "additionalProperties": false}}}`,
			approved: `{"properties": {"A": {"type": "string"}}}`,
			grants:   []string{"/N"},
			want:     `{"properties": {"A": {"type": "string"}, "N": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"X": {"enum": ["a", "b"]}}, "additionalProperties": false}}}`,
			granted:  []string{"new-property /N"},
		},
		{
			name:     "a definition only the held-back property reaches goes too; AWS's unused one stays",
			full:     `{"properties": {"A": {"type": "string"}, "N": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"E": {"$ref": "#/definitions/E"}}}, "E": {"type": "string"}, "Unused": {"properties": {"E": {"$ref": "#/definitions/E"}}}}}`,
			approved: `{"properties": {"A": {"type": "string"}}, "definitions": {"Unused": {}}}`,
			want:     `{"properties": {"A": {"type": "string"}}, "definitions": {"E": {"type": "string"}, "Unused": {"properties": {"E": {"$ref": "#/definitions/E"}}}}}`,
			pending:  []string{"new-property /N"},
		},
		{
			name:     "nested through $ref and items",
			full:     `{"properties": {"L": {"type": "array", "items": {"$ref": "#/definitions/R"}}}, "definitions": {"R": {"properties": {"Id": {}, "New": {}}, "additionalProperties": false}}}`,
			approved: `{"properties": {"L": {"type": "array", "items": {"$ref": "#/definitions/R"}}}, "definitions": {"R": {"properties": {"Id": {}}, "additionalProperties": false}}}`,
			want:     `{"properties": {"L": {"type": "array", "items": {"$ref": "#/definitions/R"}}}, "definitions": {"R": {"properties": {"Id": {}}, "additionalProperties": false}}}`,
			pending:  []string{"new-property /L/*/New"},
		},
		{
			name:     "a definition shared by two paths: one grant approves both",
			full:     `{"properties": {"A": {"$ref": "#/definitions/D"}, "B": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"X": {}, "N": {}}}}}`,
			approved: `{"properties": {"A": {"$ref": "#/definitions/D"}, "B": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"X": {}}}}}`,
			grants:   []string{"/B/N"},
			want:     `{"properties": {"A": {"$ref": "#/definitions/D"}, "B": {"$ref": "#/definitions/D"}}, "definitions": {"D": {"properties": {"X": {}, "N": {}}}}}`,
			granted:  []string{"new-property /A/N"},
		},
		{
			name:     "the oneOf branch that requires the new property goes with it",
			full:     `{"properties": {"A": {}, "N": {}}, "oneOf": [{"required": ["A"]}, {"required": ["N"]}], "additionalProperties": false}`,
			approved: `{"properties": {"A": {}}, "oneOf": [{"required": ["A"]}], "additionalProperties": false}`,
			want:     `{"properties": {"A": {}}, "oneOf": [{"required": ["A"]}], "additionalProperties": false}`,
			pending:  []string{"new-property /N", `new-branch =oneOf {"required":["N"]}`},
		},
		{
			name:     "a property declared by branches only is cut from every branch",
			full:     `{"properties": {"O": {"anyOf": [{"properties": {"A": {}, "N": {}}, "additionalProperties": false}, {"properties": {"B": {}, "N": {}}, "allOf": [{"required": ["N"]}], "additionalProperties": false}]}}}`,
			approved: `{"properties": {"O": {"anyOf": [{"properties": {"A": {}}, "additionalProperties": false}, {"properties": {"B": {}}, "additionalProperties": false}]}}}`,
			// AWS's second alternative now requires N: it is new, and goes until approved.
			want:    `{"properties": {"O": {"anyOf": [{"properties": {"A": {}}, "additionalProperties": false}]}}}`,
			pending: []string{"new-property /O/N", `new-branch /O=anyOf {"additionalProperties":false,"allOf":[{"required":["N"]}]}`},
		},
		{
			name:     "a new patternProperties key is held back, the approved one stays",
			full:     `{"properties": {"M": {"type": "object", "patternProperties": {"^a": {"type": "string"}, "^n": {"type": "integer"}}, "additionalProperties": false}}}`,
			approved: `{"properties": {"M": {"type": "object", "patternProperties": {"^a": {"type": "string"}}, "additionalProperties": false}}}`,
			want:     `{"properties": {"M": {"type": "object", "patternProperties": {"^a": {"type": "string"}}, "additionalProperties": false}}}`,
			pending:  []string{"new-property /M/*"},
		},
		{
			name:     "enum narrowed to the approved values, in the provider's order; one value granted",
			full:     `{"properties": {"S": {"enum": ["A", "NEW1", "B", "NEW2"]}}}`,
			approved: `{"properties": {"S": {"enum": ["B", "A"]}}}`,
			grants:   []string{"/S=NEW2"},
			want:     `{"properties": {"S": {"enum": ["A", "B", "NEW2"]}}}`,
			pending:  []string{"new-enum-values /S=NEW1"},
			granted:  []string{"new-enum-values /S=NEW2"},
		},
		{
			name:     "a new alternative of approved properties is held back",
			full:     `{"properties": {"O": {"properties": {"A": {}, "B": {}}, "oneOf": [{"required": ["A"]}, {"required": ["B"]}, {"required": ["A", "B"]}]}}}`,
			approved: `{"properties": {"O": {"properties": {"A": {}, "B": {}}, "oneOf": [{"required": ["B"], "description": "reworded"}, {"required": ["A"]}]}}}`,
			want:     `{"properties": {"O": {"properties": {"A": {}, "B": {}}, "oneOf": [{"required": ["A"]}, {"required": ["B"]}]}}}`,
			pending:  []string{`new-branch /O=oneOf {"required":["A","B"]}`},
		},
		{
			name:     "no approved alternative left: the object admits nothing",
			full:     `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"required": ["A"], "minProperties": 2}]}}}`,
			approved: `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"required": ["A"]}]}}}`,
			want:     `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"not": {}}]}}}`,
			pending:  []string{`new-branch /O=anyOf {"minProperties":2,"required":["A"]}`},
		},
		{
			name:     "a new alternative approved with its object",
			full:     `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"required": ["A"]}, {"maxProperties": 0}]}}}`,
			approved: `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"required": ["A"]}]}}}`,
			grants:   []string{"/O"},
			want:     `{"properties": {"O": {"properties": {"A": {}}, "anyOf": [{"required": ["A"]}, {"maxProperties": 0}]}}}`,
			granted:  []string{`new-branch /O=anyOf {"maxProperties":0}`},
		},
		{
			name:     "an enum lifted upstream stays as the template approved it",
			full:     `{"properties": {"S": {"type": "string"}, "T": {"type": "string"}}}`,
			approved: `{"properties": {"S": {"type": "string", "enum": ["a", 1]}, "T": {"enum": ["x"]}}}`,
			grants:   []string{"/T"},
			want:     `{"properties": {"S": {"type": "string", "enum": ["a", 1]}, "T": {"type": "string"}}}`,
			pending:  []string{"opened-enum /S=a,1"},
			granted:  []string{"opened-enum /T=x"},
		},
		{
			name:     "removed upstream drops out and is reported",
			full:     `{"properties": {"A": {"enum": ["x"]}}}`,
			approved: `{"properties": {"A": {"enum": ["x", "y"]}, "Gone": {}}}`,
			want:     `{"properties": {"A": {"enum": ["x"]}}}`,
			removed:  []string{"removed-property /Gone", "removed-enum-values /A=y"},
		},
		{
			name:     "revoking a property and an enum value holds them back again",
			full:     `{"properties": {"A": {}, "N": {}, "S": {"enum": ["a", "b"]}}}`,
			approved: `{"properties": {"A": {}, "N": {}, "S": {"enum": ["a", "b"]}}}`,
			revokes:  []string{"/N", "/S=b"},
			want:     `{"properties": {"A": {}, "S": {"enum": ["a"]}}}`,
			pending:  []string{"new-property /N", "new-enum-values /S=b"},
		},
		{
			name:     "a template that approves no property",
			full:     `{"properties": {"A": {}, "N": {}}}`,
			approved: `{"properties": {}}`,
			want:     `{"properties": {}}`,
			pending:  []string{"new-property /A", "new-property /N"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			full := doc(t, tt.full)
			res, err := approval.Narrow(full, doc(t, tt.approved), grants(t, tt.grants...), grants(t, tt.revokes...))
			if err != nil {
				t.Fatalf("Narrow() error = %v", err)
			}
			if diff := cmp.Diff(doc(t, tt.want), full); diff != "" {
				t.Errorf("narrowed template mismatch (-want +got):\n%s", diff)
			}
			for _, c := range []struct {
				what      string
				want, got []string
			}{{"pending", tt.pending, items(res.Pending)}, {"granted", tt.granted, items(res.Granted)}, {"removed", tt.removed, items(res.Removed)}} {
				if diff := cmp.Diff(c.want, c.got, cmpopts.EquateEmpty(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", c.what, diff)
				}
			}
			if res.Changed != (len(res.Pending) > 0) {
				t.Errorf("Changed = %v with %d pending", res.Changed, len(res.Pending))
			}
		})
	}
}

func TestNarrowWholeTypeGrant(t *testing.T) {
	t.Parallel()
	full := doc(t, `{"properties": {"A": {}, "N": {"enum": ["x"]}}}`)
	res, err := approval.Narrow(full, doc(t, `{"properties": {}}`), []approval.Grant{{Path: ""}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || len(res.Pending) != 0 || len(res.Granted) != 2 {
		t.Errorf("whole-type grant: changed %v, pending %v, granted %v", res.Changed, items(res.Pending), items(res.Granted))
	}
}

func TestNarrowRefusals(t *testing.T) {
	t.Parallel()
	full := `{"properties": {"A": {"properties": {"S": {"enum": ["x"]}}}, "L": {"items": {"type": "string"}}}}`
	tests := []struct {
		name            string
		grants, revokes []string
		wantIs          error
		wantMsg         string
	}{
		{name: "property the source lacks", grants: []string{"/Nope"}, wantIs: approval.ErrNotInSource, wantMsg: "/Nope: not in the provider schema"},
		{name: "nested property the source lacks", grants: []string{"/A/Nope/Deeper"}, wantIs: approval.ErrNotInSource, wantMsg: "/A/Nope: not in the provider schema"},
		{name: "enum value the source lacks", grants: []string{"/A/S=y"}, wantIs: approval.ErrNotInSource, wantMsg: `/A/S: enum value "y" not in the provider schema`},
		{name: "revoke what the template does not approve", revokes: []string{"/L"}, wantMsg: "revoke /L: the template does not approve it"},
		{name: "revoke an enum value the template lacks", revokes: []string{"/A/S=z"}, wantMsg: `revoke /A/S: the template's enum has no "z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := approval.Narrow(doc(t, full), doc(t, `{"properties": {"A": {"properties": {"S": {"enum": ["x"]}}}}}`), grants(t, tt.grants...), grants(t, tt.revokes...))
			if err == nil || err.Error() != tt.wantMsg {
				t.Fatalf("Narrow() error = %v, want %q", err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestParseGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    approval.Grant
		wantErr bool
	}{
		{in: "/BucketNamePrefix", want: approval.Grant{Path: "/BucketNamePrefix"}},
		{in: "/Rules/*/StorageClass=GLACIER_IR", want: approval.Grant{Path: "/Rules/*/StorageClass", Value: "GLACIER_IR", Enum: true}},
		{in: "/S=", want: approval.Grant{Path: "/S", Enum: true}},
		{in: "/", want: approval.Grant{}},
		{in: "BucketNamePrefix", wantErr: true},
		{in: "/A/", wantErr: true},
		{in: "=x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := approval.ParseGrant(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseGrant(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got != tt.want || (got.String() != tt.in && tt.in != "/")) {
			t.Errorf("ParseGrant(%q) = %+v (%s), want %+v", tt.in, got, got, tt.want)
		}
	}
}
