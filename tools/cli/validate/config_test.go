package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/validate"
)

const config = `# rcfge validate defaults for this repository
account: "111122223333"
region: eu-west-1
stack-name: app
templates: schemas
vars:
  owner: platform
  keys: [k1, k2]
parameters:
  Env: prod
on-missing-template: warn
`

// options parses args in dir (holding .rcfge.yaml in a parent) and returns the options.
func options(t *testing.T, cfg string, args ...string) (*validate.ValidateOptions, error) {
	t.Helper()
	root := t.TempDir()
	if cfg != "" {
		if err := os.WriteFile(filepath.Join(root, validate.ConfigFile), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(root, "stacks", "app")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	ios, _, _, _ := cli.Test()
	var got *validate.ValidateOptions
	cmd := validate.NewCmdValidate(&cli.Factory{IO: ios}, func(_ context.Context, o *validate.ValidateOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	if got != nil {
		// The config's templates folder is relative to the config file.
		got.Templates = strings.TrimPrefix(got.Templates, root+string(filepath.Separator))
		got.Config = strings.TrimPrefix(got.Config, root+string(filepath.Separator))
	}
	return got, err
}

func TestConfig(t *testing.T) {
	got, err := options(t, config, "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := validate.ValidateOptions{
		Account: "111122223333", Region: "eu-west-1", StackName: "app", Templates: "schemas",
		Vars:       placeholder.Vars{"owner": placeholder.String("platform"), "keys": placeholder.List("k1", "k2")},
		Parameters: map[string]string{"Env": "prod"},
		Policy:     verdict.Policy{OnMissingTemplate: verdict.Warn},
	}
	check := func(got *validate.ValidateOptions, want validate.ValidateOptions) {
		t.Helper()
		g := validate.ValidateOptions{Account: got.Account, Region: got.Region, StackName: got.StackName, Templates: got.Templates, Vars: got.Vars, Parameters: got.Parameters, Policy: got.Policy}
		if diff := cmp.Diff(want, g, cmp.AllowUnexported(placeholder.Value{})); diff != "" {
			t.Errorf("options (-want +got):\n%s", diff)
		}
	}
	check(got, want)
	if got.Config != validate.ConfigFile {
		t.Errorf("Config %q, want the file found in a parent", got.Config)
	}

	// Flags win, one name at a time for vars and parameters.
	got, err = options(t, config, "--region", "us-east-1", "--templates", "mine", "--var", "owner=me", "--parameter", "Env=dev", "--on-missing-template", "fail", "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want.Region, want.Templates = "us-east-1", "mine"
	want.Vars = placeholder.Vars{"owner": placeholder.String("me"), "keys": placeholder.List("k1", "k2")}
	want.Parameters = map[string]string{"Env": "dev"}
	want.Policy = verdict.Policy{OnMissingTemplate: verdict.Fail}
	check(got, want)

	// No file anywhere up the tree: flags only.
	got, err = options(t, "", "a.yaml")
	if err != nil || got.Account != "" || got.Config != "" {
		t.Errorf("without a config: %v, %+v", err, got)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, cfg, want string
	}{
		{"misspelt key", "acount: \"111122223333\"\n", "line 1: field acount is not a known key"},
		{"bad knob", "on-violation: maybe\n", `on-violation: "maybe": want fail or warn`},
		{"var of a mapping", "vars: {a: {b: c}}\n", "vars.a: want a string or a list of strings"},
		{"not YAML", "account: [\n", "config "},
		{"bad account", "account: \"123\"\n", `--account "123": want 12 digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := options(t, tt.cfg, "a.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if cli.ExitCode(err) != cli.ExitError {
				t.Errorf("exit %d, want 2", cli.ExitCode(err))
			}
			if strings.Contains(err.Error(), "validate.Config") {
				t.Errorf("error %q names a Go type", err)
			}
			if tt.name != "bad account" && !strings.Contains(err.Error(), validate.ConfigFile) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}
