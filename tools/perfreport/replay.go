package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/hook/jsonptr"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/tools/cfntemplate"
	"github.com/rcfge/rcfge/tools/compact"
	"github.com/rcfge/rcfge/tools/schemadiff"
	"github.com/rcfge/rcfge/tools/schemagen"
)

//go:embed replay_peer.py
var replayPeerScript []byte

// ReplayFigures compare `rcfge hook replay`, run as a fresh process, with a plain Python hook
// doing the same job (replay_peer.py), on every resource of the qualifying real templates.
type ReplayFigures struct {
	Templates, Types, Requests int
	// Runs are the paired runs' whole-process CPU seconds (user + system).
	GoCPU, PyCPU []float64
	// Ratio is the median of rcfge's CPU over the peer's, run by run.
	Ratio float64
	// GoRSS and PyRSS are each side's peak resident memory, in MB, over the runs (GNU time's
	// %M: the program's own peak, see peakrss.go).
	GoRSS, PyRSS float64
	// Agree counts requests both judged alike; Disagree names the others; Skipped the requests
	// the peer could not judge (a Go RE2 pattern Python's re refuses), with why.
	Agree    int
	Disagree []string
	Skipped  []string
	// Failed counts the requests rcfge answered FAILED.
	Failed int
}

// replayAccount is the account every replayed request comes from.
const replayAccount = "111122223333"

// buildReplay turns every resource of the templates listed in QUALIFYING.txt into a Lambda hook
// request (intrinsics resolved by tools/cfntemplate, unknown values given as a plain string), each
// with a stringified twin, and writes the templates generated for their types, without overlays,
// in the compact form make publish uploads (rcfge schemas compact).
func buildReplay(realDir, schemasDir, out string) (ReplayFigures, []string, error) {
	var f ReplayFigures
	list, err := os.ReadFile(filepath.Join(realDir, "QUALIFYING.txt"))
	if err != nil {
		return f, nil, err
	}
	tplDir, reqDir := filepath.Join(out, "templates"), filepath.Join(out, "requests")
	for _, d := range []string{tplDir, reqDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return f, nil, err
		}
	}
	types := map[string]bool{}
	var requests []string
	for _, rel := range strings.Fields(string(list)) {
		data, err := os.ReadFile(filepath.Join(realDir, rel))
		if err != nil {
			return f, nil, err
		}
		t, err := cfntemplate.Parse(rel, data, cfntemplate.Options{AccountID: replayAccount, Region: "us-east-1", StackName: "replay"})
		if err != nil {
			continue // a template cfntemplate cannot evaluate yet: not a validator figure
		}
		f.Templates++
		for _, r := range t.Resources {
			if r.Skipped {
				continue // its condition is false: CloudFormation neither creates it nor calls the hook
			}
			if !types[r.Type] {
				ok, err := writeTemplate(schemasDir, tplDir, r.Type)
				if err != nil {
					return f, nil, err
				}
				if !ok {
					continue
				}
				types[r.Type] = true
			}
			props := known(r)
			for i, twin := range []any{props, schemadiff.Stringify(props)} {
				name := filepath.Join(reqDir, fmt.Sprintf("%04d-%d.json", len(requests)/2, i))
				if err := writeRequest(name, r, twin); err != nil {
					return f, nil, err
				}
				requests = append(requests, name)
			}
		}
	}
	f.Types, f.Requests = len(types), len(requests)
	return f, requests, nil
}

// known gives unknown values a string, as CloudFormation gives a resolved value to a hook; each
// its own, as two resources' IDs differ (a list of them stays uniqueItems).
func known(r cfntemplate.Resource) any {
	props := r.Properties
	if props == nil {
		props = map[string]any{}
	}
	for n, u := range r.Unknown {
		value := fmt.Sprintf("replay-unknown-value-%d", n)
		parent, last := jsonptr.Parent(u.Path)
		holder, ok := jsonptr.Lookup(props, parent)
		if !ok {
			continue
		}
		switch h := holder.(type) {
		case map[string]any:
			h[last] = value
		case []any:
			var i int
			if _, err := fmt.Sscan(last, &i); err == nil && i < len(h) {
				h[i] = value
			}
		}
	}
	return props
}

func writeTemplate(schemasDir, tplDir, typeName string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(schemasDir, schemagen.RegistryFileName(typeName)))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	g, err := schemagen.Generate(schemagen.Provider{TypeName: typeName, Body: raw}, schemagen.Options{Snapshot: "2026-08-03"})
	if err != nil {
		return false, fmt.Errorf("generate %s: %w", typeName, err)
	}
	name, err := store.FileName(typeName)
	if err != nil {
		return false, err
	}
	// As make publish uploads it (and the hook reads it): compact.
	body, err := compact.Template(g.Body)
	if err != nil {
		return false, fmt.Errorf("compact %s: %w", typeName, err)
	}
	return true, os.WriteFile(filepath.Join(tplDir, name), body, 0o644)
}

func writeRequest(path string, r cfntemplate.Resource, props any) error {
	req := map[string]any{
		"clientRequestToken":    "replay-" + filepath.Base(path),
		"awsAccountId":          replayAccount,
		"stackId":               "arn:aws:cloudformation:us-east-1:" + replayAccount + ":stack/replay/6f1c2a30-8e55-11f0-9a3b-0a1b2c3d4e5f",
		"changeSetId":           nil,
		"hookTypeName":          "Private::Rcfge::Enforcer",
		"hookTypeVersion":       "00000001",
		"hookModel":             map[string]any{"LambdaFunction": "arn:aws:lambda:us-east-1:" + replayAccount + ":function:rcfge-hook"},
		"actionInvocationPoint": "CREATE_PRE_PROVISION",
		"requestData": map[string]any{
			"targetName": r.Type, "targetType": r.Type, "targetLogicalId": r.LogicalID,
			"targetModel": map[string]any{"resourceProperties": props},
		},
		"requestContext": map[string]any{"invocation": 1, "callbackContext": nil},
	}
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// writeReplaySet writes the replay set to o.replaySet and prints one line saying what it holds.
func writeReplaySet(o options) error {
	root, err := repoRoot(context.Background())
	if err != nil {
		return err
	}
	data := dataDir(o, root)
	f, requests, err := buildReplay(filepath.Join(data, "real-templates"), filepath.Join(data, "cfn-schemas", "us-east-1"), o.replaySet)
	if err != nil {
		return fmt.Errorf("replay set: %w", err)
	}
	fmt.Printf("%d requests over %d types from %d templates in %s (templates/, requests/)\n", len(requests), f.Types, f.Templates, o.replaySet)
	return nil
}

// runReplay times `rcfge hook replay` (built once) and the Python peer on the same requests,
// alternating runs, and compares their verdicts.
func runReplay(ctx context.Context, root, python, gnuTime, realDir, schemasDir string, runs int) (ReplayFigures, error) {
	if err := checkGNUTime(gnuTime); err != nil {
		return ReplayFigures{}, err
	}
	tmp, err := os.MkdirTemp("", "perfreport-replay-")
	if err != nil {
		return ReplayFigures{}, err
	}
	defer os.RemoveAll(tmp)
	f, requests, err := buildReplay(realDir, schemasDir, tmp)
	if err != nil {
		return f, fmt.Errorf("replay set: %w", err)
	}
	if len(requests) == 0 {
		return f, errors.New("replay set is empty")
	}
	bin := filepath.Join(tmp, "rcfge")
	// Built as `make build` builds the CLI users run: static, so no C library is mapped in.
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./tools/rcfge")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		return f, fmt.Errorf("CGO_ENABLED=0 go build ./tools/rcfge: %w: %s", err, b)
	}
	script := filepath.Join(tmp, "replay_peer.py")
	if err := os.WriteFile(script, replayPeerScript, 0o644); err != nil {
		return f, err
	}
	tplDir := filepath.Join(tmp, "templates")
	var goVerdicts, pyVerdicts map[string]string
	for range runs {
		cmd := exec.CommandContext(ctx, bin, append([]string{"hook", "replay", "--templates", tplDir, "--format", "json"}, requests...)...)
		cmd.Env = append(os.Environ(), "RCFGE_LOG_LEVEL=ERROR")
		out, cpu, rss, err := runPeakRSS(ctx, gnuTime, cmd)
		// Exit status 1 is findings, the expected outcome; a run without its peak RSS is an error.
		if err != nil && (cmd.ProcessState.ExitCode() != 1 || rss == 0) {
			return f, fmt.Errorf("rcfge hook replay: %w", err)
		}
		if goVerdicts, err = replayVerdicts(out); err != nil {
			return f, err
		}
		f.GoCPU = append(f.GoCPU, cpu)
		f.GoRSS = max(f.GoRSS, rss)

		cmd = exec.CommandContext(ctx, python, append([]string{script, tplDir}, requests...)...)
		out, cpu, rss, err = runPeakRSS(ctx, gnuTime, cmd)
		if err != nil {
			return f, fmt.Errorf("python replay peer: %w: %s", err, out)
		}
		pyVerdicts = peerVerdicts(out)
		f.PyCPU = append(f.PyCPU, cpu)
		f.PyRSS = max(f.PyRSS, rss)
	}
	var ratios []float64
	for i := range f.GoCPU {
		ratios = append(ratios, f.GoCPU[i]/f.PyCPU[i])
	}
	slices.Sort(ratios)
	f.Ratio = ratios[len(ratios)/2]
	for _, r := range requests {
		if goVerdicts[r] == "FAILED" {
			f.Failed++
		}
		if p := pyVerdicts[r]; strings.HasPrefix(p, "SKIPPED") {
			f.Skipped = append(f.Skipped, filepath.Base(r)+": "+p)
			continue
		}
		if g, p := goVerdicts[r], pyVerdicts[r]; g == p && g != "" {
			f.Agree++
		} else {
			f.Disagree = append(f.Disagree, fmt.Sprintf("%s: rcfge %s, python %s", filepath.Base(r), g, p))
		}
	}
	return f, nil
}

func replayVerdicts(out []byte) (map[string]string, error) {
	var report []struct {
		Request  string `json:"request"`
		Response struct {
			HookStatus string `json:"hookStatus"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return nil, fmt.Errorf("rcfge hook replay output: %w", err)
	}
	m := map[string]string{}
	for _, r := range report {
		m[r.Request] = r.Response.HookStatus
	}
	return m, nil
}

func peerVerdicts(out []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "\t"); ok {
			m[k] = v
		}
	}
	return m
}
