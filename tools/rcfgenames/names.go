// Package rcfgenames loads the names of the rcfge resources from the `names:` block of
// scp/rcfge.yaml, the single source of truth that the SCPs and the StackSets templates share.
package rcfgenames

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrInvalid marks a names block that is missing, malformed, incomplete or has unknown keys.
var ErrInvalid = errors.New("invalid rcfge names")

// Names are the rcfge resource names. Every field is required.
type Names struct {
	// HookTypeName is the registered custom hook type, e.g. Rcfge::Config::Enforcer.
	HookTypeName string `yaml:"hookTypeName" json:"hookTypeName"`
	// HookAlias is the AWS::CloudFormation::LambdaHook alias, e.g. Private::Rcfge::Enforcer.
	HookAlias string `yaml:"hookAlias" json:"hookAlias"`
	// HookFunctionName is the hook's Lambda function name.
	HookFunctionName string `yaml:"hookFunctionName" json:"hookFunctionName"`
	// HookExecutionRoleName is the role CloudFormation Hooks assumes; it reads the templates.
	HookExecutionRoleName string `yaml:"hookExecutionRoleName" json:"hookExecutionRoleName"`
	// StackSetName is the service-managed StackSet that deploys stacksets/member.yaml.
	StackSetName string `yaml:"stackSetName" json:"stackSetName"`
	// StackSetExecutionRolePattern matches the service-managed StackSets execution role names.
	StackSetExecutionRolePattern string `yaml:"stackSetExecutionRolePattern" json:"stackSetExecutionRolePattern"`
	// TemplatesBucketName is the base name of the S3 bucket of restricted templates: the bucket
	// is <TemplatesBucketName>-<admin account ID>, a name no other account can take first.
	TemplatesBucketName string `yaml:"templatesBucketName" json:"templatesBucketName"`
	// TemplatesPrefix is the key prefix of the templates in that bucket.
	TemplatesPrefix string `yaml:"templatesPrefix" json:"templatesPrefix"`
	// ArtifactsBucketPrefix names the regional artifacts buckets, <prefix>-<admin account>-<region>.
	ArtifactsBucketPrefix string `yaml:"artifactsBucketPrefix" json:"artifactsBucketPrefix"`
	// PipelineRoleName is the only principal allowed to change rcfge resources.
	PipelineRoleName string `yaml:"pipelineRoleName" json:"pipelineRoleName"`
	// AlertTopicName is the SNS topic for rcfge alerts.
	AlertTopicName string `yaml:"alertTopicName" json:"alertTopicName"`
}

// blockKey is the top-level key that holds the names; other top-level keys belong to other readers.
const blockKey = "names"

// LoadFile reads the names block of the YAML file at path.
func LoadFile(path string) (Names, error) {
	f, err := os.Open(path)
	if err != nil {
		return Names{}, fmt.Errorf("rcfge names: %w", err)
	}
	defer f.Close()
	n, err := Load(f)
	if err != nil {
		return Names{}, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// Load reads the names block of a YAML document. Unknown or missing keys are errors, so a typo
// can never leave a resource unprotected.
func Load(r io.Reader) (Names, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Names{}, fmt.Errorf("%w: empty document", ErrInvalid)
		}
		return Names{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return FromNode(&doc)
}

// FromNode reads the names block from a parsed YAML document (or its top-level mapping); the SCP
// config loader uses it so that the file is parsed once.
func FromNode(doc *yaml.Node) (Names, error) {
	top := doc
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if top.Kind != yaml.MappingNode {
		return Names{}, fmt.Errorf("%w: line %d: the document is not a mapping", ErrInvalid, top.Line)
	}
	var block *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == blockKey {
			block = top.Content[i+1]
		}
	}
	if block == nil {
		return Names{}, fmt.Errorf("%w: no %q block", ErrInvalid, blockKey)
	}
	if block.Kind != yaml.MappingNode {
		return Names{}, fmt.Errorf("%w: line %d: %q is not a mapping", ErrInvalid, block.Line, blockKey)
	}
	known := yamlKeys()
	for i := 0; i+1 < len(block.Content); i += 2 {
		k := block.Content[i]
		if !slices.Contains(known, k.Value) {
			return Names{}, fmt.Errorf("%w: line %d: unknown key %q in %q (known: %s)",
				ErrInvalid, k.Line, k.Value, blockKey, strings.Join(known, ", "))
		}
		if v := block.Content[i+1]; v.Kind != yaml.ScalarNode {
			return Names{}, fmt.Errorf("%w: line %d: %s.%s must be a string", ErrInvalid, v.Line, blockKey, k.Value)
		}
	}
	var n Names
	if err := block.Decode(&n); err != nil {
		return Names{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if missing := n.missing(); len(missing) > 0 {
		return Names{}, fmt.Errorf("%w: %q lacks %s", ErrInvalid, blockKey, strings.Join(missing, ", "))
	}
	return n, nil
}

// yamlKeys lists the yaml keys of Names in field order; reflection keeps it in step with the struct.
func yamlKeys() []string {
	t := reflect.TypeFor[Names]()
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = t.Field(i).Tag.Get("yaml")
	}
	return keys
}

func (n Names) missing() []string {
	v := reflect.ValueOf(n)
	var out []string
	for i, k := range yamlKeys() {
		if strings.TrimSpace(v.Field(i).String()) == "" {
			out = append(out, k)
		}
	}
	return out
}
