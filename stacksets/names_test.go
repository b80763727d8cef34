package stacksets_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rcfge/rcfge/tools/rcfgenames"
)

// namesConfig is the single source of truth for the rcfge resource names.
const namesConfig = "../scp/rcfge.yaml"

// requiredNames are the name parameters each template must declare, because it names (or
// protects, or grants to) those resources.
var requiredNames = map[string][]string{
	"admin.yaml": {"HookExecutionRoleName", "HookFunctionName", "PipelineRoleName", "StackSetExecutionRolePattern",
		"StackSetName", "TemplatesBucketName", "TemplatesPrefix"},
	"member.yaml": {"AlertTopicName", "HookAlias", "HookExecutionRoleName", "HookFunctionName", "HookTypeName",
		"StackSetName", "TemplatesBucketName", "TemplatesPrefix"},
	"management.yaml": {"AlertTopicName", "StackSetName"},
	"svcref-job.yaml": {"AlertTopicName", "PipelineRoleName"},
}

// nameValues maps each rcfgenames.Names field (the template parameter of the same name) to its value.
func nameValues(n rcfgenames.Names) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(n)
	for i := range v.NumField() {
		out[v.Type().Field(i).Name] = v.Field(i).String()
	}
	return out
}

// checkNames reports where a template diverges from the names: a name parameter whose default
// or allowed values differ, a required name parameter that is missing, or a name written as a
// literal instead of through its parameter.
func checkNames(tmpl *template, names rcfgenames.Names, required []string) []string {
	var problems []string
	values := nameValues(names)
	for _, field := range slices.Sorted(func(yield func(string) bool) {
		for k := range values {
			if !yield(k) {
				return
			}
		}
	}) {
		want := values[field]
		p := tmpl.parameter(field)
		if p == nil {
			if slices.Contains(required, field) {
				problems = append(problems, fmt.Sprintf("parameter %s is missing (want default %q)", field, want))
			}
			continue
		}
		if got := fmt.Sprint(p["Default"]); got != want {
			problems = append(problems, fmt.Sprintf("parameter %s: default %q, scp/rcfge.yaml says %q", field, got, want))
		}
		allowed, _ := p["AllowedValues"].([]any)
		if len(allowed) != 1 || fmt.Sprint(allowed[0]) != want {
			problems = append(problems, fmt.Sprintf("parameter %s: AllowedValues %v, want exactly [%s]", field, allowed, want))
		}
	}
	// A literal would escape the pinning above; "templates" is too common a word to look for.
	for _, section := range []string{"Conditions", "Resources", "Outputs", "Rules"} {
		walkStrings(tmpl.section(section), section, func(path, s string) {
			for field, v := range values {
				if strings.ContainsAny(v, "-:") && strings.Contains(s, v) {
					problems = append(problems, fmt.Sprintf("%s: literal %q; use parameter %s", path, v, field))
				}
			}
		})
	}
	slices.Sort(problems)
	return problems
}

// walkStrings calls f with every string value under v, except descriptions, which are prose.
func walkStrings(v any, path string, f func(path, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			if k != "Description" {
				walkStrings(item, path+"/"+k, f)
			}
		}
	case []any:
		for i, item := range x {
			walkStrings(item, fmt.Sprintf("%s/%d", path, i), f)
		}
	case string:
		f(path, x)
	}
}

func TestNamesMatchSCPConfig(t *testing.T) {
	t.Parallel()
	names, err := rcfgenames.LoadFile(namesConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range templateFiles {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			tmpl, err := loadTemplate(file)
			if err != nil {
				t.Fatal(err)
			}
			required, ok := requiredNames[file]
			if !ok {
				t.Fatalf("no requiredNames entry for %s", file)
			}
			for _, p := range checkNames(tmpl, names, required) {
				t.Error(p)
			}
		})
	}
}

func TestCheckNamesDetectsDivergence(t *testing.T) {
	t.Parallel()
	names, err := rcfgenames.LoadFile(namesConfig)
	if err != nil {
		t.Fatal(err)
	}
	renamed := names
	renamed.HookFunctionName = "rcfge-enforcer"
	tests := []struct {
		name     string
		file     string
		names    rcfgenames.Names
		required []string
		want     []string // substrings, one per expected problem
	}{
		{
			name: "scp/rcfge.yaml renamed the function", file: "member.yaml", names: renamed,
			required: requiredNames["member.yaml"],
			want: []string{
				`parameter HookFunctionName: AllowedValues [rcfge-hook], want exactly [rcfge-enforcer]`,
				`parameter HookFunctionName: default "rcfge-hook", scp/rcfge.yaml says "rcfge-enforcer"`,
			},
		},
		{
			name: "literal bucket name", file: "testdata/names-literal.yaml", names: names,
			want: []string{`Resources/Bucket/Properties/BucketName: literal "rcfge-templates"; use parameter TemplatesBucketName`},
		},
		{
			name: "unpinned and missing parameters", file: "testdata/names-unpinned.yaml", names: names,
			required: []string{"AlertTopicName", "PipelineRoleName"},
			want: []string{
				`parameter AlertTopicName is missing`,
				`parameter PipelineRoleName: AllowedValues [], want exactly [rcfge-pipeline]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := loadTemplate(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got := checkNames(tmpl, tt.names, tt.required)
			if len(got) != len(tt.want) {
				t.Fatalf("checkNames = %q, want %d problems like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func loadNames() (rcfgenames.Names, error) {
	return rcfgenames.LoadFile(namesConfig)
}
