package snapshot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
	"github.com/rcfge/rcfge/tools/svcref/svcreftest"
)

// TestFetchRealSnapshot mirrors the full real snapshot (466 services) through a local endpoint
// and checks that every file arrives byte for byte.
func TestFetchRealSnapshot(t *testing.T) {
	t.Parallel()
	src := svcreftest.Snapshot(t, svcreftest.NewDate)
	data, err := os.ReadFile(filepath.Join(src, svcref.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := svcref.ParseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			rows := make([]map[string]any, len(entries))
			for i, e := range entries {
				rows[i] = map[string]any{"service": e.Service, "url": fmt.Sprintf("%s/v1/%s/%s.json", srv.URL, e.Service, e.Service), "modified": 1787000000}
			}
			_ = json.NewEncoder(w).Encode(rows)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/v1/")
		svc, _, _ := strings.Cut(name, "/")
		if !ok || r.URL.Path != "/v1/"+svc+"/"+svc+".json" {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(src, svc+".json"))
	}))
	t.Cleanup(srv.Close)

	res, err := snapshot.Fetch(context.Background(), t.TempDir(), snapshot.Options{
		Endpoint: srv.URL + "/", Client: srv.Client(), Now: func() time.Time { return fetchDate },
	})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if res.Manifest.ServiceCount != len(entries) || len(entries) != 466 {
		t.Errorf("fetched %d services, index lists %d, want 466", res.Manifest.ServiceCount, len(entries))
	}
	for _, e := range entries {
		want, _ := os.ReadFile(filepath.Join(src, e.Service+".json"))
		got, err := os.ReadFile(filepath.Join(res.Dir, e.Service+".json"))
		if err != nil || string(got) != string(want) {
			t.Fatalf("%s.json differs from the source (err %v)", e.Service, err)
		}
	}
	if err := snapshot.Verify(context.Background(), res.Dir); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
