package schemagen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// SurfacePatch corrects a provider schema where it differs from what a CloudFormation template
// may write. A provider schema describes the resource model of the Cloud Control API, and a few
// of its constraints do not hold for templates: CloudFormation itself names a nested stack, so
// the Stack model's required StackName is never written in a template.
//
// A patch only removes a false constraint. It never opens a property: the set of property names a
// template approves is the same with and without it (TestSurfacePatchesKeepPropertyNames).
// Every patch names its evidence, listed in docs/templates.md.
type SurfacePatch struct {
	// TypeName is the resource type the patch applies to.
	TypeName string
	// At is the JSON Pointer of the subschema in the provider schema ("" for the root).
	At string
	// Unrequire lists property names dropped from the subschema's required list.
	Unrequire []string
	// Drop lists value keywords removed from the subschema (a pattern stricter than what
	// CloudFormation deploys, a type too narrow). Never a name keyword: see nameKeywords.
	Drop []string
	// ProviderDefined admits, beside the properties AWS defines, every other property name with
	// any value: the one case where names are not AWS's to define. A custom resource passes its
	// properties to the provider its ServiceToken names (the account's own function or topic), so
	// they gate no AWS feature; ServiceToken itself keeps its rules. Only custom resource types
	// may carry it (TestProviderDefinedOnlyOnCustomResources).
	ProviderDefined bool
	// Why says what is false about the constraint, in one line.
	Why string
	// Evidence names a template CloudFormation deploys, or the CloudFormation documentation.
	Evidence string
}

// nameKeywords decide which property names an object admits; a patch may not touch them.
var nameKeywords = []string{"properties", "patternProperties", "additionalProperties", "propertyNames", "$ref"}

// SurfacePatches is the generator's patch set, applied to every provider schema it names.
var SurfacePatches = []SurfacePatch{
	{
		TypeName:  "AWS::CloudFormation::Stack",
		At:        "",
		Unrequire: []string{"StackName"},
		Why:       "CloudFormation names a nested stack itself; a template never sets StackName (only TemplateURL is required)",
		Evidence: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stack.html " +
			"(the template properties: NotificationARNs, Parameters, Tags, TemplateURL, TimeoutInMinutes; TemplateURL " +
			"alone required, as in the CloudFormation resource specification behind CDK's CfnStackProps); " +
			"88 nested stacks in 25 files of shared/data/real-templates/QUALIFYING.txt, none with StackName, e.g. " +
			"aws-quickstart/quickstart-microsoft-activedirectory templates/ad-1.template.yaml",
	},
}

// providerDefinedKey is the patternProperties key a ProviderDefined patch adds.
const providerDefinedKey = "^.+$"

// customResourcePatch admits the provider-defined properties of AWS::CloudFormation::CustomResource.
var customResourcePatch = SurfacePatch{
	TypeName:        "AWS::CloudFormation::CustomResource",
	At:              "",
	ProviderDefined: true,
	Why:             "only ServiceToken is defined by AWS; every other property is defined by the custom resource's provider and passed to it as is",
	Evidence: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html " +
		"(\"Only one property is defined by AWS for a custom resource: ServiceToken. All other properties are defined by the service provider.\"); " +
		"shared/data/real-templates: quickstart-enterprise-accelerator-pci templates/copy-zips.template.yaml (DestBucket, SourceBucket, Objects) " +
		"and two quickstart-datalake-foundation templates",
}

func init() { SurfacePatches = append(SurfacePatches, customResourcePatch) }

// AppliedPatch records one surface patch under x-rcfge.patches of the template it changed.
type AppliedPatch struct {
	Path   string `json:"path"`
	Change string `json:"change"`
	Why    string `json:"why"`
}

// applySurfacePatches applies the patches for typeName to the provider schema doc. A patch whose
// subschema or constraint is gone (AWS fixed its schema) is skipped: it has nothing left to remove.
func applySurfacePatches(doc map[string]any, typeName string, patches []SurfacePatch) ([]AppliedPatch, error) {
	var applied []AppliedPatch
	for _, p := range patches {
		if !strings.EqualFold(p.TypeName, typeName) {
			continue
		}
		for _, kw := range p.Drop {
			if slices.Contains(nameKeywords, kw) {
				return nil, fmt.Errorf("surface patch %s %s: may not drop %q, which decides property names", p.TypeName, p.At, kw)
			}
		}
		v, ok := jsonptr.Lookup(doc, p.At)
		node, isObj := v.(map[string]any)
		if !ok || !isObj {
			continue
		}
		for _, name := range p.Unrequire {
			if !requires(node, name) {
				continue
			}
			dropRequired(node, name)
			applied = append(applied, AppliedPatch{Path: p.At + "/required", Change: "not required: " + name, Why: p.Why})
		}
		for _, kw := range p.Drop {
			if _, has := node[kw]; !has {
				continue
			}
			delete(node, kw)
			applied = append(applied, AppliedPatch{Path: jsonptr.Append(p.At, kw), Change: "removed", Why: p.Why})
		}
		if p.ProviderDefined {
			if !strings.HasPrefix(p.TypeName, "AWS::CloudFormation::CustomResource") {
				return nil, fmt.Errorf("surface patch %s: only a custom resource's properties are provider-defined", p.TypeName)
			}
			pats, _ := node["patternProperties"].(map[string]any)
			if pats == nil {
				pats = map[string]any{}
				node["patternProperties"] = pats
			}
			if _, has := pats[providerDefinedKey]; !has {
				pats[providerDefinedKey] = map[string]any{}
				applied = append(applied, AppliedPatch{Path: jsonptr.Append(jsonptr.Append(p.At, "patternProperties"), providerDefinedKey), Change: "provider-defined properties admitted", Why: p.Why})
			}
		}
	}
	return applied, nil
}

func requires(m map[string]any, name string) bool {
	req, _ := m["required"].([]any)
	return slices.Contains(req, any(name))
}
