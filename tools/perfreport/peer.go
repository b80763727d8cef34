package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/schemas"
	"github.com/rcfge/rcfge/tools/sampleinst"
	"github.com/rcfge/rcfge/tools/schemagen"
)

//go:embed peer.py
var peerScript []byte

// peerSeeds is how many valid and how many invalid instances each template gets; peerRounds how
// many turns each side takes.
const (
	peerSeeds  = 10
	peerRounds = 3
)

// PeerFigures compare rcfge's validator with the Python peer on the same schemas and instances,
// one core each.
type PeerFigures struct {
	Python, JSONSchema string
	Schemas            int
	Instances          int
	// GoRate and PyRate are validations per second.
	GoRate, PyRate float64
	// Agree counts instances both sides judged alike (approved or not); Disagree names the others.
	Agree    int
	Disagree []string
	Skipped  map[string]string
}

type peerCase struct {
	Name      string `json:"name"`
	Schema    any    `json:"schema"`
	Instances []any  `json:"instances"`
}

type peerOutput struct {
	JSONSchema  string            `json:"jsonschema"`
	Python      string            `json:"python"`
	Validations int               `json:"validations"`
	Seconds     float64           `json:"seconds"`
	Approved    map[string][]bool `json:"approved"`
	Skipped     map[string]string `json:"skipped"`
}

// peerTypes are large, popular real types whose generated (unrestricted) templates join the
// comparison when the real provider schemas are present.
var peerTypes = []string{
	"AWS::S3::Bucket", "AWS::ECS::TaskDefinition", "AWS::Lambda::Function", "AWS::IAM::Role",
	"AWS::EC2::Instance", "AWS::DynamoDB::Table", "AWS::RDS::DBInstance", "AWS::CloudFront::Distribution",
	"AWS::WAFv2::WebACL", "AWS::ElasticLoadBalancingV2::Listener",
}

// peerCorpus is the shipped templates, placeholders filled for one deployment, plus the templates
// generated for peerTypes from schemasDir (skipped when empty), each with generated valid
// instances and instances carrying one unapproved property.
func peerCorpus(schemasDir string) ([]peerCase, error) {
	files, err := fs.Glob(schemas.FS(), "*.json")
	if err != nil {
		return nil, err
	}
	type template struct {
		name string
		body []byte
	}
	var tpls []template
	for _, name := range files {
		body, err := fs.ReadFile(schemas.FS(), name)
		if err != nil {
			return nil, err
		}
		tpls = append(tpls, template{name, body})
	}
	if schemasDir != "" {
		for _, t := range peerTypes {
			raw, err := os.ReadFile(filepath.Join(schemasDir, schemagen.RegistryFileName(t)))
			if err != nil {
				return nil, err
			}
			g, err := schemagen.Generate(schemagen.Provider{TypeName: t, Body: raw}, schemagen.Options{Snapshot: "2026-08-03"})
			if err != nil {
				return nil, fmt.Errorf("generate %s: %w", t, err)
			}
			tpls = append(tpls, template{"generated-" + strings.ReplaceAll(t, "::", "-") + ".json", g.Body})
		}
	}
	var out []peerCase
	for _, t := range tpls {
		name, body := t.name, t.body
		if _, err := compileTemplate(name, body); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc, _ := schema.Decode(body)
		filled, err := fillDoc(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		g, err := sampleinst.New(filled, sampleinst.WithMaxDepth(5))
		if err != nil {
			return nil, fmt.Errorf("%s: instance generator: %w", name, err)
		}
		c := peerCase{Name: name, Schema: filled}
		for seed := range uint64(peerSeeds) {
			if v, err := g.Valid(seed); err == nil {
				c.Instances = append(c.Instances, v)
			}
			if v, _, err := g.Invalid(seed); err == nil {
				c.Instances = append(c.Instances, v)
			}
		}
		if len(c.Instances) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// comparePeer runs the Python peer on the corpus, then rcfge's validator on the cases Python
// could run, each for about minTime.
func comparePeer(ctx context.Context, python, schemasDir string, minTime time.Duration) (PeerFigures, error) {
	var f PeerFigures
	cases, err := peerCorpus(schemasDir)
	if err != nil {
		return f, fmt.Errorf("peer corpus: %w", err)
	}
	tmp, err := os.MkdirTemp("", "perfreport-peer-")
	if err != nil {
		return f, err
	}
	defer os.RemoveAll(tmp)
	corpus, err := json.Marshal(map[string]any{"schemas": cases})
	if err != nil {
		return f, err
	}
	script, data := filepath.Join(tmp, "peer.py"), filepath.Join(tmp, "corpus.json")
	if err := os.WriteFile(script, peerScript, 0o644); err != nil {
		return f, err
	}
	if err := os.WriteFile(data, corpus, 0o644); err != nil {
		return f, err
	}
	runPython := func() (peerOutput, error) {
		var py peerOutput
		cmd := exec.CommandContext(ctx, python, script, data, fmt.Sprint(minTime.Seconds()))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return py, fmt.Errorf("python peer (%s; `make bench` installs Debian's python3-jsonschema): %w: %s", python, err, strings.TrimSpace(stderr.String()))
		}
		if err := json.Unmarshal(stdout.Bytes(), &py); err != nil {
			return py, fmt.Errorf("python peer output: %w", err)
		}
		if py.Seconds <= 0 || py.Validations == 0 {
			return py, fmt.Errorf("python peer validated nothing (skipped: %v)", py.Skipped)
		}
		return py, nil
	}
	py, err := runPython()
	if err != nil {
		return f, err
	}
	f.Python, f.JSONSchema, f.Skipped = py.Python, py.JSONSchema, py.Skipped
	f.PyRate = float64(py.Validations) / py.Seconds

	type compiled struct {
		name      string
		s         *schema.Schema
		instances []any
	}
	var run []compiled
	for _, c := range cases {
		want, ok := py.Approved[c.Name]
		if !ok {
			continue
		}
		// The same JSON the peer read, decoded as the hook decodes (json.Number).
		s, err := schema.Compile(c.Name, roundTrip(c.Schema))
		if err != nil {
			return f, fmt.Errorf("%s: %w", c.Name, err)
		}
		cc := compiled{name: c.Name, s: s}
		for i, inst := range c.Instances {
			inst = roundTrip(inst)
			cc.instances = append(cc.instances, inst)
			vs, err := s.Validate(context.Background(), inst, schema.Options{})
			switch {
			case err != nil:
				return f, fmt.Errorf("%s instance %d: %w", c.Name, i, err)
			case (len(vs) == 0) == want[i]:
				f.Agree++
			default:
				f.Disagree = append(f.Disagree, fmt.Sprintf("%s #%d (rcfge approved=%v)", c.Name, i, len(vs) == 0))
			}
		}
		run = append(run, cc)
		f.Schemas++
		f.Instances += len(cc.instances)
	}
	goRun := func() (float64, error) {
		n, start := 0, time.Now()
		for time.Since(start) < minTime {
			for _, c := range run {
				for _, inst := range c.instances {
					if _, err := c.s.Validate(context.Background(), inst, schema.Options{}); err != nil {
						return 0, err
					}
					n++
				}
			}
		}
		return float64(n) / time.Since(start).Seconds(), nil
	}
	// The machine is shared: the sides take turns, peerRounds times, and each keeps its best rate,
	// so a burst of someone else's load does not decide the ratio.
	for round := range peerRounds {
		rate, err := goRun()
		if err != nil {
			return f, err
		}
		f.GoRate = max(f.GoRate, rate)
		if round == 0 {
			continue // the first Python run happened above, before the agreement check
		}
		py, err := runPython()
		if err != nil {
			return f, err
		}
		f.PyRate = max(f.PyRate, float64(py.Validations)/py.Seconds)
	}
	slices.Sort(f.Disagree)
	return f, nil
}

func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	out, err := schema.Decode(b)
	if err != nil {
		return v
	}
	return out
}
