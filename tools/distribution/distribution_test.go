package distribution_test

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var root = filepath.Join("..", "..")

// rcfge is the binary `make build` writes, built once for every test.
var rcfge string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		bin, err := os.MkdirTemp("", "rcfge-distribution-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(bin)
		cmd := exec.Command("make", "--no-print-directory", "build", "BIN="+bin, "VERSION=v0.0.0-test")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "make build: %v\n%s", err, out)
			return 1
		}
		rcfge = filepath.Join(bin, "rcfge")
		return m.Run()
	}())
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// bash runs script in the repository root and returns its exit status and output.
func bash(t *testing.T, script string, env ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", "-c", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	return 0, string(out)
}

func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	var hooks []struct {
		ID, Entry, Language, Files string
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) != 1 || hooks[0].ID != "rcfge-validate" || hooks[0].Language != "golang" {
		t.Fatalf("hooks %+v: want one rcfge-validate hook in golang", hooks)
	}
	h := hooks[0]
	// pre-commit's golang language runs `go install ./...`: the binary is named after its folder.
	if _, err := os.Stat(filepath.Join(root, "tools", "rcfge", "main.go")); err != nil || !strings.HasPrefix(h.Entry, "rcfge ") {
		t.Fatalf("entry %q does not run the rcfge that go install builds from tools/rcfge (%v)", h.Entry, err)
	}
	files := regexp.MustCompile(h.Files)
	path := "PATH=" + filepath.Dir(rcfge) + string(os.PathListSeparator) + os.Getenv("PATH")
	// What pre-commit passes: every changed file its pattern matches, templates or not.
	tests := []struct {
		name  string
		files []string
		want  int
	}{
		{"approved template beside other YAML and JSON", []string{"examples/s3-bucket-own-topic.yaml", ".pre-commit-hooks.yaml", "examples/hook-requests/lambda-s3-bucket-own-topic.json"}, 0},
		{"template with a violation", []string{"examples/s3-bucket-own-topic.yaml", "examples/s3-bucket-new-feature.yaml"}, 1},
	}
	for _, tt := range tests {
		for _, f := range tt.files {
			if !files.MatchString(f) {
				t.Fatalf("files pattern %q does not match %s", h.Files, f)
			}
		}
		code, out := bash(t, h.Entry+" --account 111122223333 --region eu-west-1 "+strings.Join(tt.files, " "), path)
		if code != tt.want {
			t.Errorf("%s: exit %d, want %d\n%s", tt.name, code, tt.want, out)
		}
	}
}

// expr is a GitHub Actions ${{ ... }} expression.
var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

func TestAction(t *testing.T) {
	t.Parallel()
	var action struct {
		Inputs map[string]struct{ Default string }
		Runs   struct {
			Using string
			Steps []struct {
				ID, Name, Uses, Run, Shell, If string
				WorkingDirectory               string `yaml:"working-directory"`
				Env                            map[string]string
			}
		}
	}
	readYAML(t, "action.yml", &action)
	if action.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", action.Runs.Using)
	}
	tmp := t.TempDir()
	output := filepath.Join(tmp, "github_output")
	sarif := filepath.Join(tmp, "rcfge.sarif")
	values := map[string]string{
		"github.action_path":               mustAbs(t, root),
		"inputs.paths":                     "examples/",
		"inputs.args":                      "--account 111122223333 --region eu-west-1",
		"inputs.sarif-file":                sarif,
		"steps.validate.outputs.exit-code": "",
		"inputs.upload-sarif":              action.Inputs["upload-sarif"].Default,
		"inputs.fail-on-findings":          action.Inputs["fail-on-findings"].Default,
	}
	uploads := 0
	for _, step := range action.Runs.Steps {
		if step.Uses != "" {
			// Only GitHub's own SARIF upload runs code from elsewhere; rcfge is built from here.
			if !strings.HasPrefix(step.Uses, "github/codeql-action/upload-sarif@") {
				t.Errorf("step %q uses %s", step.Name, step.Uses)
			}
			uploads++
			continue
		}
		if step.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash", step.Name, step.Shell)
		}
		env := []string{"RUNNER_TEMP=" + tmp, "GITHUB_OUTPUT=" + output}
		for k, v := range step.Env {
			env = append(env, k+"="+substitute(t, v, values))
		}
		script := substitute(t, step.Run, values)
		cmd := exec.CommandContext(t.Context(), "bash", "-e", "-c", script)
		cmd.Dir = root
		if step.WorkingDirectory != "" {
			cmd.Dir = substitute(t, step.WorkingDirectory, values)
		}
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		switch step.ID {
		case "validate":
			if code != 0 {
				t.Fatalf("validate step: exit %d (it records rcfge's status and goes on)\n%s", code, out)
			}
			data, err := os.ReadFile(output)
			if err != nil || !strings.Contains(string(data), "exit-code=1") {
				t.Fatalf("GITHUB_OUTPUT %q (%v), want exit-code=1 for the examples\n%s", data, err, out)
			}
			values["steps.validate.outputs.exit-code"] = "1"
			if b, err := os.ReadFile(sarif); err != nil || !strings.Contains(string(b), `"ruleId": "additionalProperties"`) {
				t.Errorf("SARIF %s: %v", sarif, err)
			}
		case "":
			if strings.HasPrefix(step.Name, "Fail") && code != 1 {
				t.Errorf("step %q: exit %d, want 1 for the examples' findings", step.Name, code)
			} else if !strings.HasPrefix(step.Name, "Fail") && code != 0 {
				t.Fatalf("step %q: exit %d\n%s", step.Name, code, out)
			}
		}
	}
	if uploads != 1 {
		t.Errorf("%d upload-sarif steps, want 1", uploads)
	}
}

func substitute(t *testing.T, s string, values map[string]string) string {
	t.Helper()
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		key := expr.FindStringSubmatch(m)[1]
		v, ok := values[key]
		if !ok {
			t.Fatalf("action.yml uses ${{ %s }}, which the test does not know", key)
		}
		return v
	})
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDockerfile checks what can be checked without a Docker engine: the build stage runs
// `make build` on the Go release go.mod names, the final stage is distroless static and copies
// the binary make build writes, and that binary, built as the image builds it, is static.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type stage struct {
		from, name string
		lines      []string
	}
	var stages []stage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if fields := strings.Fields(line); strings.EqualFold(fields[0], "FROM") {
			s := stage{from: fields[1]}
			if len(fields) == 4 && strings.EqualFold(fields[2], "AS") {
				s.name = fields[3]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("instruction before FROM: %s", line)
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want build and final", len(stages))
	}
	build0, final := stages[0], stages[1]

	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil || build0.from != "golang:"+string(goVersion[1]) {
		t.Errorf("build stage FROM %s, want golang:%s (go.mod)", build0.from, goVersion[1])
	}
	joined := strings.Join(build0.lines, "\n")
	if !regexp.MustCompile(`(?m)^RUN make build\b`).MatchString(joined) {
		t.Errorf("build stage does not run `make build`:\n%s", joined)
	}
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s, want distroless static", final.from)
	}
	copyLine := "COPY --from=" + build0.name + " /src/bin/rcfge /usr/local/bin/rcfge"
	if !strings.Contains(strings.Join(final.lines, "\n"), copyLine) {
		t.Errorf("final stage lacks %q", copyLine)
	}
	// make build writes bin/rcfge (what the COPY takes from /src, the WORKDIR).
	code, out := bash(t, "make -n --no-print-directory build")
	if code != 0 || !strings.Contains(out, "-o "+mustAbs(t, filepath.Join(root, "bin", "rcfge"))+" ./tools/rcfge") {
		t.Errorf("make -n build: exit %d, does not write bin/rcfge:\n%s", code, out)
	}
	bin := rcfge
	ef, err := elf.Open(bin)
	if err != nil {
		t.Skipf("not an ELF binary on this platform: %v", err)
	}
	defer ef.Close()
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("rcfge built with CGO_ENABLED=0 needs a dynamic loader: it would not run on distroless/static")
		}
	}
	if code, out := bash(t, bin+" --version"); code != 0 || out != "rcfge v0.0.0-test\n" {
		t.Errorf("--version: exit %d, %q; want the VERSION make build links in", code, out)
	}
}
