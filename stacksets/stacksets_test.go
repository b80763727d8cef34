// Package stacksets_test checks the CloudFormation templates that roll rcfge out to an
// organization: they parse with goformation's typed model, they use the names of scp/rcfge.yaml,
// and their policies have the security properties the design asks for.
package stacksets_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// templateFiles are every template this folder ships; a new one must be added here (and so to
// every test below), a missing one fails.
var templateFiles = []string{"admin.yaml", "member.yaml", "management.yaml", "svcref-job.yaml"}

// typedModelGaps are resource types that goformation v7.14.9, its last release, predates. Their
// resources are checked against the real provider schema instead (TestValidateAgainstProviderSchemas).
var typedModelGaps = map[string]string{
	"AWS::CloudFormation::LambdaHook": "launched Nov 2024, after goformation v7.14.9",
}

func TestShippedTemplatesAreListed(t *testing.T) {
	t.Parallel()
	found, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(templateFiles))
	if !slices.Equal(found, want) {
		t.Errorf("templates in stacksets/ = %v, want %v (update templateFiles)", found, want)
	}
}

// parseTyped parses a template with goformation's typed model. intrinsics.ProcessYAML plus the
// typed unmarshal is exactly goformation.ParseYAML; the resources of a typedModelGaps type are
// taken out in between, because goformation cannot unmarshal a type it does not know.
func parseTyped(data []byte) (*cloudformation.Template, []string, error) {
	var params map[string]any
	opts := &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{
		// CloudFormation hands a list parameter to a list property as a list; goformation's Ref
		// returns the raw default string, which no []string field accepts.
		"Ref": func(name string, input, tmpl any) any {
			if s, ok := input.(string); ok {
				if p, ok := params[s].(map[string]any); ok {
					if typ, _ := p["Type"].(string); typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
						def, _ := p["Default"].(string)
						var items []any
						for _, item := range strings.Split(def, ",") {
							if item = strings.TrimSpace(item); item != "" {
								items = append(items, item)
							}
						}
						return items
					}
				}
			}
			return intrinsics.Ref(name, input, tmpl)
		},
	}}
	var raw map[string]any
	js, err := processYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, nil, err
	}
	params, _ = raw["Parameters"].(map[string]any)
	js, err = processYAML(data, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, nil, err
	}
	resources, _ := raw["Resources"].(map[string]any)
	var skipped []string
	for id, r := range resources {
		typ, _ := r.(map[string]any)["Type"].(string)
		if _, gap := typedModelGaps[typ]; gap {
			delete(resources, id)
			skipped = append(skipped, id)
		}
	}
	js, err = json.Marshal(raw)
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := goformation.ParseJSON(js)
	slices.Sort(skipped)
	return tmpl, skipped, err
}

func TestTemplatesParseWithTypedModel(t *testing.T) {
	t.Parallel()
	for _, file := range templateFiles {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := loadTemplate(file)
			if err != nil {
				t.Fatal(err)
			}
			typed, skipped, err := parseTyped(data)
			if err != nil {
				t.Fatalf("goformation typed model: %v", err)
			}
			rawResources := raw.section("Resources")
			if got, want := len(typed.Resources)+len(skipped), len(rawResources); got != want {
				t.Errorf("typed model has %d resources (+%d skipped), the template %d", len(typed.Resources), len(skipped), want)
			}
			for id, r := range typed.Resources {
				wantType, _ := rawResources[id].(map[string]any)["Type"].(string)
				if got := r.AWSCloudFormationType(); got != wantType {
					t.Errorf("%s: typed model type %s, template %s", id, got, wantType)
				}
			}
			if len(typed.Parameters) != len(raw.section("Parameters")) {
				t.Errorf("typed model has %d parameters, the template %d", len(typed.Parameters), len(raw.section("Parameters")))
			}
		})
	}
}

func TestTypedModelGapsAreStillGaps(t *testing.T) {
	t.Parallel()
	all := cloudformation.AllResources()
	for typ, why := range typedModelGaps {
		if all[typ] != nil {
			t.Errorf("goformation now models %s (%s was the reason to skip it): remove it from typedModelGaps", typ, why)
		}
	}
}

func TestParseTypedRejectsBrokenTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
	}{
		{"unknown property", "testdata/unknown-property.yaml"},
		{"unknown resource type", "testdata/unknown-type.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := parseTyped(data); err == nil {
				t.Errorf("parseTyped(%s) = nil error, want one", tt.file)
			}
		})
	}
}

func TestLoadTemplateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		wantErr error
	}{
		{"yaml alias", "testdata/alias.yaml", errYAMLAlias},
		{"unknown short form", "testdata/short-contains.yaml", errShortForm},
		{"no resources", "testdata/no-resources.yaml", errNoResources},
		{"missing file", "testdata/does-not-exist.yaml", os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadTemplate(tt.file)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("loadTemplate(%s) error = %v, want %v", tt.file, err, tt.wantErr)
			}
		})
	}
}

// loaded caches parsed templates: parsing is serialised (processYAML) and evaluation never
// changes a template.
var loaded sync.Map // path -> func() (*template, error)

// mustResolve loads file and evaluates it for sc.
func mustResolve(t *testing.T, file string, sc scenario) *resolved {
	t.Helper()
	load, _ := loaded.LoadOrStore(file, sync.OnceValues(func() (*template, error) { return loadTemplate(file) }))
	tmpl, err := load.(func() (*template, error))()
	if err != nil {
		t.Fatal(err)
	}
	r, err := tmpl.resolve(sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// scenarios are the deployments every policy test covers: each mode, with and without a KMS
// key, the home region and another one.
func scenarios() map[string][]scenario {
	adminHome := map[string]any{
		"OrganizationId": testOrgID, "HomeRegion": testRegion, "CreateKmsKey": "true",
		"MemberTemplateUrl":           "https://rcfge-artifacts-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com/stacksets/v1/member.yaml",
		"TargetOrganizationalUnitIds": "ou-ab12-cdefgh34,ou-ab12-ijklmn56", "TargetRegions": "eu-west-1,us-east-1",
		"HookCodeKey": "hook/v1/rcfge-hook-arm64.zip",
	}
	adminOther := map[string]any{"OrganizationId": testOrgID, "HomeRegion": "us-east-1"}
	memberLambda := map[string]any{
		"AdminAccountId": "999988887777", "TemplatesBucketRegion": testRegion,
		"HookCodeKey": "hook/v1/rcfge-hook-arm64.zip", "AlertEmail": "secops@example.com",
	}
	memberRegistered := map[string]any{
		"HookMode": "registered", "AdminAccountId": "999988887777", "TemplatesBucketRegion": testRegion,
		"SchemaHandlerPackageKey": "hook/v1/rcfge-config-enforcer.zip",
		"TemplatesKmsKeyArn":      "arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
	return map[string][]scenario{
		"admin.yaml":      {{Params: adminHome}, {Params: adminOther}, {Params: map[string]any{"OrganizationId": testOrgID, "HomeRegion": testRegion}}},
		"member.yaml":     {{Params: memberLambda}, {Params: memberRegistered}, {Region: "us-east-1", Params: memberLambda}},
		"management.yaml": {{Region: "us-east-1", Params: map[string]any{"AlertEmail": "secops@example.com"}}},
		"svcref-job.yaml": {{Params: map[string]any{"JobCodeKey": "svcref-job/v1/rcfge-svcref-job-arm64.zip"}}},
	}
}

// eachResolved runs f on every template resolved for every scenario.
func eachResolved(t *testing.T, f func(t *testing.T, file string, r *resolved)) {
	t.Helper()
	all := scenarios()
	for _, file := range templateFiles {
		scs, ok := all[file]
		if !ok {
			t.Fatalf("no scenario for %s", file)
		}
		for i, sc := range scs {
			t.Run(fmt.Sprintf("%s/%d", file, i), func(t *testing.T) {
				f(t, file, mustResolve(t, file, sc))
			})
		}
	}
}
