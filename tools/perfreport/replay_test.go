package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestReplay builds the replay set from the real templates and runs both sides once: every
// request gets the same verdict from rcfge and from the Python peer. The CPU figures belong to
// `make bench` (perfreport -replay-runs); this only logs them.
func TestReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs Python: not in -short")
	}
	data := os.Getenv("RCFGE_DATA")
	if data == "" {
		data = filepath.Join("..", "..", "..", "shared", "data")
	}
	realDir, schemasDir := filepath.Join(data, "real-templates"), filepath.Join(data, "cfn-schemas", "us-east-1")
	for _, d := range []string{realDir, schemasDir} {
		if _, err := os.Stat(d); err != nil {
			t.Skipf("real data not present at %s (set RCFGE_DATA): %v", d, err)
		}
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import jsonschema").Run(); err != nil {
		t.Skipf("python3-jsonschema missing: %v", err)
	}
	if err := checkGNUTime(DefaultGNUTime); err != nil {
		t.Skip(err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	f, err := runReplay(context.Background(), root, "/usr/bin/python3", DefaultGNUTime, realDir, schemasDir, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d templates, %d types, %d requests; rcfge CPU %.2fs, python %.2fs (ratio %.2f), rcfge peak RSS %.1f MB, python %.1f MB",
		f.Templates, f.Types, f.Requests, f.GoCPU[0], f.PyCPU[0], f.Ratio, f.GoRSS, f.PyRSS)
	for _, d := range f.Disagree {
		t.Error(d)
	}
	if f.Agree+len(f.Skipped) != f.Requests {
		t.Errorf("%d of %d requests agree", f.Agree, f.Requests)
	}
	t.Logf("%d requests the peer could not judge, e.g. %v", len(f.Skipped), f.Skipped[:min(3, len(f.Skipped))])
}

// TestBuildReplay: every resource CloudFormation would create becomes a typed and a stringified
// request, a resource whose condition is false none (the hook is never called for it), and
// unknown values get distinct strings, as the resolved IDs of two resources would be.
func TestBuildReplay(t *testing.T) {
	out := t.TempDir()
	f, requests, err := buildReplay(filepath.Join("testdata", "replay", "real"), filepath.Join("testdata", "replay", "schemas"), out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Templates != 1 || f.Types != 1 || len(requests) != 6 {
		t.Fatalf("%d templates, %d types, %d requests; want 1, 1 and 6 (3 resources × 2 twins)", f.Templates, f.Types, len(requests))
	}
	ids := map[string]bool{}
	for _, p := range requests {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var req struct {
			RequestData struct {
				TargetLogicalID string `json:"targetLogicalId"`
				TargetModel     struct {
					ResourceProperties struct {
						Peers []string
					} `json:"resourceProperties"`
				} `json:"targetModel"`
			} `json:"requestData"`
		}
		if err := json.Unmarshal(b, &req); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		id := req.RequestData.TargetLogicalID
		ids[id] = true
		if peers := req.RequestData.TargetModel.ResourceProperties.Peers; id == "Fanout" && (len(peers) != 2 || peers[0] == peers[1]) {
			t.Errorf("%s: Fanout's two unknown peers = %q, want two distinct strings", p, peers)
		}
	}
	if ids["DevOnly"] || !ids["Events"] || !ids["Audit"] || !ids["Fanout"] {
		t.Errorf("requests for %v; want Events, Audit and Fanout, never DevOnly (its condition is false)", ids)
	}
	if _, err := os.Stat(filepath.Join(out, "templates", "Test-Replay-Topic.json")); err != nil {
		t.Errorf("the type's template was not written: %v", err)
	}
}
