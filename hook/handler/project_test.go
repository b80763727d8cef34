package handler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/wire"
)

// hookSchema is the registered hook's schema file at the repository root.
type hookSchema struct {
	TypeName          string                     `json:"typeName"`
	Definitions       map[string]json.RawMessage `json:"definitions"`
	TypeConfiguration struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		Required             []string                   `json:"required"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	} `json:"typeConfiguration"`
	Handlers map[string]struct {
		TargetNames []string `json:"targetNames"`
		Permissions []string `json:"permissions"`
	} `json:"handlers"`
}

func readJSON(t *testing.T, path string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// TestHookSchema keeps the hook schema, .rpdk-config and the handler's configuration names in step,
// and within the rules of the hooks meta-schema.
func TestHookSchema(t *testing.T) {
	t.Parallel()
	var s hookSchema
	raw := readJSON(t, "../../rcfge-config-enforcer.json", &s)
	var rpdk struct {
		ArtifactType string `json:"artifact_type"`
		TypeName     string `json:"typeName"`
		Entrypoint   string `json:"entrypoint"`
	}
	readJSON(t, "../../.rpdk-config", &rpdk)
	if s.TypeName != "Rcfge::Config::Enforcer" || rpdk.TypeName != s.TypeName || rpdk.ArtifactType != "HOOK" || rpdk.Entrypoint != "bootstrap" {
		t.Errorf("type names: schema %q, .rpdk-config %q (%s, %s)", s.TypeName, rpdk.TypeName, rpdk.ArtifactType, rpdk.Entrypoint)
	}
	var names []string
	nameRE := regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	for n := range s.TypeConfiguration.Properties {
		names = append(names, n)
		if !nameRE.MatchString(n) || strings.HasPrefix(n, "CloudFormation") {
			t.Errorf("typeConfiguration property %q breaks the meta-schema's naming rule", n)
		}
	}
	sort.Strings(names)
	want := []string{handler.PropBucket, handler.PropBucketOwner, handler.PropPrefix, handler.PropRegion, handler.PropOnViolation, handler.PropOnMissingTemplate, handler.PropOnEngineError, handler.PropOnUnverifiable, handler.PropVariables}
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Errorf("typeConfiguration properties %v, the handler reads %v", names, want)
	}
	if a := s.TypeConfiguration.AdditionalProperties; a == nil || *a {
		t.Error("typeConfiguration must set additionalProperties: false")
	}
	for _, h := range []string{"preCreate", "preUpdate", "preDelete"} {
		hd, ok := s.Handlers[h]
		if !ok || len(hd.TargetNames) == 0 || !slices.Contains(hd.Permissions, "s3:GetObject") || !slices.Contains(hd.Permissions, "s3:ListBucket") {
			t.Errorf("handler %s: %+v", h, hd)
		}
		if h != "preDelete" && !slices.Contains(hd.TargetNames, "STACK") {
			t.Errorf("handler %s does not target STACK", h)
		}
		// Change sets are created only: CHANGE_SET is a preCreate target, and only there.
		if got := slices.Contains(hd.TargetNames, "CHANGE_SET"); got != (h == "preCreate") {
			t.Errorf("handler %s targets CHANGE_SET: %v", h, got)
		}
	}

	// The type configuration as a schema accepts what the fixtures and the StackSet send.
	var whole map[string]any
	if err := json.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	cfgSchema := whole["typeConfiguration"].(map[string]any)
	cfgSchema["definitions"] = whole["definitions"]
	b, _ := json.Marshal(cfgSchema)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("config.json", bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("config.json")
	if err != nil {
		t.Fatalf("typeConfiguration is not a valid schema: %v", err)
	}
	tests := []struct {
		config string
		valid  bool
	}{
		{`{"TemplatesBucket":"rcfge-templates","TemplatesPrefix":"templates","TemplatesRegion":"","OnViolation":"FAIL","OnMissingTemplate":"WARN","OnEngineError":"FAIL","Variables":{"approvedKmsKeys":["arn:aws:kms:eu-west-1:111122223333:key/k"],"orgId":"o-1"}}`, true},
		{`{"TemplatesBucket":"rcfge-templates","Variables":{}}`, true},
		{`{"TemplatesPrefix":"templates"}`, false},
		{`{"TemplatesBucket":"rcfge-templates","OnViolation":"IGNORE"}`, false},
		{`{"TemplatesBucket":"rcfge-templates","OnUnverifiable":"WARN"}`, true},
		{`{"TemplatesBucket":"rcfge-templates","OnUnverifiable":"SKIP"}`, false},
		{`{"TemplatesBucket":"rcfge-templates","Variables":{"x":{"nested":1}}}`, false},
		{`{"TemplatesBucket":"rcfge-templates","Other":1}`, false},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.config), &v); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); (err == nil) != tt.valid {
			t.Errorf("config %s: valid=%v, err=%v", tt.config, tt.valid, err)
		}
	}
}

// TestContractInputs runs the contract-test inputs through the handler with the shipped templates:
// the valid ones pass, the invalid ones fail.
func TestContractInputs(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../inputs/inputs_*.json")
	if err != nil || len(files) < 4 {
		t.Fatalf("inputs: %v %v", files, err)
	}
	h := handler.New(handler.WithStore(dirstore.New(os.DirFS("../../schemas"))), handler.WithLogger(discardLogger()))
	point := map[string]string{"pre_create": "CREATE_PRE_PROVISION", "pre_update": "UPDATE_PRE_PROVISION", "pre_delete": "DELETE_PRE_PROVISION", "": "CREATE_PRE_PROVISION"}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			var in map[string]json.RawMessage
			readJSON(t, f, &in)
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			invalid := strings.Contains(name, "_invalid")
			p := ""
			for k := range point {
				if k != "" && strings.HasSuffix(name, k) {
					p = k
				}
			}
			for typ, model := range in {
				raw := fmt.Sprintf(`{"clientRequestToken":"c","awsAccountId":"111122223333","stackId":"arn:aws:cloudformation:eu-west-1:111122223333:stack/s/u",
				 "hookModel":{"TemplatesBucket":"rcfge-templates"},"actionInvocationPoint":%q,
				 "requestData":{"targetName":%q,"targetLogicalId":"L","targetModel":%s}}`, point[p], typ, model)
				got := h.Handle(t.Context(), []byte(raw))
				if want := wire.StatusSuccess; !invalid && got.HookStatus != want {
					t.Errorf("%s: %s %q, want SUCCESS", typ, got.HookStatus, got.Message)
				}
				if invalid && (got.HookStatus != wire.StatusFailed || got.ErrorCode != wire.CodeNonCompliant) {
					t.Errorf("%s: %s/%s %q, want FAILED/NonCompliant", typ, got.HookStatus, got.ErrorCode, got.Message)
				}
			}
		})
	}
}
