package validate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/tools/cli"
)

// ConfigFile is the name of the project configuration rcfge validate looks for in the working
// directory and its parents.
const ConfigFile = ".rcfge.yaml"

// Config is .rcfge.yaml: defaults for the flags of rcfge validate. A flag given on the command
// line wins over its key; vars and parameters are merged, the command line winning per name.
type Config struct {
	Account   string `yaml:"account"`
	Region    string `yaml:"region"`
	Partition string `yaml:"partition"`
	StackName string `yaml:"stack-name"`
	// Templates is a folder (relative to the file's folder) or s3://bucket/prefix.
	Templates   string `yaml:"templates"`
	EndpointURL string `yaml:"endpoint-url"`
	// Vars are template variables: a string, or a list for list placeholders.
	Vars       map[string]yaml.Node `yaml:"vars"`
	Parameters map[string]string    `yaml:"parameters"`
	// The hook's knobs: fail or warn.
	OnViolation       string `yaml:"on-violation"`
	OnMissingTemplate string `yaml:"on-missing-template"`
	OnEngineError     string `yaml:"on-engine-error"`
	OnUnverifiable    string `yaml:"on-unverifiable"`
}

// FindConfig returns the path of the nearest .rcfge.yaml from dir upwards, or "" when none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigFile)
		switch _, err := os.Stat(p); {
		case err == nil:
			return p, nil
		case !errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("%s: %w", p, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadConfig reads a .rcfge.yaml; an unknown key is an error naming it and the file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %s", path, yamlMessage(err))
	}
	if c.Templates != "" && !strings.HasPrefix(c.Templates, "s3://") && !filepath.IsAbs(c.Templates) {
		c.Templates = filepath.Join(filepath.Dir(path), c.Templates)
	}
	return &c, nil
}

// yamlMessage is yaml.v3's error without the Go type names it adds ("in type validate.Config").
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	msgs := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		if j := strings.Index(e, " in type "); j >= 0 {
			e = e[:j]
		}
		msgs[i] = strings.Replace(e, "not found", "is not a known key", 1)
	}
	return strings.Join(msgs, "; ")
}

// applyConfig fills every flag not given on the command line from the nearest .rcfge.yaml.
func applyConfig(fl *pflag.FlagSet, opts *ValidateOptions, vars, varLists, params *[]string, knobs []*knobFlag) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	path, err := FindConfig(wd)
	if err != nil || path == "" {
		return err
	}
	c, err := LoadConfig(path)
	if err != nil {
		return &cli.FlagError{Err: err}
	}
	opts.Config = path
	set := func(flag string, target *string, v string) {
		if v != "" && !fl.Changed(flag) {
			*target = v
		}
	}
	set("account", &opts.Account, c.Account)
	set("region", &opts.Region, c.Region)
	set("partition", &opts.Partition, c.Partition)
	set("stack-name", &opts.StackName, c.StackName)
	set("templates", &opts.Templates, c.Templates)
	set("endpoint-url", &opts.EndpointURL, c.EndpointURL)
	for _, k := range knobs {
		v := map[string]string{
			"on-violation": c.OnViolation, "on-missing-template": c.OnMissingTemplate,
			"on-engine-error": c.OnEngineError, "on-unverifiable": c.OnUnverifiable,
		}[k.name]
		if v == "" || fl.Changed(k.name) {
			continue
		}
		if err := k.Set(v); err != nil {
			return cli.FlagErrorf("config %s: %s: %v", path, k.name, err)
		}
	}
	given := map[string]bool{}
	for _, kv := range append(slices.Clone(*vars), *varLists...) {
		k, _, _ := strings.Cut(kv, "=")
		given[k] = true
	}
	for _, name := range slices.Sorted(maps.Keys(c.Vars)) {
		if given[name] {
			continue
		}
		n := c.Vars[name]
		switch n.Kind {
		case yaml.ScalarNode:
			*vars = append(*vars, name+"="+n.Value)
		case yaml.SequenceNode:
			var items []string
			if err := n.Decode(&items); err != nil {
				return cli.FlagErrorf("config %s: vars.%s: want a string or a list of strings", path, name)
			}
			*varLists = append(*varLists, name+"="+strings.Join(items, ","))
		default:
			return cli.FlagErrorf("config %s: vars.%s: want a string or a list of strings", path, name)
		}
	}
	givenParams := map[string]bool{}
	for _, kv := range *params {
		k, _, _ := strings.Cut(kv, "=")
		givenParams[k] = true
	}
	for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
		if !givenParams[name] {
			*params = append(*params, name+"="+c.Parameters[name])
		}
	}
	return nil
}
